#!/usr/bin/env bash
# cards-api read throughput beside Postgres' own: wrk on GET /api/v1/cards/{id} (cycling
# over 50 cards) and on the list endpoint, then pgbench's select-only TPS at the same
# concurrency, on the same machine. The three alternate for ROUNDS rounds and the figure
# is the median ratio (goal ≥ 0.7), so a noisy neighbour hits both sides alike. A last
# round runs a second cards-api with its read cache off, to show what the cache buys.
#
#   bench/cards-api-read.sh     (CONNECTIONS=32 DURATION=10 ROUNDS=3 to change the load)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
root=$(repo_root)
cd "$root"
connections=${CONNECTIONS:-32}
duration=${DURATION:-10}
rounds=${ROUNDS:-3}

command -v wrk >/dev/null || die "wrk is missing: run scripts/bootstrap.sh"
log "building cards-api (release)"
swift build -c release --product cards-api >&2
bin=$(swift build -c release --show-bin-path)/cards-api

dir=$root/.run/bench-$$
mkdir -p "$dir"
cleanup() {
  for pidfile in "$dir"/*.pid; do
    if [[ -f $pidfile ]]; then kill "$(cat "$pidfile")" 2>/dev/null || true; fi
  done
  "$root/scripts/redis.sh" stop "$dir/redis" >/dev/null 2>&1 || true
  "$root/scripts/postgres.sh" stop "$dir/postgres" >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

mapfile -t ports < <(free_port 4)
database_url=$("$root/scripts/postgres.sh" start "$dir/postgres" "${ports[0]}")
redis_url=$("$root/scripts/redis.sh" start "$dir/redis" "${ports[1]}")

# One signing key for every instance (the daemons refuse guessable ones).
jwt_secret=$(openssl rand -base64 48)
start_api() { # PORT NAME [VAR=VALUE...]: a release cards-api on PORT
  local port=$1 name=$2
  shift 2
  env HOST=127.0.0.1 PORT="$port" DATABASE_URL="$database_url" REDIS_URL="$redis_url" LOG_LEVEL=warning \
    JWT_SECRET="$jwt_secret" BCRYPT_COST=4 "$@" "$bin" >"$dir/$name.log" 2>&1 &
  echo $! >"$dir/$name.pid"
  wait_http "http://127.0.0.1:$port/health/ready" 30
}
start_api "${ports[2]}" cards-api
api=http://127.0.0.1:${ports[2]}

json() { python3 -c "import json,sys; print(json.load(sys.stdin)[\"$1\"])"; }
curl -sf "$api/api/v1/auth/register" -H 'content-type: application/json' -d '{"email":"bench@example.com","password":"bench password"}' >/dev/null
token=$(curl -sf "$api/api/v1/auth/login" -H 'content-type: application/json' -d '{"email":"bench@example.com","password":"bench password"}' | json access_token)
cards=()
for i in $(seq 1 50); do
  cards+=("$(curl -sf "$api/api/v1/cards" -H "authorization: Bearer $token" -H 'content-type: application/json' \
    -d "{\"title\":\"Card $i\",\"template\":\"Question {{q}} number $i\",\"tags\":[\"bench\"]}" | json id)")
done
{ # wrk script: each request the next of the 50 cards
  printf 'local ids = {'
  printf '"%s",' "${cards[@]}"
  printf '}\nlocal n = 0\nrequest = function()\n  n = n + 1\n  return wrk.format("GET", "/api/v1/cards/" .. ids[n %% #ids + 1])\nend\n'
} >"$dir/cards.lua"

rps() { # URL [wrk args...]: wrk's Requests/sec
  local url=$1
  shift
  wrk -t2 -c"$connections" -d"${duration}s" -H "authorization: Bearer $token" "$@" "$url" | awk '/Requests\/sec/ {print $2}'
}

pg="${database_url%/pcs}/pgbench"
psql "$database_url" -qc "CREATE DATABASE pgbench" >/dev/null
pgbench -q -i -s 1 "$pg" >/dev/null 2>&1
tps() { pgbench -S -n -c "$connections" -j 2 -T "$duration" "$pg" 2>/dev/null | awk '/^tps/ {print $3; exit}'; }

results=()
for round in $(seq 1 "$rounds"); do
  log "round $round/$rounds: wrk -c$connections -d${duration}s on 50 cards, on the list; pgbench -S -c$connections"
  results+=("$(rps "$api/api/v1/cards" -s "$dir/cards.lua") $(rps "$api/api/v1/cards?limit=20") $(tps)")
done

log "the same reads with the cache off (CARD_CACHE_MB=0)"
start_api "${ports[3]}" uncached CARD_CACHE_MB=0
uncached="$(rps "http://127.0.0.1:${ports[3]}/api/v1/cards" -s "$dir/cards.lua") $(rps "http://127.0.0.1:${ports[3]}/api/v1/cards?limit=20") $(tps)"

python3 - "$connections" "$uncached" "${results[@]}" <<'PY'
import statistics, sys
c = int(sys.argv[1])
uncached = list(map(float, sys.argv[2].split()))
rounds = [list(map(float, r.split())) for r in sys.argv[3:]]
print(f"concurrency {c}, {len(rounds)} rounds (req/s or tps per round; ratio = median of the per-round ratios)")
for i, name in enumerate(["GET /api/v1/cards/{id}   ", "GET /api/v1/cards?limit=20"]):
    ratios = [r[i] / r[2] for r in rounds]
    print(f"{name}  {' '.join(f'{r[i]:8.0f}' for r in rounds)}   ratio to pgbench {statistics.median(ratios):5.2f}"
          f"   (cache off: {uncached[i]:6.0f}, ratio {uncached[i] / uncached[2]:4.2f})")
print(f"pgbench -S (select-only)    {' '.join(f'{r[2]:8.0f}' for r in rounds)}")
PY
