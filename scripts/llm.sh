#!/usr/bin/env bash
# The local LLM: llama.cpp's OpenAI-compatible server (llama-cpp-python) serving the
# SmolLM2-135M-Instruct GGUF as model id `smollm2`, on 127.0.0.1.
#
#   llm.sh start DIR PORT   install it if needed (scripts/install-llm.sh), start it in the
#                           background (log DIR/llm.log, pid DIR/llm.pid), wait up to 120 s
#                           for GET /v1/models; prints the root URL http://127.0.0.1:PORT
#   llm.sh stop  DIR [PORT] SIGTERM, SIGKILL after 10 s; no error when it is not running
#
# Env: LLM_VENV (the virtualenv, default .venv-llm in the repo), LLM_N_CTX (2048),
# LLM_THREADS (llama.cpp threads; its default when unset), LLM_EMBEDDING=1 (also serve
# /v1/embeddings).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() { die "usage: $0 start|stop DIR PORT"; }
(($# >= 2)) || usage
cmd=$1
dir=$2
port=${3:-}
root=$(repo_root)
venv=${LLM_VENV:-$root/.venv-llm}

start() {
  [[ $port =~ ^[0-9]+$ ]] || usage
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd -P)
  local url="http://127.0.0.1:$port" pid=""
  if [[ -f $dir/llm.pid ]]; then pid=$(<"$dir/llm.pid"); fi
  if [[ -n $pid ]] && pid_alive "$pid"; then
    if curl -fsS --noproxy '*' -o /dev/null --max-time 3 "$url/v1/models" 2>/dev/null; then
      log "already running (pid $pid)"
      echo "$url"
      return 0
    fi
    log "pid $pid from $dir/llm.pid does not answer on port $port: restarting it"
    stop_pidfile "$dir/llm.pid" 10
  fi
  if port_in_use "$port"; then die "port $port is already in use"; fi

  local model
  model=$(LLM_VENV="$venv" "$root/scripts/install-llm.sh")
  [[ -f $model ]] || die "model file not found: $model"

  local args=(-m llama_cpp.server --model "$model" --model_alias smollm2
    --host 127.0.0.1 --port "$port" --n_ctx "${LLM_N_CTX:-2048}"
    # By default a new request aborts a stream in flight; the suite sends requests
    # concurrently (workers, proxy clients), so queue them instead.
    --interrupt_requests false)
  if [[ -n ${LLM_THREADS:-} ]]; then args+=(--n_threads "$LLM_THREADS"); fi
  if [[ ${LLM_EMBEDDING:-0} == 1 ]]; then args+=(--embedding true); fi

  log "starting on 127.0.0.1:$port ($(basename "$model"))"
  # Its own session (no terminal signals), its working directory in DIR (so the process
  # can be told to belong to DIR).
  (cd "$dir" && exec setsid "$venv/bin/python" "${args[@]}" >>"$dir/llm.log" 2>&1 </dev/null) &
  pid=$!
  echo "$pid" >"$dir/llm.pid"
  if ! wait_http "$url/v1/models" 120 "$pid"; then
    tail -n 30 "$dir/llm.log" >&2
    stop_pidfile "$dir/llm.pid" 5
    die "the LLM server did not come up (log: $dir/llm.log)"
  fi
  echo "$url"
}

stop() {
  [[ -f $dir/llm.pid ]] || return 0
  stop_pidfile "$dir/llm.pid" 10
  log "stopped ($dir)"
}

case $cmd in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
