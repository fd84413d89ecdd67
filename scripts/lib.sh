#!/usr/bin/env bash
# Helpers shared by the scripts in this folder. Source it, do not run it:
#   # shellcheck source=lib.sh
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# Everything here writes its diagnostics to stderr, so that a script's stdout stays free
# for the one value it prints (a URL, a path).

# log MESSAGE... — one line on stderr, prefixed with the calling script's name.
log() {
  printf '[%s] %s\n' "$(basename "$0" .sh)" "$*" >&2
}

# die MESSAGE... — log and exit 1.
die() {
  log "error: $*"
  exit 1
}

# repo_root — the absolute path of the repository (the folder above scripts/).
repo_root() {
  (cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
}

# python_venv DIR REQUIREMENT... — a virtualenv in DIR with these PyPI requirements, made
# on first use and made again whenever the list changes (it is kept in DIR/.requirements).
python_venv() {
  local venv=$1
  shift
  if [[ ! -x $venv/bin/python || $(cat "$venv/.requirements" 2>/dev/null) != "$*" ]]; then
    log "installing $* into $venv"
    command -v python3 >/dev/null || die "no python3: run scripts/bootstrap.sh"
    rm -rf "$venv"
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check "$@" >&2
    echo "$*" >"$venv/.requirements"
  fi
}

# free_port [COUNT] — prints COUNT (default 1) distinct TCP ports free on 127.0.0.1, one a
# line. All sockets are held open until every port is chosen, so the ports differ.
free_port() {
  python3 -c 'import socket,sys; s=[socket.socket() for _ in range(int(sys.argv[1]))]; [x.bind(("127.0.0.1",0)) for x in s]; print("\n".join(str(x.getsockname()[1]) for x in s)); [x.close() for x in s]' "${1:-1}"
}

# pid_alive PID — true while PID runs (a zombie counts as gone).
pid_alive() {
  local pid=$1 stat
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  { read -r stat <"/proc/$pid/stat"; } 2>/dev/null || return 1
  stat=${stat##*) }
  [[ ${stat:0:1} != Z ]]
}

# port_in_use PORT [HOST] — true when something accepts TCP connections there.
port_in_use() {
  (exec 3<>"/dev/tcp/${2:-127.0.0.1}/$1") 2>/dev/null
}

# wait_http URL TIMEOUT_S [PID] — polls URL until it answers 2xx. Fails (with a message)
# after TIMEOUT_S seconds, or as soon as PID (when given) has exited.
wait_http() {
  local url=$1 timeout=${2:-30} pid=${3:-}
  local deadline=$((SECONDS + timeout))
  while true; do
    if curl -fsS --noproxy '*' -o /dev/null --connect-timeout 1 --max-time 3 "$url" 2>/dev/null; then
      return 0
    fi
    if [[ -n $pid ]] && ! pid_alive "$pid"; then
      log "process $pid exited before $url answered"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      log "no answer from $url within ${timeout}s"
      return 1
    fi
    sleep 0.2
  done
}

# wait_tcp HOST PORT TIMEOUT_S [PID] — waits until HOST:PORT accepts connections; fails
# after TIMEOUT_S seconds or as soon as PID (when given) has exited.
wait_tcp() {
  local host=$1 port=$2 timeout=${3:-30} pid=${4:-}
  local deadline=$((SECONDS + timeout))
  while ! port_in_use "$port" "$host"; do
    if [[ -n $pid ]] && ! pid_alive "$pid"; then
      log "process $pid exited before $host:$port accepted connections"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      log "nothing listens on $host:$port after ${timeout}s"
      return 1
    fi
    sleep 0.2
  done
}

# stop_pidfile FILE [TIMEOUT_S] — stops the process whose pid FILE holds: SIGTERM, waits
# up to TIMEOUT_S (default 10) seconds, then SIGKILL. Removes FILE. No error when FILE is
# missing or the process is already gone.
stop_pidfile() {
  local file=$1 timeout=${2:-10} pid deadline
  [[ -f $file ]] || return 0
  pid=$(head -n1 "$file" 2>/dev/null | tr -d '[:space:]') || pid=
  if [[ $pid =~ ^[0-9]+$ ]] && pid_alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + timeout))
    while pid_alive "$pid" && ((SECONDS < deadline)); do
      sleep 0.1
    done
    if pid_alive "$pid"; then
      log "pid $pid ($file) still running after ${timeout}s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      while pid_alive "$pid"; do sleep 0.1; done
    fi
  fi
  rm -f "$file"
}

# pids_referencing DIR — prints the pids of processes that belong to DIR: their command
# line names DIR (or a path inside it), their working directory is inside DIR, or their
# environment carries PCS_TEST_DIR=DIR. Never lists this shell or its ancestors.
pids_referencing() {
  python3 - "$1" "$$" <<'PY'
import os, re, sys
d = os.path.realpath(sys.argv[1])
skip = {os.getpid(), os.getppid()}
p = int(sys.argv[2])
while p > 1:                       # this shell and its ancestors
    skip.add(p)
    try:
        p = int(open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        break
pattern = re.compile(re.escape(d.encode()) + rb"(?=/|\x00|\s|\"|'|$)")
marker = b"PCS_TEST_DIR=" + d.encode()
for name in os.listdir("/proc"):
    if not name.isdigit() or int(name) in skip:
        continue
    try:
        if pattern.search(open(f"/proc/{name}/cmdline", "rb").read()):
            print(name); continue
    except OSError:
        continue
    try:
        cwd = os.readlink(f"/proc/{name}/cwd")
        if cwd == d or cwd.startswith(d + "/"):
            print(name); continue
    except OSError:
        pass
    try:
        if marker in open(f"/proc/{name}/environ", "rb").read().split(b"\x00"):
            print(name)
    except OSError:
        pass
PY
}

# kill_pids TIMEOUT_S PID... — SIGTERM to every PID, waits up to TIMEOUT_S, then SIGKILL.
kill_pids() {
  local timeout=$1 pid deadline left
  shift
  (($# > 0)) || return 0
  kill -TERM "$@" 2>/dev/null || true
  deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    left=0
    for pid in "$@"; do
      if pid_alive "$pid"; then left=1; fi
    done
    ((left)) || return 0
    sleep 0.1
  done
  kill -KILL "$@" 2>/dev/null || true
}

# render_local_nginx PREFIX — renders nginx/local.conf.template into PREFIX/nginx.conf
# (creating PREFIX/logs and PREFIX/tmp). Reads GATEWAY_PORT, REALTIME_PORT, HEALTHD_PORT
# and NGINX_PORT. Only those and ${PREFIX} / ${NGINX_DIR} are substituted: nginx's own
# $variables in the template pass through untouched.
render_local_nginx() {
  local prefix=$1 root
  root=$(repo_root)
  mkdir -p "$prefix/logs" "$prefix/tmp"
  # shellcheck disable=SC2016 # the ${...} are envsubst's list, not bash expansions
  PREFIX=$(cd "$prefix" && pwd -P) NGINX_DIR="$root/nginx" \
    GATEWAY_PORT="${GATEWAY_PORT:?}" REALTIME_PORT="${REALTIME_PORT:?}" \
    HEALTHD_PORT="${HEALTHD_PORT:?}" NGINX_PORT="${NGINX_PORT:?}" \
    envsubst '${PREFIX} ${NGINX_DIR} ${GATEWAY_PORT} ${REALTIME_PORT} ${HEALTHD_PORT} ${NGINX_PORT}' \
    <"$root/nginx/local.conf.template" >"$prefix/nginx.conf"
}
