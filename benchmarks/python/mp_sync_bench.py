#!/usr/bin/env python3
"""Python multiprocessing counterparts of dev.weft.bench.ipc.SyncPrimitivesBench.

Usage: python3 benchmarks/python/mp_sync_bench.py [round_trips]

Prints one result per line, in the units of the Java harness, which runs this script and reads
the lines:
  semaphore_ns <ns>        uncontended multiprocessing.Semaphore acquire+release, ns per pair
                           (best of 5 timeit runs of 1,000,000 pairs)
  rlock_ns <ns>            uncontended multiprocessing.RLock acquire+release (same method)
  rlock_reentry_ns <ns>    multiprocessing.RLock acquire+release while already held (same method)
  barrier_round <p50> <p90> <p99>
                           multiprocessing.Barrier(2) between 2 processes: time from one party's
                           arrival to its return, in microseconds, round_trips rounds
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


def rlock_ns():
    lock = mp.RLock()
    n = 1_000_000
    first = min(timeit.repeat(lambda: (lock.acquire(), lock.release()), number=n, repeat=5))
    lock.acquire()
    again = min(timeit.repeat(lambda: (lock.acquire(), lock.release()), number=n, repeat=5))
    lock.release()
    return first / n * 1e9, again / n * 1e9


def _barrier_party(barrier, n):
    for _ in range(n):
        barrier.wait()


def barrier_round(rounds):
    warmup = rounds // 10
    total = warmup + rounds
    barrier = mp.Barrier(2)
    child = mp.Process(target=_barrier_party, args=(barrier, total))
    child.start()
    times = []
    for i in range(total):
        t = time.perf_counter_ns()
        barrier.wait()
        if i >= warmup:
            times.append(time.perf_counter_ns() - t)
    child.join()
    times.sort()
    return times[len(times) // 2] / 1e3, times[int(len(times) * 0.9)] / 1e3, times[int(len(times) * 0.99)] / 1e3


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
    r = rlock_ns()
    print(f"rlock_ns {r[0]:.1f}", flush=True)
    print(f"rlock_reentry_ns {r[1]:.1f}", flush=True)
    b = barrier_round(round_trips)
    print(f"barrier_round {b[0]:.1f} {b[1]:.1f} {b[2]:.1f}", flush=True)
    p = condition_rtt(round_trips)
    print(f"condition_rtt {p[0]:.1f} {p[1]:.1f} {p[2]:.1f}", flush=True)
