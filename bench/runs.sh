#!/usr/bin/env bash
# Runs through the whole suite as processes (nginx, the six daemons, a private Postgres and
# Redis with AOF), against a stand-in model that answers at once (bench/standin_llm.py), so
# the suite's own cost is what is timed (bench/run_bench.py):
#   - a 1,000-case run, alone: seconds from POST to completed, and cases/s;
#   - fairness: a 3-case run of a second user started once a 2,000-case run is under way,
#     against the same 3-case run on an idle suite.
# Prints a table.
#
#   bench/runs.sh     (CASES=1000 BIG=2000 WORKER_CONCURRENCY=32 CONFIGURATION=release)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
root=$(repo_root)
cd "$root"
configuration=${CONFIGURATION:-release}

log "building the daemons ($configuration)"
swift build -c "$configuration" >&2
bin_dir=$(swift build -c "$configuration" --show-bin-path)

dir=$root/.run/bench-runs-$$
mkdir -p "$dir"
standin=
# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
  RUN_DIR=$dir/suite "$root/scripts/daemons.sh" stop >/dev/null 2>&1 || true
  if [[ -n $standin ]]; then kill "$standin" 2>/dev/null || true; fi
  "$root/scripts/redis.sh" stop "$dir/redis" >/dev/null 2>&1 || true
  "$root/scripts/postgres.sh" stop "$dir/postgres" >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

mapfile -t ports < <(free_port 10)
database_url=$(POSTGRES_FAST=1 "$root/scripts/postgres.sh" start "$dir/postgres" "${ports[0]}")
redis_url=$("$root/scripts/redis.sh" start "$dir/redis" "${ports[1]}")
python3 bench/standin_llm.py "${ports[2]}" &
standin=$!
wait_http "http://127.0.0.1:${ports[2]}/v1/models" 10 "$standin"

nginx_url=$(
  RUN_DIR=$dir/suite BIN_DIR=$bin_dir DATABASE_URL=$database_url REDIS_URL=$redis_url \
    JWT_SECRET="bench-secret-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
    LOCAL_LLM_URL="http://127.0.0.1:${ports[2]}" LOG_LEVEL=warning \
    WORKER_CONCURRENCY=${WORKER_CONCURRENCY:-32} \
    GATEWAY_PORT=${ports[3]} CARDS_API_PORT=${ports[4]} REALTIME_PORT=${ports[5]} QUEUE_WORKER_PORT=${ports[6]} \
    LLM_PROXY_PORT=${ports[7]} HEALTHD_PORT=${ports[8]} NGINX_PORT=${ports[9]} \
    "$root/scripts/daemons.sh" start
)
log "suite up at $nginx_url; running the bench"
figures=$(python3 bench/run_bench.py "$nginx_url")
value() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$figures" "$1"; }

echo
echo "Runs through the whole suite ($configuration build, one queue-worker at WORKER_CONCURRENCY=${WORKER_CONCURRENCY:-32}, run concurrency 50, a model that answers at once):"
printf '%-58s %10s\n' "what" "figure"
printf '%-58s %9ss\n' "$(value cases)-case run, POST to completed" "$(value solo_seconds)"
printf '%-58s %10s\n' "  cases per second" "$(value solo_cases_per_second)"
printf '%-58s %9ss\n' "3-case run of another user, during a $(value big)-case run" "$(value small_seconds)"
printf '%-58s %9ss\n' "3-case run, idle suite" "$(value small_idle_seconds)"
printf '%-58s %10s\n' "  cases of the big run done when the small one finished" "$(value big_completed_when_small_done) / $(value big)"
printf '%-58s %9ss\n' "the $(value big)-case run, POST to completed" "$(value big_seconds)"
