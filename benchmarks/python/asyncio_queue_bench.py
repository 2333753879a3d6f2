#!/usr/bin/env python3
"""Producer/consumer throughput of asyncio.Queue, for comparison with Weft's AsyncQueue.

The same workload as the 1x1 configuration of
dev.weft.bench.throughput.QueueVirtualThreadThroughput: one producer task puts ITEMS elements into
a queue bounded at 1024 with ``await queue.put()``, one consumer task takes them with
``await queue.get()``; the time from starting both tasks to both finishing is measured, and the
rate printed in elements per second. Several rounds are run and the best and median are reported
(the first round warms up).

Run:
    python3 benchmarks/python/asyncio_queue_bench.py            # 1,000,000 elements, 5 rounds
    python3 benchmarks/python/asyncio_queue_bench.py 200000 3   # elements, rounds
"""

import asyncio
import statistics
import sys
import time

MAXSIZE = 1024
ITEM = 42


async def producer(queue: asyncio.Queue, n: int) -> None:
    put = queue.put
    for _ in range(n):
        await put(ITEM)


async def consumer(queue: asyncio.Queue, n: int) -> int:
    get = queue.get
    total = 0
    for _ in range(n):
        total += await get()
    return total


async def one_round(n: int) -> float:
    queue: asyncio.Queue = asyncio.Queue(maxsize=MAXSIZE)
    start = time.perf_counter()
    consumed = asyncio.create_task(consumer(queue, n))
    produced = asyncio.create_task(producer(queue, n))
    await produced
    total = await consumed
    elapsed = time.perf_counter() - start
    if total != n * ITEM:
        raise AssertionError(f"elements lost or duplicated: sum {total}")
    return n / elapsed


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    rates = [asyncio.run(one_round(n)) for _ in range(rounds)]
    measured = rates[1:] if len(rates) > 1 else rates
    print(f"python {sys.version.split()[0]}, asyncio.Queue(maxsize={MAXSIZE}), 1 producer, 1 consumer, "
          f"{n} elements, {rounds} rounds (first is warm-up)")
    for i, r in enumerate(rates):
        print(f"  round {i}: {r:,.0f} items/s")
    print(f"best: {max(measured):,.0f} items/s   median: {statistics.median(measured):,.0f} items/s")


if __name__ == "__main__":
    main()
