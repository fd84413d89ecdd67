#!/usr/bin/env python3
"""Enqueue an ad-hoc test case on the Prompt Card System's job queue and wait for its grade.

Plain redis-py (pip install redis), nothing else: the queue's protocol is Redis commands
(docs/QUEUE.md). The job is one `FCALL pcsq_enqueue`; its fate is read from the queue's
events stream from the event id the enqueue returned, so nothing is polled and nothing
that happens in between is missed.

    examples/producer.py --prompt 'What is the capital of {{country}}? One word.' \
        --var country=France --assert '{"type": "icontains", "value": "paris"}'

Prints the job's final event as JSON (with the graded result when it completed) and exits
0 when the job completed, 1 when it was dead-lettered or cancelled, 2 on a usage or
connection problem, 3 when the wait timed out.
"""

import argparse
import json
import sys
import time
import uuid

import redis

FINAL_EVENTS = ("completed", "dead", "cancelled")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0", help="the suite's REDIS_URL")
    parser.add_argument("--prefix", default="pcs", help="the suite's REDIS_KEY_PREFIX")
    parser.add_argument("--queue", default="default", help="the queue's name")
    parser.add_argument("--model", default="smollm2")
    parser.add_argument("--prompt", required=True, help="the prompt template, {{variables}} and all")
    parser.add_argument("--var", action="append", default=[], metavar="NAME=VALUE", help="a template variable")
    parser.add_argument("--assert", dest="assertions", action="append", default=[], metavar="JSON",
                        help="an assertion, e.g. '{\"type\": \"icontains\", \"value\": \"paris\"}'")
    parser.add_argument("--threshold", type=float)
    parser.add_argument("--owner", help="your user id: the queue shares its workers fairly across owners")
    parser.add_argument("--priority", default="normal", choices=["high", "normal", "low"])
    parser.add_argument("--id", help="the job's id (idempotency key); a random one by default")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for the result")
    return parser.parse_args()


def job_fields(args):
    variables = {}
    for item in args.var:
        name, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"--var {item!r}: expected NAME=VALUE")
        variables[name] = value
    payload = {"prompt": args.prompt, "vars": variables, "model": args.model,
               "assert": [json.loads(text) for text in args.assertions]}
    if args.threshold is not None:
        payload["threshold"] = args.threshold
    fields = {"id": args.id or str(uuid.uuid4()), "type": "test-case.execute",
              "payload": json.dumps(payload), "priority": args.priority}
    if args.owner:
        fields["owner"] = args.owner
    return fields


def enqueue(client, base, fields):
    """Returns the event id to read from, or exits when the queue refuses the job."""
    arguments = [item for pair in fields.items() for item in pair]
    try:
        outcome, detail = client.fcall("pcsq_enqueue", 1, base, int(time.time() * 1000), *arguments)
    except redis.ResponseError as error:
        if "Function not found" in str(error):
            raise SystemExit("the queue's functions are not loaded: start queue-worker (make up) first")
        raise SystemExit(f"the queue refused the job: {error}")
    if outcome == "duplicate":
        # The id is known: its fate may be decided already, so read the job itself first.
        return None
    return detail


def final_event_of_known_job(client, base, job_id):
    state, result, errors = client.hmget(f"{base}:job:{job_id}", "state", "result", "errors")
    if state in FINAL_EVENTS:
        event = {"event": state, "job_id": job_id}
        if result is not None:
            event["result"] = result
        if errors:
            event["error"] = json.loads(errors)[-1]["error"]
        return event
    return None


def wait_for(client, base, job_id, after, timeout):
    """Reads the events stream from `after` until the job's final event, or None at the timeout."""
    stream = f"{base}:events"
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        replies = client.xread({stream: after}, count=500, block=int(min(left, 5) * 1000))
        for _, entries in replies or []:
            for entry_id, event in entries:
                after = entry_id
                if event.get("job_id") == job_id and event.get("event") in FINAL_EVENTS:
                    if event["event"] == "completed" and "result" not in event:
                        # Results over 64 KiB stay in the job's hash only.
                        event["result"] = client.hget(f"{base}:job:{job_id}", "result")
                    return event
    return None


def main():
    args = parse_args()
    try:
        client = redis.Redis.from_url(args.redis, decode_responses=True)
        base = f"{args.prefix}:queue:{args.queue}"
        fields = job_fields(args)
        after = enqueue(client, base, fields)
        event = None
        if after is None:
            event = final_event_of_known_job(client, base, fields["id"])
            after = "$" if event is None else None
        if event is None:
            event = wait_for(client, base, fields["id"], after, args.timeout)
    except redis.RedisError as error:
        print(f"producer: Redis: {error}", file=sys.stderr)
        return 2
    if event is None:
        print(f"producer: no result for job {fields['id']} within {args.timeout:g} s", file=sys.stderr)
        return 3
    if event.get("result") is not None:
        event["result"] = json.loads(event["result"])
    print(json.dumps(event, indent=2))
    return 0 if event["event"] == "completed" else 1


if __name__ == "__main__":
    sys.exit(main())
