#!/usr/bin/env bash
# Checks both nginx configs with the real nginx (`nginx -t`); exits non-zero on failure.
#  - nginx/local.conf.template, rendered as scripts/daemons.sh renders it;
#  - nginx/nginx.conf (production), copied with snippets/ into a scratch folder together
#    with a throw-away self-signed certificate in tls/ (what the container mounts at
#    /etc/nginx/tls). Its upstreams name compose services (gateway:8100…), which do not
#    resolve here: as root, the check runs in a private mount namespace where a temporary
#    /etc/hosts maps those names to 127.0.0.1 (the machine's own /etc/hosts is untouched).
#    Without root, the copy has the names replaced by 127.0.0.1.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)
command -v nginx >/dev/null || die "no nginx: run scripts/bootstrap.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pcs-check-nginx.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
status=0

# 1. The local variant.
mkdir -p "$tmp/local"
GATEWAY_PORT=8100 REALTIME_PORT=8102 HEALTHD_PORT=8105 NGINX_PORT=8080 \
  render_local_nginx "$tmp/local"
if nginx -q -t -p "$tmp/local/" -c "$tmp/local/nginx.conf" -e "$tmp/local/logs/error.log"; then
  log "ok: nginx/local.conf.template"
else
  log "FAILED: nginx/local.conf.template"
  status=1
fi

# 2. The production config.
services=(gateway cards-api realtime queue-worker llm-proxy healthd)
command -v openssl >/dev/null || die "no openssl: run scripts/bootstrap.sh"
mkdir -p "$tmp/prod/logs" "$tmp/prod/tls"
cp "$root/nginx/nginx.conf" "$tmp/prod/nginx.conf"
cp -r "$root/nginx/snippets" "$tmp/prod/snippets"
cp "$root/nginx/trusted-proxies.conf" "$tmp/prod/trusted-proxies.conf"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
  -keyout "$tmp/prod/tls/tls.key" -out "$tmp/prod/tls/tls.crt" 2>/dev/null ||
  die "openssl could not make the test certificate"
if ((EUID == 0)) && unshare -m true 2>/dev/null; then
  {
    echo "127.0.0.1 localhost ${services[*]}"
    echo "::1 localhost ip6-localhost ip6-loopback"
  } >"$tmp/hosts"
  # shellcheck disable=SC2016 # $1..$3 belong to the inner sh
  if unshare -m sh -c 'mount --bind "$1" /etc/hosts && exec nginx -q -t -p "$2/" -c "$3" -e "$2/logs/error.log"' \
    sh "$tmp/hosts" "$tmp/prod" "$tmp/prod/nginx.conf"; then
    log "ok: nginx/nginx.conf"
  else
    log "FAILED: nginx/nginx.conf"
    status=1
  fi
else
  log "not root (or no mount namespaces): checking nginx.conf with its service names replaced by 127.0.0.1"
  sed -i -E "s/server +($(
    IFS='|'
    echo "${services[*]}"
  )):/server 127.0.0.1:/" "$tmp/prod/nginx.conf"
  if nginx -q -t -p "$tmp/prod/" -c "$tmp/prod/nginx.conf" -e "$tmp/prod/logs/error.log"; then
    log "ok: nginx/nginx.conf"
  else
    log "FAILED: nginx/nginx.conf"
    status=1
  fi
fi
exit "$status"
