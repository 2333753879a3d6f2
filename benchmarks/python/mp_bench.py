#!/usr/bin/env python3
"""Python multiprocessing counterparts of the Weft ipc benchmarks (dev.weft.bench.ipc).

Usage: python3 benchmarks/python/mp_bench.py [seconds] [round_trips]

Prints, in the same units as the Java harness:
  * uncontended multiprocessing.Lock acquire+release (ns per pair, best of 5 timeit runs)
  * contended throughput: 2 processes acquire+release one Lock for `seconds` (pairs per second)
  * Event ping-pong round trip between 2 processes (p50/p90/p99 in microseconds): parent sets
    "ping", child waits, clears it and sets "pong", parent waits and clears it.
Start method: fork (the Linux default up to Python 3.13).
"""
import multiprocessing as mp
import sys
import time
import timeit


def uncontended():
    lock = mp.Lock()
    n = 1_000_000
    best = min(timeit.repeat(lambda: (lock.acquire(), lock.release()), number=n, repeat=5))
    return best / n * 1e9


def _contend(lock, go, seconds, out):
    go.wait()
    end = time.perf_counter() + seconds
    n = 0
    acquire, release = lock.acquire, lock.release
    while time.perf_counter() < end:
        for _ in range(100):
            acquire()
            release()
        n += 100
    out.put(n)


def contended(seconds):
    lock, go, out = mp.Lock(), mp.Event(), mp.Queue()
    procs = [mp.Process(target=_contend, args=(lock, go, seconds, out)) for _ in range(2)]
    for p in procs:
        p.start()
    go.set()
    total = out.get() + out.get()
    for p in procs:
        p.join()
    return total / seconds


def _pong(ping, pong, n):
    for _ in range(n):
        ping.wait()
        ping.clear()
        pong.set()


def pingpong(round_trips):
    warmup = round_trips // 10
    ping, pong = mp.Event(), mp.Event()
    child = mp.Process(target=_pong, args=(ping, pong, warmup + round_trips))
    child.start()
    rtt = []
    for i in range(warmup + round_trips):
        t = time.perf_counter_ns()
        ping.set()
        pong.wait()
        pong.clear()
        if i >= warmup:
            rtt.append(time.perf_counter_ns() - t)
    child.join()
    rtt.sort()
    return [rtt[len(rtt) // 2] / 1e3, rtt[int(len(rtt) * 0.9)] / 1e3, rtt[int(len(rtt) * 0.99)] / 1e3]


if __name__ == "__main__":
    mp.set_start_method("fork")
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    round_trips = int(sys.argv[2]) if len(sys.argv) > 2 else 20_000
    print(f"python {sys.version.split()[0]}, CPUs: {mp.cpu_count()}")
    print(f"uncontended multiprocessing.Lock acquire+release: {uncontended():.1f} ns")
    print(f"contended 2 processes, multiprocessing.Lock: {contended(seconds):,.0f} acquire+release/s")
    p = pingpong(round_trips)
    print(f"event ping-pong RTT, multiprocessing.Event: p50 {p[0]:.1f} us, p90 {p[1]:.1f} us, "
          f"p99 {p[2]:.1f} us ({round_trips} round trips)")
