# shellcheck shell=bash
# Helpers shared by scripts/backup.sh and scripts/restore.sh. Source it, do not run it.
# Connection settings come from URLs and reach pg_dump / pg_restore / redis-cli through
# their environment variables (PGPASSWORD, REDISCLI_AUTH), never through argv, so no
# password shows in the process list.

# A backup set is a folder named pcs-<UTC timestamp>; names sort by time.
# shellcheck disable=SC2034 # used by the scripts that source this file
BACKUP_SET_PATTERN='^pcs-[0-9]{8}T[0-9]{6}Z$'

# url_decode TEXT — undoes %XX escapes (passwords may carry reserved characters).
url_decode() {
  local text=${1//+/ }
  printf '%b' "${text//%/\\x}"
}

# export_pg_env URL — sets PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE (and PGSSLMODE
# from ?sslmode=) from postgres://user:pass@host:port/db. Dies on anything else, without
# repeating the URL (it holds a password).
export_pg_env() {
  local url=$1 rest userinfo="" hostpart path query="" hostport
  [[ $url =~ ^postgres(ql)?:// ]] || die "DATABASE_URL must start with postgres:// (value not shown)"
  rest=${url#*://}
  if [[ $rest == *@* ]]; then
    userinfo=${rest%@*}
    hostpart=${rest##*@}
  else
    hostpart=$rest
  fi
  if [[ $hostpart == *\?* ]]; then
    query=${hostpart#*\?}
    path=${hostpart%%\?*}
  else
    path=$hostpart
  fi
  hostport=${path%%/*}
  [[ $path == */* ]] || die "DATABASE_URL names no database (value not shown)"
  PGDATABASE=$(url_decode "${path#*/}")
  [[ -n $PGDATABASE && -n $hostport ]] || die "DATABASE_URL needs a host and a database (value not shown)"
  if [[ $hostport =~ ^(.*):([0-9]+)$ ]]; then
    PGHOST=${BASH_REMATCH[1]}
    PGPORT=${BASH_REMATCH[2]}
  else
    PGHOST=$hostport
    PGPORT=5432
  fi
  PGUSER=$(url_decode "${userinfo%%:*}")
  if [[ $userinfo == *:* ]]; then
    PGPASSWORD=$(url_decode "${userinfo#*:}")
    export PGPASSWORD
  fi
  if [[ $query =~ (^|&)sslmode=([a-z-]+) ]]; then
    export PGSSLMODE=${BASH_REMATCH[2]}
  fi
  export PGHOST PGPORT PGUSER PGDATABASE
  export PGCONNECT_TIMEOUT=${PGCONNECT_TIMEOUT:-10}
}

# redis_cli ARGS… — redis-cli against REDIS_HOST:REDIS_PORT (REDIS_USER and REDIS_PASSWORD
# when set; the password through REDISCLI_AUTH).
redis_cli() {
  local args=(-h "${REDIS_HOST:?}" -p "${REDIS_PORT:-6379}")
  [[ -n ${REDIS_USER:-} ]] && args+=(--user "$REDIS_USER")
  if [[ -n ${REDIS_PASSWORD:-} ]]; then
    REDISCLI_AUTH=$REDIS_PASSWORD redis-cli "${args[@]}" "$@"
  else
    redis-cli "${args[@]}" "$@"
  fi
}

# resolve_redis_env — fills REDIS_HOST/PORT/USER/PASSWORD from REDIS_URL
# (redis://[user:pass@]host:port/db) when REDIS_HOST is not set.
resolve_redis_env() {
  [[ -n ${REDIS_HOST:-} || -z ${REDIS_URL:-} ]] && return 0
  local rest=${REDIS_URL#*://} userinfo="" hostport
  [[ $REDIS_URL =~ ^rediss?:// ]] || die "REDIS_URL must start with redis:// (value not shown)"
  if [[ $rest == *@* ]]; then
    userinfo=${rest%@*}
    rest=${rest##*@}
  fi
  hostport=${rest%%/*}
  REDIS_HOST=${hostport%:*}
  [[ $hostport == *:* ]] && REDIS_PORT=${hostport##*:}
  if [[ -n $userinfo ]]; then
    [[ -n ${userinfo%%:*} ]] && REDIS_USER=$(url_decode "${userinfo%%:*}")
    [[ $userinfo == *:* ]] && REDIS_PASSWORD=$(url_decode "${userinfo#*:}")
  fi
  return 0
}
