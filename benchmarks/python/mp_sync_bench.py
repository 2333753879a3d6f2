#!/usr/bin/env python3
"""Python multiprocessing counterparts of dev.weft.bench.ipc.SyncPrimitivesBench.

Usage: python3 benchmarks/python/mp_sync_bench.py [round_trips]

Prints one result per line, in the units of the Java harness, which runs this script and reads
the lines:
  semaphore_ns <ns>        uncontended multiprocessing.Semaphore acquire+release, ns per pair
                           (best of 5 timeit runs of 1,000,000 pairs)
  condition_rtt <p50> <p90> <p99>
                           multiprocessing.Condition ping-pong round trip between 2 processes, in
                           microseconds: a shared counter under the condition's lock; each side
                           waits for its turn with wait_for and notifies the other
Start method: fork.
"""
import multiprocessing as mp
import sys
import time
import timeit


def semaphore_ns():
    sem = mp.Semaphore(1)
    n = 1_000_000
    best = min(timeit.repeat(lambda: (sem.acquire(), sem.release()), number=n, repeat=5))
    return best / n * 1e9


def _ponger(cond, turn, n):
    for i in range(n):
        with cond:
            cond.wait_for(lambda: turn.value == 2 * i + 1)
            turn.value += 1
            cond.notify()


def condition_rtt(round_trips):
    warmup = round_trips // 10
    total = warmup + round_trips
    cond = mp.Condition(mp.Lock())
    turn = mp.RawValue('q', 0)
    child = mp.Process(target=_ponger, args=(cond, turn, total))
    child.start()
    rtt = []
    for i in range(total):
        t = time.perf_counter_ns()
        with cond:
            turn.value += 1
            cond.notify()
            cond.wait_for(lambda: turn.value == 2 * i + 2)
        if i >= warmup:
            rtt.append(time.perf_counter_ns() - t)
    child.join()
    rtt.sort()
    return rtt[len(rtt) // 2] / 1e3, rtt[int(len(rtt) * 0.9)] / 1e3, rtt[int(len(rtt) * 0.99)] / 1e3


if __name__ == "__main__":
    mp.set_start_method("fork")
    round_trips = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    print(f"python {sys.version.split()[0]}", flush=True)
    print(f"semaphore_ns {semaphore_ns():.1f}", flush=True)
    p = condition_rtt(round_trips)
    print(f"condition_rtt {p[0]:.1f} {p[1]:.1f} {p[2]:.1f}", flush=True)
