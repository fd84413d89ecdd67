"""The Python peer of bench/queue.sh: arq (an asyncio Redis job queue, from PyPI) on the same
Redis and machine. No-op jobs through its whole path, enqueue -> worker -> result, with the
producer and the worker running at once, at a given worker concurrency (arq's max_jobs).
arq polls its queue; poll_delay is set to 1 ms (default 0.5 s) so that polling does not
decide the figure. Prints one line of JSON like queue-bench.

    python bench/queue_peer_arq.py <redis url> <concurrency> <jobs>
"""
import asyncio
import json
import sys
import time
from urllib.parse import urlparse

from arq import create_pool
from arq.connections import RedisSettings
from arq.worker import Worker, func


async def main(url: str, concurrency: int, jobs: int) -> None:
    parsed = urlparse(url)
    settings = RedisSettings(host=parsed.hostname, port=parsed.port, database=int((parsed.path or "/0")[1:] or 0))
    done = asyncio.Event()
    count = 0

    async def noop(ctx):
        nonlocal count
        count += 1
        if count >= jobs:
            done.set()

    queue = f"arq:bench:{time.time_ns()}"
    pool = await create_pool(settings)
    worker = Worker(functions=[func(noop, name="noop")], redis_settings=settings, queue_name=queue, max_jobs=concurrency,
                    poll_delay=0.001, handle_signals=False, log_results=False, keep_result=120)
    started = time.perf_counter()
    running = asyncio.create_task(worker.async_run())
    for start in range(0, jobs, 100):
        await asyncio.gather(*(pool.enqueue_job("noop", _queue_name=queue) for _ in range(start, min(start + 100, jobs))))
    await done.wait()
    elapsed = time.perf_counter() - started
    await worker.close()
    running.cancel()
    await pool.aclose()
    print(json.dumps({"mode": "path", "variant": str(concurrency), "jobs": jobs, "seconds": elapsed,
                      "per_second": int(jobs / elapsed), "completed": count}))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
