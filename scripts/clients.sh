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

requirements=(redis==7.4.1 openai==3.60.0)
venv=${CLIENTS_VENV:-$root/.venv-clients}
python_venv "$venv" "${requirements[@]}"
echo "$venv/bin/python"
