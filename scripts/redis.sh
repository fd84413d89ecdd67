#!/usr/bin/env bash
# A private Redis on 127.0.0.1, for the local stack and the tests.
#
#   redis.sh start DIR PORT   start it (daemonized; config, pidfile, log and AOF in DIR),
#                             wait for PING; prints the REDIS_URL on stdout
#   redis.sh stop  DIR [PORT] SIGTERM (Redis flushes its AOF), SIGKILL after 10 s; no error
#                             when it is not running
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() { die "usage: $0 start|stop DIR PORT"; }
(($# >= 2)) || usage
cmd=$1
dir=$2
port=${3:-}

start() {
  [[ $port =~ ^[0-9]+$ ]] || usage
  command -v redis-server >/dev/null || die "no redis-server: run scripts/bootstrap.sh"
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd -P)
  local url="redis://127.0.0.1:$port/0" pid=""
  if [[ -f $dir/redis.pid ]]; then pid=$(<"$dir/redis.pid"); fi
  if [[ -n $pid ]] && pid_alive "$pid"; then
    if [[ $(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null) == PONG ]]; then
      log "already running (pid $pid)"
      echo "$url"
      return 0
    fi
    log "pid $pid from $dir/redis.pid does not answer on port $port: restarting it"
    stop_pidfile "$dir/redis.pid" 10
  fi
  if port_in_use "$port"; then die "port $port is already in use"; fi
  # The process title carries the config path, so the process can be told to belong to DIR.
  cat >"$dir/redis.conf" <<EOF
# Written by scripts/redis.sh; rewritten at every start.
bind 127.0.0.1
port $port
protected-mode yes
daemonize yes
pidfile "$dir/redis.pid"
logfile "$dir/redis.log"
dir "$dir"
save ""
appendonly yes
proc-title-template "{title} {listen-addr} {server-mode} {config-file}"
EOF
  rm -f "$dir/redis.pid"
  log "starting on 127.0.0.1:$port"
  redis-server "$dir/redis.conf" >>"$dir/redis.log" 2>&1 ||
    { tail -n 30 "$dir/redis.log" >&2; die "redis-server failed to start (log: $dir/redis.log)"; }
  local deadline=$((SECONDS + 20))
  until [[ $(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null) == PONG ]]; do
    if ((SECONDS >= deadline)); then
      tail -n 30 "$dir/redis.log" >&2
      stop_pidfile "$dir/redis.pid" 5
      die "redis did not answer PING on port $port within 20 s (log: $dir/redis.log)"
    fi
    sleep 0.1
  done
  echo "$url"
}

stop() {
  [[ -d $dir ]] || return 0
  if [[ -f $dir/redis.pid ]]; then
    stop_pidfile "$dir/redis.pid" 10
    log "stopped ($dir)"
  fi
}

case $cmd in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
