#!/usr/bin/env python3
"""Runs through the whole suite (nginx -> gateway -> cards-api -> queue -> queue-worker ->
llm-proxy -> model), timed from POST /runs to the run being completed:

  - one run of CASES cases (1,000 by default), alone;
  - fairness: a BIG-case run (2,000) of one user, and, once it is under way, a 3-case run
    of another user: how long the small one takes, against the same run alone on an idle
    suite, and how far the big one had got when the small one was done.

    bench/run_bench.py BASE_URL       prints one JSON line of figures
"""
import json
import os
import sys
import time
import urllib.error
import urllib.request
import uuid

BASE = sys.argv[1].rstrip("/") + "/api/v1"
CASES = int(os.environ.get("CASES", "1000"))
BIG = int(os.environ.get("BIG", "2000"))
CONCURRENCY = int(os.environ.get("RUN_CONCURRENCY", "50"))


def call(method, path, token=None, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(BASE + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        raise SystemExit(f"{method} {path}: {error.code} {error.read()[:500]!r}")


def user():
    email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
    call("POST", "/auth/register", body={"email": email, "password": "correct horse battery"})
    return call("POST", "/auth/login", body={"email": email, "password": "correct horse battery"})["access_token"]


def card(token, cases):
    card_id = call("POST", "/cards", token, {"title": f"{cases} cases", "template": "Say {{word}}"})["id"]
    for start in range(0, cases, 1000):
        tests = [{"vars": {"word": f"hello {i}"}, "assert": [{"type": "icontains", "value": "hello"}]}
                 for i in range(start, min(cases, start + 1000))]
        call("POST", f"/cards/{card_id}/tests/bulk", token, {"tests": tests})
    return card_id


def start(token, card_id):
    return call("POST", f"/cards/{card_id}/runs", token, {"concurrency": CONCURRENCY})["id"], time.monotonic()


def wait(token, run_id, started):
    while True:
        run = call("GET", f"/runs/{run_id}", token)
        if run["status"] in ("completed", "failed", "cancelled"):
            if run["status"] != "completed" or run["passed"] != run["total"]:
                raise SystemExit(f"run {run_id} ended {run['status']} with {run['passed']}/{run['total']} passed")
            return time.monotonic() - started
        time.sleep(0.05)


def main():
    alice, bob = user(), user()
    big_card, small_card, solo_card = card(alice, BIG), card(bob, 3), card(alice, CASES)

    solo_seconds = wait(alice, *start(alice, solo_card))
    idle_small = wait(bob, *start(bob, small_card))

    big_id, big_started = start(alice, big_card)
    while call("GET", f"/runs/{big_id}", alice)["completed"] < min(200, BIG // 10):
        time.sleep(0.05)
    small_seconds = wait(bob, *start(bob, small_card))
    big_done_then = call("GET", f"/runs/{big_id}", alice)["completed"]
    big_seconds = wait(alice, big_id, big_started)
    print(json.dumps({
        "cases": CASES, "solo_seconds": round(solo_seconds, 2), "solo_cases_per_second": round(CASES / solo_seconds, 1),
        "big": BIG, "big_seconds": round(big_seconds, 2), "small_seconds": round(small_seconds, 2),
        "small_idle_seconds": round(idle_small, 2), "big_completed_when_small_done": big_done_then,
    }))


if __name__ == "__main__":
    main()
