#!/usr/bin/env bash
# The whole local stack in .run/ (what `make up`, `make down`, `make status` run).
#
#   stack.sh up      bootstrap, swift build (CONFIGURATION=release for a release build),
#                    Postgres (.run/postgres, 55432), Redis (.run/redis, 56379), the local
#                    LLM (.run/llm, 8200; skipped when OLLAMA_BASE_URL or OPENAI_BASE_URL is
#                    set), then the daemons and nginx (scripts/daemons.sh, RUN_DIR=.run).
#                    Prints the URL to use on stdout.
#   stack.sh down    stops all of it and checks that no process of it is left.
#   stack.sh status  what runs, with pids.
#
# Env: CONFIGURATION, POSTGRES_PORT, REDIS_PORT, LLM_PORT, and what scripts/daemons.sh
# reads (the daemons' ports, NGINX_PORT, LOG_LEVEL, REDIS_KEY_PREFIX, provider settings).
# The JWT secret is generated once into .run/jwt_secret (mode 600); JWT_SECRET overrides it.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
umask 022 # the postgres user must be able to walk into .run/
root=$(repo_root)
run=$root/.run
scripts=$root/scripts
POSTGRES_PORT=${POSTGRES_PORT:-55432}
REDIS_PORT=${REDIS_PORT:-56379}
LLM_PORT=${LLM_PORT:-8200}
daemons=(gateway cards-api realtime queue-worker llm-proxy healthd)

up() {
  "$scripts/bootstrap.sh"
  command -v swift >/dev/null || die "no swift on PATH: install a Swift 6 toolchain"
  local cfg=()
  if [[ -n ${CONFIGURATION:-} ]]; then cfg=(-c "$CONFIGURATION"); fi
  log "swift build ${cfg[*]}"
  (cd "$root" && swift build "${cfg[@]}" >&2)
  local bin_dir
  bin_dir=$(cd "$root" && swift build "${cfg[@]}" --show-bin-path)

  mkdir -p "$run"
  local database_url redis_url llm_url=""
  database_url=$("$scripts/postgres.sh" start "$run/postgres" "$POSTGRES_PORT")
  redis_url=$("$scripts/redis.sh" start "$run/redis" "$REDIS_PORT")
  if [[ -n ${OLLAMA_BASE_URL:-} || -n ${OPENAI_BASE_URL:-} ]]; then
    log "OLLAMA_BASE_URL / OPENAI_BASE_URL set: not starting the local LLM"
  else
    # Chat and /v1/embeddings (for similar / answer-relevance) from one llama.cpp process.
    llm_url=$(LLM_EMBEDDING=1 "$scripts/llm.sh" start "$run/llm" "$LLM_PORT")
  fi

  if [[ -z ${JWT_SECRET:-} ]]; then
    if [[ ! -s $run/jwt_secret ]]; then
      (umask 077 && openssl rand -base64 48 >"$run/jwt_secret")
      log "generated $run/jwt_secret"
    fi
    chmod 600 "$run/jwt_secret"
    JWT_SECRET=$(<"$run/jwt_secret")
  fi

  cat >"$run/stack.env" <<EOF
POSTGRES_PORT=$POSTGRES_PORT
REDIS_PORT=$REDIS_PORT
LLM_PORT=$LLM_PORT
DATABASE_URL=$database_url
REDIS_URL=$redis_url
LOCAL_LLM_URL=$llm_url
EOF

  local url
  if ! url=$(RUN_DIR=$run BIN_DIR=$bin_dir DATABASE_URL=$database_url REDIS_URL=$redis_url \
    LOCAL_LLM_URL=$llm_url JWT_SECRET=$JWT_SECRET "$scripts/daemons.sh" start); then
    die "the daemons did not start (Postgres, Redis and the LLM still run: make down stops them)"
  fi
  cat <<EOF

The Prompt Card System is up: $url
  try:    curl -s $url/health | python3 -m json.tool
  logs:   $run/logs/
  status: make status      stop: make down
EOF
}

down() {
  RUN_DIR=$run "$scripts/daemons.sh" stop
  "$scripts/llm.sh" stop "$run/llm"
  "$scripts/redis.sh" stop "$run/redis"
  "$scripts/postgres.sh" stop "$run/postgres"
  # Anything of ours still alive (a lost pid file, a crashed stop)?
  local d pids=()
  for d in postgres redis llm nginx logs; do
    [[ -d $run/$d ]] || continue
    mapfile -t -O "${#pids[@]}" pids < <(pids_referencing "$run/$d")
  done
  if ((${#pids[@]} > 0)); then
    log "left over, stopping: $(ps -o pid=,args= -p "$(
      IFS=,
      echo "${pids[*]}"
    )" | tr '\n' ';')"
    kill_pids 10 "${pids[@]}"
  fi
  log "stopped; nothing of the stack runs"
}

# row NAME PID_OR_EMPTY DETAIL — one line of the status table.
row() {
  local state=stopped
  if [[ -n $2 ]] && pid_alive "$2"; then state=running; fi
  printf '%-13s %-8s %-8s %s\n' "$1" "${2:--}" "$state" "$3"
}

pid_from() { if [[ -f $1 ]]; then head -n1 "$1" | tr -d '[:space:]'; fi; }

status() {
  local name port pid detail
  printf '%-13s %-8s %-8s %s\n' COMPONENT PID STATE DETAIL
  if [[ -f $run/stack.env ]]; then
    # shellcheck disable=SC1091
    source "$run/stack.env"
  fi
  row postgres "$(pid_from "$run/postgres/data/postmaster.pid")" \
    "$("$scripts/postgres.sh" url "$run/postgres" "$POSTGRES_PORT")"
  row redis "$(pid_from "$run/redis/redis.pid")" "redis://127.0.0.1:$REDIS_PORT/0"
  row llm "$(pid_from "$run/llm/llm.pid")" "http://127.0.0.1:$LLM_PORT"
  if [[ -f $run/daemons.env ]]; then
    # shellcheck disable=SC1091
    source "$run/daemons.env"
  fi
  for name in "${daemons[@]}" nginx; do
    local var
    var="$(tr 'a-z-' 'A-Z_' <<<"$name")_PORT"
    port=${!var:-}
    if [[ $name == nginx ]]; then pid=$(pid_from "$run/nginx/nginx.pid"); else pid=$(pid_from "$run/pids/$name.pid"); fi
    detail=""
    if [[ -n $port ]]; then
      detail="http://127.0.0.1:$port"
      if [[ $name != nginx && -n $pid ]] && pid_alive "$pid"; then
        if curl -fsS --noproxy '*' -o /dev/null --max-time 2 "$detail/health/live" 2>/dev/null; then
          detail+="  live"
        else
          detail+="  NOT LIVE"
        fi
      fi
    fi
    row "$name" "$pid" "$detail"
  done
}

case ${1:-} in
  up) up ;;
  down) down ;;
  status) status ;;
  *) die "usage: $0 up|down|status" ;;
esac
