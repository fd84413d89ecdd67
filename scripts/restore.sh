#!/usr/bin/env bash
# Restores a backup set made by scripts/backup.sh.
#
#   scripts/restore.sh SET [--skip-postgres] [--skip-redis] [--redis-data-dir DIR]
#
# SET is one set folder (BACKUP_DIR/pcs-…). Its checksums are verified before anything is
# touched.
#  - Postgres: postgres.dump goes into DATABASE_URL's database, which must exist (create an
#    empty one on a new server). Objects the dump holds are dropped and recreated, in one
#    transaction: the database ends up as in the backup, or unchanged if anything fails.
#  - Redis: only a starting server loads an RDB. DIR is the data folder of a *stopped*
#    redis-server (compose: the redis_data volume). The snapshot becomes DIR/dump.rdb and
#    the base of a fresh append-only file (DIR/appendonlydir), so the next start loads it
#    with appendonly on or off; what DIR held before is moved to DIR/pre-restore-<stamp>/.
#    Start the server afterwards. (REDIS_AOF_FILENAME / REDIS_AOF_DIRNAME if the server
#    sets appendfilename / appenddirname.)
# Environment: DATABASE_URL (postgres://user:pass@host:port/db).
set -euo pipefail
here=$(dirname "${BASH_SOURCE[0]}")
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"
# shellcheck source-path=SCRIPTDIR source=backup-lib.sh
source "$here/backup-lib.sh"

set_dir=""
redis_dir=""
do_postgres=1
do_redis=1
while (($# > 0)); do
  case $1 in
    --skip-postgres) do_postgres=0; shift ;;
    --skip-redis) do_redis=0; shift ;;
    --redis-data-dir) redis_dir=${2:?--redis-data-dir needs a folder}; shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown argument: $1 (see --help)" ;;
    *) [[ -z $set_dir ]] || die "one backup set at a time"; set_dir=$1; shift ;;
  esac
done
[[ -n $set_dir ]] || die "which backup set? (scripts/restore.sh BACKUP_DIR/pcs-…)"
[[ -d $set_dir && -f $set_dir/SHA256SUMS ]] || die "$set_dir is not a backup set (no SHA256SUMS)"
[[ -f $set_dir/postgres.dump ]] || do_postgres=0
[[ -f $set_dir/redis.rdb ]] || do_redis=0
((do_postgres || do_redis)) || die "nothing to restore from $set_dir"

(cd "$set_dir" && sha256sum --quiet --check SHA256SUMS) || die "checksums of $set_dir do not match: not restoring"
log "checksums of $set_dir verified"

if ((do_redis)); then
  [[ -n $redis_dir ]] || die "restoring Redis needs --redis-data-dir (the stopped server's data folder), or pass --skip-redis"
  [[ -d $redis_dir ]] || die "no such folder: $redis_dir"
fi

if ((do_postgres)); then
  [[ -n ${DATABASE_URL:-} ]] || die "DATABASE_URL is not set (or pass --skip-postgres)"
  export_pg_env "$DATABASE_URL"
  log "restoring Postgres into database '$PGDATABASE' on $PGHOST:$PGPORT"
  pg_restore --clean --if-exists --no-owner --single-transaction --exit-on-error \
    --no-password --dbname="$PGDATABASE" "$set_dir/postgres.dump"
  log "Postgres restored"
fi

if ((do_redis)); then
  aof_name=${REDIS_AOF_FILENAME:-appendonly.aof}
  aof_dir=${REDIS_AOF_DIRNAME:-appendonlydir}
  owner=$(stat -c %u:%g "$redis_dir")
  aside=$redis_dir/pre-restore-$(date -u +%Y%m%dT%H%M%SZ)
  for previous in dump.rdb "$aof_dir"; do
    if [[ -e $redis_dir/$previous ]]; then
      mkdir -p "$aside"
      mv "$redis_dir/$previous" "$aside/"
    fi
  done
  install -m 0600 "$set_dir/redis.rdb" "$redis_dir/dump.rdb"
  mkdir -m 0700 "$redis_dir/$aof_dir"
  install -m 0600 "$set_dir/redis.rdb" "$redis_dir/$aof_dir/$aof_name.1.base.rdb"
  : >"$redis_dir/$aof_dir/$aof_name.1.incr.aof"
  printf 'file %s seq 1 type b\nfile %s seq 1 type i\n' "$aof_name.1.base.rdb" "$aof_name.1.incr.aof" \
    >"$redis_dir/$aof_dir/$aof_name.manifest"
  if ((EUID == 0)); then chown -R "$owner" "$redis_dir/dump.rdb" "$redis_dir/$aof_dir"; fi
  log "Redis snapshot installed in $redis_dir: start the server now"
  if [[ -d $aside ]]; then log "the files it replaced are in $aside"; fi
fi
