"""asyncio.gather over N coroutines that return at once: the Python side of GatherBenchmark.

Each coroutine returns its index (no work), so the time is the overhead of creating the tasks,
running them and collecting the results in order, as GatherBenchmark.weftGatherTasks measures for
Weft (one Task, on its own virtual thread, per body).

Run:  python3 benchmarks/python/asyncio_gather_bench.py [N] [REPEATS]
Prints one line per repeat and a summary line with the best and the median, in milliseconds.
"""

import asyncio
import statistics
import sys
import time


async def work(i):
    return i


async def gather_once(n):
    results = await asyncio.gather(*(work(i) for i in range(n)))
    assert len(results) == n and results[0] == 0 and results[-1] == n - 1
    return results


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    times = []
    for r in range(repeats):
        start = time.perf_counter()
        asyncio.run(gather_once(n))
        elapsed_ms = (time.perf_counter() - start) * 1e3
        times.append(elapsed_ms)
        print(f"repeat {r}: {elapsed_ms:.1f} ms")
    print(f"asyncio.gather n={n} python={sys.version.split()[0]}: "
          f"best {min(times):.1f} ms, median {statistics.median(times):.1f} ms over {repeats} repeats")


if __name__ == "__main__":
    main()
