#!/usr/bin/env bash
# One backup set of the suite's state, then pruning by retention. Prints the new set's path.
#
#   scripts/backup.sh [--dir DIR] [--retain-count N] [--retain-days D]
#                     [--skip-postgres] [--skip-redis]
#
# A set is the folder DIR/pcs-<UTC yyyymmddThhmmssZ>/ holding
#   postgres.dump  pg_dump, custom format (restore with scripts/restore.sh or pg_restore)
#   redis.rdb      an RDB snapshot streamed from the server (`redis-cli --rdb`)
#   SHA256SUMS     checksums, verified by restore.sh;  MANIFEST  what was saved, when
# It is written under a hidden temporary name and renamed when complete, so a set that
# exists is whole. Retention then deletes the oldest sets beyond the newest N, and every set
# older than D days, but never the newest set; 0 turns either rule off.
#
# Environment (flags win):
#   DATABASE_URL          postgres://user:pass@host:port/db[?sslmode=…]
#   REDIS_HOST, REDIS_PORT (6379), REDIS_USER, REDIS_PASSWORD — or REDIS_URL
#   BACKUP_DIR            where the sets go
#   BACKUP_RETAIN_COUNT   default 14;  BACKUP_RETAIN_DAYS  default 30
# pg_dump must be at least the server's major version (the compose `backup` image is).
set -euo pipefail
here=$(dirname "${BASH_SOURCE[0]}")
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"
# shellcheck source-path=SCRIPTDIR source=backup-lib.sh
source "$here/backup-lib.sh"

dir=${BACKUP_DIR:-}
retain_count=${BACKUP_RETAIN_COUNT:-14}
retain_days=${BACKUP_RETAIN_DAYS:-30}
do_postgres=1
do_redis=1
while (($# > 0)); do
  case $1 in
    --dir) dir=${2:?--dir needs a folder}; shift 2 ;;
    --retain-count) retain_count=${2:?--retain-count needs a number}; shift 2 ;;
    --retain-days) retain_days=${2:?--retain-days needs a number}; shift 2 ;;
    --skip-postgres) do_postgres=0; shift ;;
    --skip-redis) do_redis=0; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done
[[ -n $dir ]] || die "no backup folder: set BACKUP_DIR or pass --dir"
[[ $retain_count =~ ^[0-9]+$ ]] || die "retain count must be a whole number, got '$retain_count'"
[[ $retain_days =~ ^[0-9]+$ ]] || die "retain days must be a whole number, got '$retain_days'"
((do_postgres || do_redis)) || die "nothing to back up: both --skip-postgres and --skip-redis"

mkdir -p "$dir"
dir=$(cd "$dir" && pwd -P)
umask 077 # backups hold every user's data and password hashes

stamp=$(date -u +%Y%m%dT%H%M%SZ)
while [[ -e $dir/pcs-$stamp ]]; do # two sets in one second: wait for the next
  sleep 1
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
done
final=$dir/pcs-$stamp
work=$dir/.partial-pcs-$stamp-$$
# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
mkdir "$work"
files=()
{
  echo "created_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host=$(hostname)"
} >"$work/MANIFEST"

if ((do_postgres)); then
  [[ -n ${DATABASE_URL:-} ]] || die "DATABASE_URL is not set (or pass --skip-postgres)"
  export_pg_env "$DATABASE_URL"
  log "pg_dump of database '$PGDATABASE' on $PGHOST:$PGPORT"
  pg_dump --format=custom --compress=6 --no-password --file="$work/postgres.dump"
  # A dump that pg_restore cannot read is no backup.
  pg_restore --list "$work/postgres.dump" >/dev/null || die "pg_restore cannot read the new dump"
  files+=(postgres.dump)
  {
    echo "postgres_database=$PGDATABASE"
    echo "pg_dump=$(pg_dump --version)"
  } >>"$work/MANIFEST"
fi

if ((do_redis)); then
  resolve_redis_env
  [[ -n ${REDIS_HOST:-} ]] || die "REDIS_HOST (or REDIS_URL) is not set (or pass --skip-redis)"
  log "Redis snapshot from $REDIS_HOST:${REDIS_PORT:-6379}"
  redis_cli --rdb "$work/redis.rdb" >&2
  [[ -s $work/redis.rdb && $(head -c 5 "$work/redis.rdb") == REDIS ]] || die "the Redis snapshot is not an RDB file"
  files+=(redis.rdb)
  echo "redis=${REDIS_HOST}:${REDIS_PORT:-6379}" >>"$work/MANIFEST"
fi

(cd "$work" && sha256sum "${files[@]}" MANIFEST >SHA256SUMS)
mv "$work" "$final"
log "backup set: $final"

# Leftovers of runs that were killed outright (the trap could not run) go after a day.
find "$dir" -mindepth 1 -maxdepth 1 -type d -name '.partial-pcs-*' -mmin +1440 -exec rm -rf {} + 2>/dev/null || true

# Retention: names sort by time, the newest last.
sets=()
while IFS= read -r name; do
  [[ $name =~ $BACKUP_SET_PATTERN ]] && sets+=("$name")
done < <(find "$dir" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | LC_ALL=C sort)
now=$(date -u +%s)
last=$((${#sets[@]} - 1))
for i in "${!sets[@]}"; do
  ((i == last)) && break # the newest set always stays
  name=${sets[$i]}
  reason=""
  if ((retain_count > 0 && i < ${#sets[@]} - retain_count)); then
    reason="beyond the newest $retain_count"
  elif ((retain_days > 0)); then
    ts=${name#pcs-}
    taken=$(date -u -d "${ts:0:4}-${ts:4:2}-${ts:6:2} ${ts:9:2}:${ts:11:2}:${ts:13:2}" +%s)
    if ((now - taken > retain_days * 86400)); then
      reason="older than $retain_days days"
    fi
  fi
  if [[ -n $reason ]]; then
    log "pruning $name ($reason)"
    rm -rf "${dir:?}/$name"
  fi
done
echo "$final"
