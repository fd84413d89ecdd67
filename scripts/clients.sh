#!/usr/bin/env bash
# The official clients the tests drive the suite with, as their users would: installed
# from PyPI, unmodified, into the git-ignored virtualenv .venv-clients (on first use, and
# again whenever the list below changes). Prints the virtualenv's python.
#
#   scripts/clients.sh            e.g. "$(scripts/clients.sh)" examples/producer.py …
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)

requirements=(redis==7.4.1)
venv=${CLIENTS_VENV:-$root/.venv-clients}
python=$venv/bin/python
stamp=$venv/.requirements
if [[ ! -x $python || $(cat "$stamp" 2>/dev/null) != "${requirements[*]}" ]]; then
  log "installing ${requirements[*]} into $venv"
  command -v python3 >/dev/null || die "no python3: run scripts/bootstrap.sh"
  rm -rf "$venv"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "${requirements[@]}" >&2
  echo "${requirements[*]}" >"$stamp"
fi
echo "$python"
