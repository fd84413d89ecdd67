#!/usr/bin/env bash
# `make test`: bootstrap, shellcheck the scripts, check the nginx configs and the deployment
# files (check-nginx.sh, check-deploy.sh), build the tests, start a private Postgres, Redis and LLM server
# on free ports in .run/test-<pid>/ (never the ports of `make up`), run `swift test`
# against them, and clean everything up on any exit (success, failure, Ctrl-C).
#
#   scripts/test.sh [swift test arguments…]      e.g. scripts/test.sh --filter StorageTests
#
# The tests see:
#   TEST_DATABASE_URL  superuser URL of database `pcs` (tests create their own databases)
#   TEST_REDIS_URL     redis://127.0.0.1:<port>/0
#   TEST_LLM_URL       root URL of the llama.cpp server (model id `smollm2`)
#   PCS_BIN_DIR        the folder of the built daemons (BIN_DIR for scripts/daemons.sh)
#   PCS_REPO_ROOT      the repository
#   PCS_CLIENTS_PYTHON the python of .venv-clients, with the official clients (scripts/clients.sh)
#   PCS_TEST_DIR       this run's scratch folder: put RUN_DIRs and temporary files in it;
#                      every process whose command line, working directory or environment
#                      refers to it is stopped at the end (the variable itself is inherited
#                      by whatever the tests start, so their leftovers are found too).
# Exits with swift test's status.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
umask 022 # the postgres user must be able to walk into .run/
root=$(repo_root)
scripts=$root/scripts
cd "$root"

"$scripts/bootstrap.sh"
# The scripts, both nginx configs and the deployment files are checked first: seconds,
# and no build.
shellcheck -x "$scripts"/*.sh bench/*.sh .ci/run
"$scripts/check-nginx.sh"
"$scripts/check-deploy.sh"
command -v swift >/dev/null || die "no swift on PATH: install a Swift 6 toolchain"
log "swift build --build-tests"
swift build --build-tests >&2
bin_dir=$(swift build --show-bin-path)

testdir=$root/.run/test-$$
cleaned=0
# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
  local status=$?
  trap '' INT TERM
  if ((cleaned)); then return "$status"; fi
  cleaned=1
  unset PCS_TEST_DIR
  log "cleaning up $testdir"
  "$scripts/llm.sh" stop "$testdir/llm" || true
  "$scripts/redis.sh" stop "$testdir/redis" || true
  "$scripts/postgres.sh" stop "$testdir/postgres" || true
  local pids=()
  mapfile -t pids < <(pids_referencing "$testdir")
  if ((${#pids[@]} > 0)); then
    log "stopping leftover processes: ${pids[*]}"
    kill_pids 10 "${pids[@]}"
  fi
  rm -rf "$testdir"
  return "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$testdir"
testdir=$(cd "$testdir" && pwd -P)
export PCS_TEST_DIR=$testdir

# Three ports at once (distinct), then the three servers side by side.
mapfile -t ports < <(free_port 3)
log "starting Postgres (${ports[0]}), Redis (${ports[1]}) and the LLM (${ports[2]}) in $testdir"
# Hundreds of tests in parallel each open a database and a daemon or two with their own pools.
POSTGRES_MAX_CONNECTIONS=600 POSTGRES_FAST=1 "$scripts/postgres.sh" start "$testdir/postgres" "${ports[0]}" >"$testdir/postgres.url" &
pg_job=$!
"$scripts/redis.sh" start "$testdir/redis" "${ports[1]}" >"$testdir/redis.url" &
redis_job=$!
# With /v1/embeddings too: model-graded assertions (similar, answer-relevance) need it.
LLM_EMBEDDING=1 "$scripts/llm.sh" start "$testdir/llm" "${ports[2]}" >"$testdir/llm.url" &
llm_job=$!
failed=0
wait "$pg_job" || failed=1
wait "$redis_job" || failed=1
wait "$llm_job" || failed=1
((failed == 0)) || die "could not start the test servers"

TEST_DATABASE_URL=$(<"$testdir/postgres.url")
TEST_REDIS_URL=$(<"$testdir/redis.url")
TEST_LLM_URL=$(<"$testdir/llm.url")
PCS_BIN_DIR=$bin_dir
PCS_REPO_ROOT=$root
PCS_CLIENTS_PYTHON=$("$scripts/clients.sh")
export TEST_DATABASE_URL TEST_REDIS_URL TEST_LLM_URL PCS_BIN_DIR PCS_REPO_ROOT PCS_CLIENTS_PYTHON
log "TEST_DATABASE_URL=$TEST_DATABASE_URL TEST_REDIS_URL=$TEST_REDIS_URL TEST_LLM_URL=$TEST_LLM_URL"

status=0
swift test --skip-build "$@" 2>&1 | tee "$testdir/swift-test.log" || status=${PIPESTATUS[0]}
if ((status != 0)); then
  # A CI log may keep only its tail: repeat what failed, and why, at the end.
  log "what failed:"
  grep -E '✘|recorded an issue|Expectation failed|Fatal error|error:' "$testdir/swift-test.log" | tail -n 60 >&2 || true
fi
log "swift test exited with $status"
exit "$status"
