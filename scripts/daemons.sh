#!/usr/bin/env bash
# Starts and stops the six daemons and the local nginx in front of them.
#
#   daemons.sh start   launch cards-api (it applies the migrations) and wait for its
#                      /health/live, then the five others, wait for each /health/live
#                      (30 s each), then render nginx/local.conf.template into
#                      $RUN_DIR/nginx/ and start nginx. Prints the nginx URL on stdout.
#                      If they already run (pid files of $RUN_DIR), they are restarted.
#                      On any failure: names the part that failed, shows the end of its
#                      log, stops everything, exits 1.
#   daemons.sh stop    stops nginx and the daemons (SIGTERM, SIGKILL after 10 s); no error
#                      when nothing runs.
#
# Env (start): RUN_DIR (required; any folder, made absolute), BIN_DIR (default
# $PCS_BIN_DIR, else `swift build [-c $CONFIGURATION] --show-bin-path` in the repo),
# DATABASE_URL, REDIS_URL, JWT_SECRET (>= 32 characters), LOCAL_LLM_URL (may be empty when
# OLLAMA_BASE_URL or OPENAI_BASE_URL is set), optional REDIS_KEY_PREFIX, LOG_LEVEL (info),
# OLLAMA_BASE_URL, OPENAI_BASE_URL, OPENAI_API_KEY, ANTHROPIC_API_KEY (llm-proxy only),
# GRADER_MODEL, GRADER_EMBEDDING_MODEL (cards-api and queue-worker), and
# the ports GATEWAY_PORT (8100) CARDS_API_PORT (8101) REALTIME_PORT (8102)
# QUEUE_WORKER_PORT (8103) LLM_PROXY_PORT (8104) HEALTHD_PORT (8105) NGINX_PORT (8080).
# Env (stop): RUN_DIR.
#
# Layout: $RUN_DIR/logs/<name>.log, $RUN_DIR/pids/<name>.pid, $RUN_DIR/nginx/ (prefix:
# nginx.conf, nginx.pid, logs/, tmp/), $RUN_DIR/daemons.env (the ports, for status).
# Each daemon runs in its own session with $RUN_DIR/logs as working directory.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)

[[ -n ${RUN_DIR:-} ]] || die "RUN_DIR is required"
cmd=${1:-}
starting=0

# Start order: cards-api first (migrations); stop order: the edge first.
start_order=(cards-api gateway realtime queue-worker llm-proxy healthd)
stop_order=(gateway healthd realtime llm-proxy queue-worker cards-api)

GATEWAY_PORT=${GATEWAY_PORT:-8100}
CARDS_API_PORT=${CARDS_API_PORT:-8101}
REALTIME_PORT=${REALTIME_PORT:-8102}
QUEUE_WORKER_PORT=${QUEUE_WORKER_PORT:-8103}
LLM_PROXY_PORT=${LLM_PROXY_PORT:-8104}
HEALTHD_PORT=${HEALTHD_PORT:-8105}
NGINX_PORT=${NGINX_PORT:-8080}

port_of() {
  case $1 in
    gateway) echo "$GATEWAY_PORT" ;;
    cards-api) echo "$CARDS_API_PORT" ;;
    realtime) echo "$REALTIME_PORT" ;;
    queue-worker) echo "$QUEUE_WORKER_PORT" ;;
    llm-proxy) echo "$LLM_PROXY_PORT" ;;
    healthd) echo "$HEALTHD_PORT" ;;
    nginx) echo "$NGINX_PORT" ;;
  esac
}
url_of() { echo "http://127.0.0.1:$(port_of "$1")"; }

# Every configuration variable of the suite: each daemon gets exactly its own ones.
all_config_vars=(DATABASE_URL REDIS_URL JWT_SECRET CARDS_API_URL LLM_PROXY_URL REALTIME_URL
  GATEWAY_URL QUEUE_WORKER_URL LOCAL_LLM_URL OLLAMA_BASE_URL OPENAI_BASE_URL OPENAI_API_KEY
  ANTHROPIC_API_KEY REDIS_KEY_PREFIX HOST PORT LOG_LEVEL GRADER_MODEL GRADER_EMBEDDING_MODEL)

# grader_env — adds the grader model choice (model-graded assertions) to `denv` when set.
grader_env() {
  local var
  for var in GRADER_MODEL GRADER_EMBEDDING_MODEL; do
    if [[ -n ${!var:-} ]]; then denv+=("$var=${!var}"); fi
  done
}

# daemon_env NAME — fills the array `denv` with NAME's environment (VAR=value words).
daemon_env() {
  denv=(HOST=127.0.0.1 "PORT=$(port_of "$1")" "LOG_LEVEL=${LOG_LEVEL:-info}")
  if [[ -n ${REDIS_KEY_PREFIX:-} ]]; then denv+=("REDIS_KEY_PREFIX=$REDIS_KEY_PREFIX"); fi
  # Span export (OTEL_EXPORTER_OTLP_ENDPOINT, …) applies to every daemon; each names itself,
  # so OTEL_SERVICE_NAME is not passed on.
  local otel
  for otel in $(compgen -e | grep '^OTEL_' | grep -v '^OTEL_SERVICE_NAME$'); do denv+=("$otel=${!otel}"); done
  case $1 in
    gateway)
      denv+=("REDIS_URL=$REDIS_URL" "JWT_SECRET=$JWT_SECRET" "CARDS_API_URL=$(url_of cards-api)"
        "LLM_PROXY_URL=$(url_of llm-proxy)" "REALTIME_URL=$(url_of realtime)"
        "TRUSTED_PROXIES=${TRUSTED_PROXIES:-127.0.0.1}")
      local gateway_var
      for gateway_var in GATEWAY_RATE_LIMITS GATEWAY_RATE_LIMITS_FILE RATE_LIMIT_FAILURE_MODE CORS_ALLOWED_ORIGINS; do
        if [[ -n ${!gateway_var:-} ]]; then denv+=("$gateway_var=${!gateway_var}"); fi
      done
      ;;
    cards-api)
      denv+=("DATABASE_URL=$DATABASE_URL" "REDIS_URL=$REDIS_URL" "JWT_SECRET=$JWT_SECRET" "LLM_PROXY_URL=$(url_of llm-proxy)")
      grader_env
      ;;
    realtime)
      denv+=("REDIS_URL=$REDIS_URL" "JWT_SECRET=$JWT_SECRET" "CARDS_API_URL=$(url_of cards-api)")
      ;;
    queue-worker)
      denv+=("DATABASE_URL=$DATABASE_URL" "REDIS_URL=$REDIS_URL" "LLM_PROXY_URL=$(url_of llm-proxy)")
      grader_env
      ;;
    llm-proxy)
      denv+=("REDIS_URL=$REDIS_URL")
      local var
      for var in LOCAL_LLM_URL OLLAMA_BASE_URL OPENAI_BASE_URL OPENAI_API_KEY ANTHROPIC_API_KEY; do
        if [[ -n ${!var:-} ]]; then denv+=("$var=${!var}"); fi
      done
      ;;
    healthd)
      denv+=("DATABASE_URL=$DATABASE_URL" "REDIS_URL=$REDIS_URL" "GATEWAY_URL=$(url_of gateway)"
        "CARDS_API_URL=$(url_of cards-api)" "REALTIME_URL=$(url_of realtime)"
        "QUEUE_WORKER_URL=$(url_of queue-worker)" "LLM_PROXY_URL=$(url_of llm-proxy)")
      ;;
  esac
}

stop_all() {
  [[ -d $RUN_DIR ]] || return 0
  local name stoppers=()
  stop_pidfile "$RUN_DIR/nginx/nginx.pid" 10 &
  stoppers+=($!)
  for name in "${stop_order[@]}"; do
    stop_pidfile "$RUN_DIR/pids/$name.pid" 10 &
    stoppers+=($!)
  done
  wait "${stoppers[@]}" || true
  rm -f "$RUN_DIR/daemons.env"
}

any_running() {
  local f
  for f in "$RUN_DIR"/pids/*.pid "$RUN_DIR/nginx/nginx.pid"; do
    if [[ -f $f ]] && pid_alive "$(head -n1 "$f")"; then return 0; fi
  done
  return 1
}

# fail NAME MESSAGE — reports, shows the end of NAME's log, stops everything, exits 1.
fail() {
  local name=$1 logfile
  shift
  trap - INT TERM
  starting=0
  log "FAILED: $name: $*"
  if [[ $name == nginx ]]; then logfile=$RUN_DIR/nginx/logs/error.log; else logfile=$RUN_DIR/logs/$name.log; fi
  if [[ -s $logfile ]]; then
    log "last 30 lines of $logfile:"
    tail -n 30 "$logfile" | sed 's/^/    /' >&2
  fi
  log "stopping everything started"
  stop_all
  exit 1
}

# EXIT trap while starting: an unplanned exit (a failed command) stops what was started.
on_exit() {
  if ((starting)); then
    log "FAILED: unexpected exit while starting: stopping everything started"
    stop_all
  fi
}

launch() {
  local name=$1 unset_args=() var pid
  daemon_env "$name"
  for var in "${all_config_vars[@]}"; do unset_args+=(-u "$var"); done
  printf '=== %s starting %s on port %s\n' "$(date -u +%FT%TZ)" "$name" "$(port_of "$name")" \
    >>"$RUN_DIR/logs/$name.log"
  (cd "$RUN_DIR/logs" && exec env "${unset_args[@]}" "${denv[@]}" setsid "$BIN_DIR/$name" \
    >>"$RUN_DIR/logs/$name.log" 2>&1 </dev/null) &
  pid=$!
  echo "$pid" >"$RUN_DIR/pids/$name.pid"
  log "started $name (pid $pid, port $(port_of "$name"))"
}

wait_live() {
  local name=$1 pid
  pid=$(<"$RUN_DIR/pids/$name.pid")
  wait_http "$(url_of "$name")/health/live" 30 "$pid" ||
    fail "$name" "no 200 from $(url_of "$name")/health/live (pid $pid $(pid_alive "$pid" && echo running || echo exited))"
}

start() {
  local name var
  for var in DATABASE_URL REDIS_URL JWT_SECRET; do
    [[ -n ${!var:-} ]] || die "$var is required"
  done
  ((${#JWT_SECRET} >= 32)) || die "JWT_SECRET must be at least 32 characters"
  if [[ -z ${LOCAL_LLM_URL:-} && -z ${OLLAMA_BASE_URL:-} && -z ${OPENAI_BASE_URL:-} ]]; then
    die "LOCAL_LLM_URL is required (or OLLAMA_BASE_URL / OPENAI_BASE_URL)"
  fi
  command -v nginx >/dev/null || die "no nginx: run scripts/bootstrap.sh"
  command -v envsubst >/dev/null || die "no envsubst: run scripts/bootstrap.sh"

  if [[ -z ${BIN_DIR:-} ]]; then
    if [[ -n ${PCS_BIN_DIR:-} ]]; then
      BIN_DIR=$PCS_BIN_DIR
    else
      BIN_DIR=$(cd "$root" && swift build ${CONFIGURATION:+-c "$CONFIGURATION"} --show-bin-path)
    fi
  fi
  [[ -d $BIN_DIR ]] || die "BIN_DIR $BIN_DIR is not a folder: build first (swift build)"
  BIN_DIR=$(cd "$BIN_DIR" && pwd -P)
  for name in "${start_order[@]}"; do
    [[ -x $BIN_DIR/$name ]] || die "no executable $BIN_DIR/$name: build first (swift build)"
  done

  if any_running; then
    log "already running in $RUN_DIR: restarting"
    stop_all
  fi
  for name in "${start_order[@]}" nginx; do
    if port_in_use "$(port_of "$name")"; then die "port $(port_of "$name") (for $name) is already in use"; fi
  done

  # From here on, any way out but success stops what was started.
  starting=1
  trap 'fail "daemons.sh" "interrupted"' INT TERM
  trap on_exit EXIT
  launch cards-api
  wait_live cards-api
  for name in "${start_order[@]:1}"; do launch "$name"; done
  for name in "${start_order[@]:1}"; do wait_live "$name"; done

  local prefix="$RUN_DIR/nginx" out
  rm -f "$prefix/logs/error.log"
  render_local_nginx "$prefix"
  if ! out=$(nginx -q -t -p "$prefix/" -c "$prefix/nginx.conf" -e "$prefix/logs/error.log" 2>&1); then
    printf '%s\n' "$out" >&2
    fail nginx "invalid config $prefix/nginx.conf"
  fi
  # nginx daemonizes itself; its own output goes to a file, never to our stdout.
  (cd "$prefix" && exec nginx -p "$prefix/" -c "$prefix/nginx.conf" -e "$prefix/logs/error.log" \
    >>"$prefix/logs/stdout.log" 2>&1 </dev/null) ||
    fail nginx "nginx did not start"
  wait_tcp 127.0.0.1 "$NGINX_PORT" 10 || fail nginx "not listening on 127.0.0.1:$NGINX_PORT"
  log "started nginx (pid $(cat "$prefix/nginx.pid" 2>/dev/null || echo '?'), port $NGINX_PORT)"
  trap - INT TERM
  starting=0

  {
    for name in "${start_order[@]}" nginx; do
      printf '%s_PORT=%s\n' "$(tr 'a-z-' 'A-Z_' <<<"$name")" "$(port_of "$name")"
    done
  } >"$RUN_DIR/daemons.env"
  url_of nginx
}

case $cmd in
  start)
    mkdir -p "$RUN_DIR"
    RUN_DIR=$(cd "$RUN_DIR" && pwd -P)
    mkdir -p "$RUN_DIR/logs" "$RUN_DIR/pids" "$RUN_DIR/nginx"
    start
    ;;
  stop)
    if [[ -d $RUN_DIR ]]; then
      RUN_DIR=$(cd "$RUN_DIR" && pwd -P)
      stop_all
      log "stopped ($RUN_DIR)"
    fi
    ;;
  *) die "usage: RUN_DIR=… $0 start|stop" ;;
esac
