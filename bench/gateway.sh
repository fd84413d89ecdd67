#!/usr/bin/env bash
# What the gateway adds to a request, side by side in one run: wrk on GET /api/v1/cards/{id}
# (a cached read, cycling over 50 cards) with the same settings
#   - direct to cards-api,
#   - through the gateway (rate limits on: the standard classes, limits far above the load,
#     so every request is decided in Redis and admitted),
#   - through the gateway with GATEWAY_RATE_LIMITS=off,
#   - through nginx -> gateway, and nginx -> cards-api for comparison.
# Each round runs them in that order; the table gives the median RPS and p99 of ROUNDS
# rounds, and the ratios per round (median), since this machine's speed drifts. Then the
# limiter's Redis round trips per request, from INFO commandstats over a counted burst.
#
#   bench/gateway.sh      (CONNECTIONS=50 DURATION=10 ROUNDS=3 to change the load)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
root=$(repo_root)
cd "$root"
connections=${CONNECTIONS:-50}
duration=${DURATION:-10}
rounds=${ROUNDS:-3}

command -v wrk >/dev/null || die "wrk is missing: run scripts/bootstrap.sh"
command -v nginx >/dev/null || die "nginx is missing: run scripts/bootstrap.sh"
log "building cards-api and gateway (release)"
swift build -c release --product cards-api >&2
swift build -c release --product gateway >&2
bin=$(swift build -c release --show-bin-path)

dir=$root/.run/bench-gateway-$$
mkdir -p "$dir"
cleanup() {
  if [[ -f $dir/nginx.pid ]]; then kill "$(cat "$dir/nginx.pid")" 2>/dev/null || true; fi
  for pidfile in "$dir"/*.pid; do
    if [[ -f $pidfile ]]; then kill "$(cat "$pidfile")" 2>/dev/null || true; fi
  done
  "$root/scripts/redis.sh" stop "$dir/redis" >/dev/null 2>&1 || true
  "$root/scripts/postgres.sh" stop "$dir/postgres" >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

mapfile -t ports < <(free_port 7)
database_url=$("$root/scripts/postgres.sh" start "$dir/postgres" "${ports[0]}")
redis_url=$("$root/scripts/redis.sh" start "$dir/redis" "${ports[1]}")
redis_port=${ports[1]}
api_port=${ports[2]} gateway_port=${ports[3]} plain_gateway_port=${ports[4]}
nginx_gateway_port=${ports[5]} nginx_api_port=${ports[6]}

jwt_secret=$(openssl rand -base64 48)
start() { # NAME PORT BINARY [VAR=VALUE...]
  local name=$1 port=$2 binary=$3
  shift 3
  env HOST=127.0.0.1 PORT="$port" DATABASE_URL="$database_url" REDIS_URL="$redis_url" LOG_LEVEL=warning \
    JWT_SECRET="$jwt_secret" BCRYPT_COST=4 CARDS_API_URL="http://127.0.0.1:$api_port" TRUSTED_PROXIES=127.0.0.1 \
    "$@" "$bin/$binary" >"$dir/$name.log" 2>&1 &
  echo $! >"$dir/$name.pid"
  wait_http "http://127.0.0.1:$port/health/live" 30
}
start cards-api "$api_port" cards-api
# The standard classes, each far above what wrk can send, so all requests are decided and admitted.
limits="* ip 100000000/1m 1000000; auth ip 1000000/1m 1000; read user 100000000/1m 1000000; write user 100000000/1m 1000000"
start gateway "$gateway_port" gateway GATEWAY_RATE_LIMITS="$limits"
start gateway-unlimited "$plain_gateway_port" gateway GATEWAY_RATE_LIMITS=off

cat >"$dir/nginx.conf" <<NGINX
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $dir/nginx-body;
  proxy_temp_path $dir/nginx-proxy;
  upstream gateway { server 127.0.0.1:$gateway_port; keepalive 64; }
  upstream cards_api { server 127.0.0.1:$api_port; keepalive 64; }
  server {
    listen 127.0.0.1:$nginx_gateway_port;
    location / { proxy_pass http://gateway; proxy_http_version 1.1; proxy_set_header Connection "";
                 proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for; }
  }
  server {
    listen 127.0.0.1:$nginx_api_port;
    location / { proxy_pass http://cards_api; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
NGINX
nginx -c "$dir/nginx.conf" -p "$dir"
wait_http "http://127.0.0.1:$nginx_api_port/health/live" 30

api=http://127.0.0.1:$api_port
json() { python3 -c "import json,sys; print(json.load(sys.stdin)[\"$1\"])"; }
curl -sf "$api/api/v1/auth/register" -H 'content-type: application/json' -d '{"email":"bench@example.com","password":"bench password"}' >/dev/null
token=$(curl -sf "$api/api/v1/auth/login" -H 'content-type: application/json' -d '{"email":"bench@example.com","password":"bench password"}' | json access_token)
cards=()
for i in $(seq 1 50); do
  cards+=("$(curl -sf "$api/api/v1/cards" -H "authorization: Bearer $token" -H 'content-type: application/json' \
    -d "{\"title\":\"Card $i\",\"template\":\"Question {{q}} number $i\",\"tags\":[\"bench\"]}" | json id)")
done
{ # wrk script: each request the next of the 50 cards; any answer but 200 is counted
  printf 'local ids = {'
  printf '"%s",' "${cards[@]}"
  printf '}\nlocal n = 0\nrequest = function()\n  n = n + 1\n  return wrk.format("GET", "/api/v1/cards/" .. ids[n %% #ids + 1])\nend\n'
} >"$dir/cards.lua"

measure() { # PORT: "rps p99_ms non2xx" of one wrk run
  wrk -t2 -c"$connections" -d"${duration}s" --latency -H "authorization: Bearer $token" -s "$dir/cards.lua" \
    "http://127.0.0.1:$1/" | awk '
      /Requests\/sec/ {rps = $2}
      /^ +99%/ {v = $2; if (v ~ /us$/) {sub(/us/, "", v); v /= 1000} else if (v ~ /ms$/) {sub(/ms/, "", v)} else if (v ~ /s$/) {sub(/s/, "", v); v *= 1000}; p99 = v}
      /Non-2xx/ {bad = $NF}
      END {printf "%s %s %s\n", rps, p99, bad + 0}'
}

# Warm every path (connections, caches) before anything is counted.
for port in "$api_port" "$gateway_port" "$plain_gateway_port" "$nginx_gateway_port" "$nginx_api_port"; do
  wrk -t2 -c"$connections" -d2s -H "authorization: Bearer $token" -s "$dir/cards.lua" "http://127.0.0.1:$port/" >/dev/null
done

results=()
for round in $(seq 1 "$rounds"); do
  log "round $round/$rounds: wrk -t2 -c$connections -d${duration}s on each of the five paths"
  line=""
  for port in "$api_port" "$gateway_port" "$plain_gateway_port" "$nginx_gateway_port" "$nginx_api_port"; do
    line+="$(measure "$port") "
  done
  results+=("$line")
done

log "the limiter's Redis round trips: 2,000 requests through the gateway"
redis-cli -p "$redis_port" CONFIG RESETSTAT >/dev/null
requests=2000
{
  cat "$dir/cards.lua"
  printf 'local count = 0\nresponse = function()\n  count = count + 1\n  if count >= %d then wrk.thread:stop() end\nend\n' "$requests"
} >"$dir/counted.lua"
wrk -t1 -c1 -d60s -H "authorization: Bearer $token" -s "$dir/counted.lua" "http://127.0.0.1:$gateway_port/" >/dev/null
# Round trips are the calls the gateway sends (EVALSHA, EVAL); the rest are what the script
# runs inside Redis (TIME, and a GET and a SET per rule), counted by INFO too.
stats=$(redis-cli -p "$redis_port" INFO commandstats)
trips=$(awk -F'[=,:]' '/^cmdstat_eval(sha)?:/ {sum += $3} END {print sum + 0}' <<<"$stats")
commands=$(awk -F'[=,:]' '/^cmdstat_/ && !/cmdstat_(config|info)/ {sum += $3} END {print sum + 0}' <<<"$stats")

python3 - "$connections" "$requests" "$trips" "$commands" "${results[@]}" <<'PY'
import statistics, sys
connections, requests, trips, commands = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rounds = [list(map(float, r.split())) for r in sys.argv[5:]]
names = ["direct to cards-api", "gateway (limiter on)", "gateway (limiter off)", "nginx -> gateway", "nginx -> cards-api"]
def col(i, k): return [r[3 * i + k] for r in rounds]
print(f"GET /api/v1/cards/{{id}}, wrk -t2 -c{connections}, {len(rounds)} rounds (medians; ratios per round, then median)")
print(f"{'path':24} {'req/s':>9} {'p99 ms':>8} {'vs direct':>10} {'p99 added':>10} {'non-2xx':>8}")
for i, name in enumerate(names):
    rps = statistics.median(col(i, 0)); p99 = statistics.median(col(i, 1))
    ratio = statistics.median([a / d for a, d in zip(col(i, 0), col(0, 0))])
    added = statistics.median([a - d for a, d in zip(col(i, 1), col(0, 1))])
    print(f"{name:24} {rps:9.0f} {p99:8.2f} {ratio:10.2f} {added:+10.2f} {int(sum(col(i, 2))):8d}")
on, off = col(1, 0), col(2, 0)
print(f"limiter on vs off: {statistics.median([a / b for a, b in zip(on, off)]):.2f} x the RPS")
print(f"nginx -> gateway vs nginx -> cards-api: {statistics.median([a / b for a, b in zip(col(3, 0), col(4, 0))]):.2f} x")
print(f"limiter Redis round trips per request: {trips / requests:.2f} ({trips} over {requests} requests); "
      f"commands Redis ran for them: {commands / requests:.2f} per request")
PY
