#!/usr/bin/env bash
# A private Postgres 15 cluster on 127.0.0.1, for the local stack and the tests.
#
#   postgres.sh start DIR PORT   create the cluster in DIR if missing, start it, create the
#                                database `pcs`; prints the DATABASE_URL on stdout
#   postgres.sh stop  DIR [PORT] fast shutdown; no error when it is not running
#   postgres.sh url   DIR PORT   prints the DATABASE_URL
#
# Layout: DIR/data (the cluster), DIR/postgres.log, the unix socket in DIR. DIR belongs to
# the `postgres` user when run as root (initdb and postgres refuse to run as root).
# Superuser `pcs`, password `pcs`, SCRAM auth, UTF8. Env: POSTGRES_FAST=1 trades
# durability for speed (fsync off: tests only); PG_BIN overrides the binaries' folder.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() { die "usage: $0 start|stop|url DIR PORT"; }
(($# >= 2)) || usage
cmd=$1
dir=$2
port=${3:-}
pg_bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
user=pcs
password=pcs
database=pcs

url() { printf 'postgres://%s:%s@127.0.0.1:%s/%s\n' "$user" "$password" "$1" "$2"; }

# Runs a command as the cluster's owner: `postgres` when we are root, else ourselves.
as_owner() {
  if ((EUID == 0)); then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# 0 running, 3 not running, 4 no cluster (pg_ctl status codes).
cluster_status() {
  [[ -f $dir/data/PG_VERSION ]] || return 4
  local rc=0
  as_owner "$pg_bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1 || rc=$?
  return "$rc"
}

create_cluster() {
  [[ -x $pg_bin/initdb ]] || die "no $pg_bin/initdb: run scripts/bootstrap.sh (Debian postgresql)"
  (umask 022 && mkdir -p "$dir")
  dir=$(cd "$dir" && pwd -P)
  if ((EUID == 0)); then
    id postgres >/dev/null 2>&1 || die "no 'postgres' user: install the Debian postgresql package"
    # The postgres user must be able to walk down to DIR.
    local parent
    parent=$(dirname "$dir")
    if ! runuser -u postgres -- test -x "$parent"; then
      die "user postgres cannot reach $parent (a parent folder lacks o+x); choose another DIR or chmod o+x it"
    fi
    chown postgres:postgres "$dir"
  fi
  chmod 700 "$dir"
  local locale=C
  if locale -a 2>/dev/null | grep -qix 'c.utf-\?8'; then locale=C.UTF-8; fi
  local pwfile="$dir/.pwfile" nosync=()
  if [[ ${POSTGRES_FAST:-0} == 1 ]]; then nosync=(--no-sync); fi
  (umask 077 && printf '%s\n' "$password" >"$pwfile")
  if ((EUID == 0)); then chown postgres:postgres "$pwfile"; fi
  log "creating cluster in $dir/data (locale $locale)"
  if ! as_owner "$pg_bin/initdb" -D "$dir/data" -U "$user" --pwfile="$pwfile" \
    --auth=scram-sha-256 --encoding=UTF8 --locale="$locale" "${nosync[@]}" \
    >"$dir/initdb.log" 2>&1; then
    rm -f "$pwfile"
    tail -n 30 "$dir/initdb.log" >&2
    die "initdb failed (log: $dir/initdb.log)"
  fi
  rm -f "$pwfile"
}

start() {
  [[ $port =~ ^[0-9]+$ ]] || usage
  local rc=0
  cluster_status || rc=$?
  if ((rc == 4)); then
    create_cluster
    rc=3
  fi
  dir=$(cd "$dir" && pwd -P)
  if ((rc == 0)); then
    log "already running ($dir)"
  else
    # The socket lives in DIR unless its path would be too long for a unix socket.
    local sockdir=$dir
    if ((${#dir} + 20 > 107)); then sockdir=""; fi
    local opts
    opts="-p $port -c listen_addresses=127.0.0.1 -c max_connections=${POSTGRES_MAX_CONNECTIONS:-200}"
    opts+=" -c unix_socket_directories=$(printf '%q' "$sockdir")"
    if [[ ${POSTGRES_FAST:-0} == 1 ]]; then
      opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    fi
    touch "$dir/postgres.log"
    if ((EUID == 0)); then chown postgres:postgres "$dir" "$dir/postgres.log"; fi
    log "starting on 127.0.0.1:$port"
    if ! as_owner "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -o "$opts" -w -t 60 start >/dev/null; then
      tail -n 30 "$dir/postgres.log" >&2 || true
      die "postgres did not start (log: $dir/postgres.log)"
    fi
  fi
  local admin
  admin=$(url "$port" postgres)
  if [[ -z $(psql -X "$admin" -v ON_ERROR_STOP=1 -tAqc "SELECT 1 FROM pg_database WHERE datname = '$database'") ]]; then
    psql -X "$admin" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE $database" >/dev/null
    log "created database $database"
  fi
  url "$port" "$database"
}

stop() {
  local rc=0
  cluster_status || rc=$?
  ((rc == 0)) || return 0
  if ! as_owner "$pg_bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1; then
    log "fast shutdown timed out: immediate shutdown"
    as_owner "$pg_bin/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  fi
  log "stopped ($dir)"
}

case $cmd in
  start) start ;;
  stop) stop ;;
  url)
    [[ $port =~ ^[0-9]+$ ]] || usage
    url "$port" "$database"
    ;;
  *) usage ;;
esac
