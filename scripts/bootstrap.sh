#!/usr/bin/env bash
# Installs what the project needs on Debian 12, idempotently: the Debian packages (only
# when one is missing: a second run does not touch apt), then the local LLM server and
# model (scripts/install-llm.sh, which is a no-op once its virtualenv is complete).
# Non-interactive. Installing the packages starts no service we rely on: the scripts
# run their own Postgres, Redis and nginx on their own ports, and leave any distro
# instance alone.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)

packages=(
  # servers the stack and the tests run for real
  postgresql redis-server redis-tools nginx
  # build: hiredis for the Swift Redis wrapper, zlib headers for NIO's compression,
  # a C/C++ toolchain and cmake for llama-cpp-python's llama.cpp build
  libhiredis-dev zlib1g-dev build-essential cmake pkg-config
  # the local LLM's virtualenv
  python3 python3-venv
  # the scripts: curl (health polling), envsubst (nginx template), runuser/unshare/flock
  # (util-linux), pgrep/ps (procps)
  curl ca-certificates gettext-base util-linux procps
  # deployment checks: openssl (throw-away TLS certificate for `nginx -t` on nginx.conf),
  # python3-venv above (scripts/check-deploy.sh's tools), pg_dump/redis-cli come with the
  # servers (scripts/backup.sh)
  openssl
  # lint, load and timing tools
  shellcheck yamllint wrk hyperfine
)

missing=()
for pkg in "${packages[@]}"; do
  if [[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null) != ii* ]]; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]} > 0)); then
  log "installing Debian packages: ${missing[*]}"
  sudo=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null || die "not root and no sudo: install ${missing[*]} by hand"
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends -o Dpkg::Options::=--force-confdef \
    -o Dpkg::Options::=--force-confold "${missing[@]}" >&2
else
  log "Debian packages: all present"
fi

if ! command -v swift >/dev/null; then
  log "warning: no 'swift' on PATH — install a Swift 6 toolchain (swift.org) to build"
fi

# The LLM server's virtualenv (a ~5 minute build the first time, seconds after).
"$root/scripts/install-llm.sh" >/dev/null
log "done"
