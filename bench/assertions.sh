#!/usr/bin/env bash
# Assertions per second of the assertion engine on one core: a mixed set of deterministic
# assertions (contains…, regex, JSON with a schema, XML, levenshtein, ROUGE, BLEU, refusal,
# latency, an assert-set) graded against three outputs, in a release build.
#
#   bench/assertions.sh            (BENCH_SECONDS=5 to change the measured time)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
root=$(repo_root)
cd "$root"

log "building assertion-bench (release)"
swift build -c release --product assertion-bench >&2
bin=$(swift build -c release --show-bin-path)/assertion-bench

if command -v taskset >/dev/null; then
  taskset -c 0 "$bin"
else
  log "taskset is missing: running unpinned"
  "$bin"
fi
