#!/usr/bin/env python3
"""Python multiprocessing.Queue counterparts of the Weft queue benchmarks (dev.weft.bench.ipc.queue.QueueBench).

Usage: python3 benchmarks/python/mp_queue_bench.py [messages] [round_trips] [runs]

Prints, in the same units as the Java harness:
  * throughput of 64-byte messages, 1P1C, 4P1C, 1P4C, and of 4 KiB messages, 1P1C (messages per second
    over all producers, median of `runs`): producer and consumer processes are started, then released
    together by an Event; the time runs until every consumer has received its poison pill (None), sent
    after every producer finished;
  * round trip of a 64-byte message between two processes over two queues (p50/p90/p99/p99.9 in
    microseconds).
Messages are bytes objects (pickled by the queue's feeder thread). Start method: fork.
"""
import multiprocessing as mp
import statistics
import sys
import time


def _produce(q, go, n, size, done):
    payload = bytes(size)
    go.wait()
    put = q.put
    for _ in range(n):
        put(payload)
    # put() returns before the feeder thread has written the message: flush before reporting done,
    # or the parent's poison pills can overtake the last messages.
    q.close()
    q.join_thread()
    done.put(True)


def _consume(q, go, counts):
    go.wait()
    get = q.get
    n = 0
    while get() is not None:
        n += 1
    counts.put(n)


def throughput(producers, consumers, size, per_producer):
    q = mp.Queue(1024)
    go, done, counts = mp.Event(), mp.Queue(), mp.Queue()
    procs = [mp.Process(target=_consume, args=(q, go, counts)) for _ in range(consumers)]
    procs += [mp.Process(target=_produce, args=(q, go, per_producer, size, done)) for _ in range(producers)]
    for p in procs:
        p.start()
    time.sleep(0.5)  # let every process reach go.wait(); the measurement starts at go.set()
    start = time.perf_counter()
    go.set()
    for _ in range(producers):
        done.get()
    for _ in range(consumers):
        q.put(None)
    total = sum(counts.get() for _ in range(consumers))
    elapsed = time.perf_counter() - start
    for p in procs:
        p.join()
    assert total == producers * per_producer, (total, producers * per_producer)
    return total / elapsed


def _echo(ping, pong):
    get, put = ping.get, pong.put
    while True:
        m = get()
        if m is None:
            return
        put(m)


def round_trip(n, warmup):
    ping, pong = mp.Queue(), mp.Queue()
    p = mp.Process(target=_echo, args=(ping, pong))
    p.start()
    payload = bytes(64)
    rtt = []
    for i in range(warmup + n):
        t0 = time.perf_counter_ns()
        ping.put(payload)
        pong.get()
        if i >= warmup:
            rtt.append(time.perf_counter_ns() - t0)
    ping.put(None)
    p.join()
    rtt.sort()

    def pct(q):
        return rtt[min(len(rtt) - 1, max(0, int(-(-q * len(rtt) // 100)) - 1))] / 1000

    return pct(50), pct(90), pct(99), pct(99.9)


def median(runs, f, *args):
    return statistics.median(f(*args) for _ in range(runs))


def main():
    messages = int(sys.argv[1]) if len(sys.argv) > 1 else 400_000
    round_trips = int(sys.argv[2]) if len(sys.argv) > 2 else 20_000
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    mp.set_start_method("fork")
    print(f"Python {sys.version.split()[0]}, CPUs: {mp.cpu_count()}; {messages:,} messages per throughput run, "
          f"median of {runs}; {round_trips:,} round trips after {round_trips // 4:,} warm-up")
    r1 = median(runs, throughput, 1, 1, 64, messages)
    r2 = median(runs, throughput, 4, 1, 64, messages // 4)
    r3 = median(runs, throughput, 1, 4, 64, messages)
    r4 = median(runs, throughput, 1, 1, 4096, messages // 10)
    p50, p90, p99, p999 = round_trip(round_trips, round_trips // 4)
    print("| python mp.Queue | {:,.0f} | {:,.0f} | {:,.0f} | {:,.0f} | {:.2f} / {:.2f} / {:.2f} / {:.2f} |".format(
        r1, r2, r3, r4, p50, p90, p99, p999))


if __name__ == "__main__":
    main()
