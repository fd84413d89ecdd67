#!/usr/bin/env bash
# The job queue's throughput, side by side in one run on one private Redis (AOF on, as the
# suite runs it):
#   - no-op jobs through the whole path (enqueue -> claim -> handler -> complete -> state) at
#     consumer concurrency 1, 8 and 32 (queue-bench, release build);
#   - arq, a Python Redis job queue from PyPI, doing the same on the same Redis (installed in
#     the git-ignored .venv-bench);
#   - redis-benchmark's XADD at the same client counts: one plain write per job, the limit;
#   - enqueueing alone: one job per round trip, and batches of 100;
#   - then whole runs through the suite (bench/runs.sh: a 1,000-case run, and a 3-case run
#     during a 2,000-case run); RUNS=0 leaves them out.
# Prints a table; each figure is the median of ROUNDS rounds, the contenders alternating.
#
#   bench/queue.sh        (JOBS=20000 PEER_JOBS=3000 ROUNDS=3 to change the load)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
root=$(repo_root)
cd "$root"
jobs=${JOBS:-20000}
peer_jobs=${PEER_JOBS:-3000}
rounds=${ROUNDS:-3}

command -v redis-benchmark >/dev/null || die "redis-benchmark is missing: run scripts/bootstrap.sh"
log "building queue-bench (release)"
swift build -c release --product queue-bench >&2
bin=$(swift build -c release --show-bin-path)/queue-bench

venv=$root/.venv-bench
python_venv "$venv" 'arq==0.28.*'


dir=$root/.run/bench-queue-$$
mkdir -p "$dir"
cleanup() {
  "$root/scripts/redis.sh" stop "$dir/redis" >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
port=$(free_port 1)
url=$("$root/scripts/redis.sh" start "$dir/redis" "$port")

per_second() { python3 -c 'import json,sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])["per_second"])'; }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
xadd() {
  redis-benchmark -h 127.0.0.1 -p "$port" -c "$1" -n 200000 -q XADD bench:xadd '*' field value 2>/dev/null |
    awk '{for (i = 1; i <= NF; i++) if ($i ~ /^[0-9.]+$/ && $(i+1) == "requests") print int($i)}' | tail -1
}

declare -A ours peer limit
for concurrency in 1 8 32; do
  o=() p=() l=()
  for ((round = 1; round <= rounds; round++)); do
    log "concurrency $concurrency, round $round"
    o+=("$("$bin" "$url" path "$concurrency" "$jobs" | per_second)")
    p+=("$("$venv/bin/python" bench/queue_peer_arq.py "$url" "$concurrency" "$peer_jobs" 2>/dev/null | per_second)")
    l+=("$(xadd "$concurrency")")
    redis-cli -p "$port" DEL bench:xadd >/dev/null
  done
  ours[$concurrency]=$(median "${o[@]}")
  peer[$concurrency]=$(median "${p[@]}")
  limit[$concurrency]=$(median "${l[@]}")
done
single=() batch=()
for ((round = 1; round <= rounds; round++)); do
  single+=("$("$bin" "$url" enqueue single "$jobs" | per_second)")
  batch+=("$("$bin" "$url" enqueue batch "$jobs" | per_second)")
done

echo
echo "No-op jobs through the whole path, jobs/s (median of $rounds; $jobs jobs ours, $peer_jobs arq):"
printf '%-12s %12s %12s %16s %12s %14s\n' concurrency pcs-queue arq "redis XADD" "pcs/arq" "pcs/XADD"
for concurrency in 1 8 32; do
  printf '%-12s %12s %12s %16s %12s %14s\n' "$concurrency" "${ours[$concurrency]}" "${peer[$concurrency]}" "${limit[$concurrency]}" \
    "$(python3 -c "print(f'{${ours[$concurrency]} / max(${peer[$concurrency]}, 1):.1f}x')")" \
    "$(python3 -c "print(f'{${ours[$concurrency]} / max(${limit[$concurrency]}, 1):.2f}')")"
done
echo
echo "Enqueue, jobs/s: one per round trip $(median "${single[@]}"), batches of 100 $(median "${batch[@]}")"

if [[ ${RUNS:-1} != 0 ]]; then
  "$root/bench/runs.sh"
fi
