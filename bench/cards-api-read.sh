#!/usr/bin/env bash
# cards-api read throughput beside Postgres' own: wrk on GET /api/v1/cards/{id} and on the
# list endpoint, then pgbench's select-only TPS at the same concurrency, on the same
# machine, in one run. The figure is the ratio (goal ≥ 0.7).
#
#   bench/cards-api-read.sh            (CONNECTIONS=32 DURATION=10 to change the load)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
root=$(repo_root)
cd "$root"
connections=${CONNECTIONS:-32}
duration=${DURATION:-10}

command -v wrk >/dev/null || die "wrk is missing: run scripts/bootstrap.sh"
log "building cards-api (release)"
swift build -c release --product cards-api >&2
bin=$(swift build -c release --show-bin-path)/cards-api

dir=$root/.run/bench-$$
mkdir -p "$dir"
cleanup() {
  if [[ -f $dir/cards-api.pid ]]; then kill "$(cat "$dir/cards-api.pid")" 2>/dev/null || true; fi
  "$root/scripts/redis.sh" stop "$dir/redis" >/dev/null 2>&1 || true
  "$root/scripts/postgres.sh" stop "$dir/postgres" >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

mapfile -t ports < <(free_port 3)
database_url=$("$root/scripts/postgres.sh" start "$dir/postgres" "${ports[0]}")
redis_url=$("$root/scripts/redis.sh" start "$dir/redis" "${ports[1]}")
api=http://127.0.0.1:${ports[2]}

HOST=127.0.0.1 PORT=${ports[2]} DATABASE_URL=$database_url REDIS_URL=$redis_url LOG_LEVEL=warning \
  JWT_SECRET=bench-secret-bench-secret-bench-secret BCRYPT_COST=4 "$bin" >"$dir/cards-api.log" 2>&1 &
echo $! >"$dir/cards-api.pid"
wait_http "$api/health/ready" 30

json() { python3 -c "import json,sys; print(json.load(sys.stdin)[\"$1\"])"; }
curl -sf "$api/api/v1/auth/register" -H 'content-type: application/json' -d '{"email":"bench@example.com","password":"bench password"}' >/dev/null
token=$(curl -sf "$api/api/v1/auth/login" -H 'content-type: application/json' -d '{"email":"bench@example.com","password":"bench password"}' | json access_token)
card=""
for i in $(seq 1 50); do
  card=$(curl -sf "$api/api/v1/cards" -H "authorization: Bearer $token" -H 'content-type: application/json' \
    -d "{\"title\":\"Card $i\",\"template\":\"Question {{q}} number $i\",\"tags\":[\"bench\"]}" | json id)
done

rps() { # wrk's Requests/sec line
  wrk -t2 -c"$connections" -d"${duration}s" -H "authorization: Bearer $token" "$1" | awk '/Requests\/sec/ {print $2}'
}
log "wrk -c$connections -d${duration}s GET /api/v1/cards/{id}"
get_rps=$(rps "$api/api/v1/cards/$card")
log "wrk -c$connections -d${duration}s GET /api/v1/cards?limit=20"
list_rps=$(rps "$api/api/v1/cards?limit=20")

log "pgbench -S -c$connections -T$duration"
pg="${database_url%/pcs}/pgbench"
psql "$database_url" -qc "CREATE DATABASE pgbench" >/dev/null
pgbench -q -i -s 1 "$pg" >/dev/null 2>&1
tps=$(pgbench -S -n -c "$connections" -j 2 -T "$duration" "$pg" 2>/dev/null | awk '/^tps/ {print $3; exit}')

python3 - "$get_rps" "$list_rps" "$tps" "$connections" <<'PY'
import sys
get, lst, tps, c = map(float, sys.argv[1:5])
print(f"concurrency {int(c)}")
print(f"GET /api/v1/cards/{{id}}      {get:10.0f} req/s   ratio to pgbench {get / tps:5.2f}")
print(f"GET /api/v1/cards?limit=20   {lst:10.0f} req/s   ratio to pgbench {lst / tps:5.2f}")
print(f"pgbench -S (select-only)     {tps:10.0f} tps")
PY
