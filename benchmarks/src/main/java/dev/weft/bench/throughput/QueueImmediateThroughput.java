package dev.weft.bench.throughput;

import dev.weft.core.queue.AsyncQueue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/*
 * Throughput of the immediate forms: producers offer, consumers poll, and neither ever waits
 * (AsyncQueue.offer / poll against ArrayBlockingQueue.offer / poll, both bounded at 1024).
 * LinkedTransferQueue is left out here: it is unbounded, so its offer never fails and a producer
 * that outruns the consumer would grow it without limit.
 *
 * Each call counts as one operation, failed or not; the aux counters split them into successful
 * ones (offered / polled: the elements moved) and failed ones (offerFailed: queue full,
 * pollFailed: queue empty). Compare the "polled" rates.
 *
 * backoff=none is the plain spinning loop. On a machine with fewer free cores than threads, a
 * thread that finds the queue full (or empty) spins until the scheduler runs the other side, so
 * the successful rate then measures time-slice switches more than the queue. backoff=yield calls
 * Thread.yield() after each failed call, which hands the processor to the other side.
 *
 * Allocation (goal: none per element): add -prof gc and read gc.alloc.rate.norm (bytes per op).
 *
 * Run (short settings):
 *   java -jar benchmarks/target/benchmarks.jar 'throughput.QueueImmediateThroughput' -f 1 -wi 2 -w 1s -i 3 -r 1s
 *   java -jar benchmarks/target/benchmarks.jar 'throughput.QueueImmediateThroughput' -f 1 -wi 2 -w 1s -i 3 -r 1s -prof gc
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Group)
public class QueueImmediateThroughput {

    static final Integer ITEM = 42;

    @Param({"AsyncQueue", "ArrayBlockingQueue"})
    public String kind;

    /** What a thread does after a failed offer or poll: "none" (spin) or "yield". */
    @Param({"none", "yield"})
    public String backoff;

    AsyncQueue<Integer> weft;
    ArrayBlockingQueue<Integer> abq;
    boolean isWeft;
    boolean yield;

    @Setup(Level.Trial)
    public void setUp() {
        isWeft = kind.equals("AsyncQueue");
        yield = switch (backoff) {
            case "none" -> false;
            case "yield" -> true;
            default -> throw new IllegalArgumentException("unknown backoff: " + backoff);
        };
        if (isWeft) {
            weft = AsyncQueue.fifo(QueueKind.CAPACITY);
        } else if (kind.equals("ArrayBlockingQueue")) {
            abq = new ArrayBlockingQueue<>(QueueKind.CAPACITY);
        } else {
            throw new IllegalArgumentException("unknown queue kind: " + kind);
        }
    }

    /** Per-thread counts of successful and failed calls. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Counts {
        public long offered;
        public long offerFailed;
        public long polled;
        public long pollFailed;
    }

    private boolean offer(Counts c) {
        boolean ok = isWeft ? weft.offer(ITEM) : abq.offer(ITEM);
        if (ok) {
            c.offered++;
        } else {
            c.offerFailed++;
            if (yield) {
                Thread.yield();
            }
        }
        return ok;
    }

    private Integer poll(Counts c) {
        Integer x = isWeft ? weft.poll() : abq.poll();
        if (x != null) {
            c.polled++;
        } else {
            c.pollFailed++;
            if (yield) {
                Thread.yield();
            }
        }
        return x;
    }

    @Benchmark
    @Group("p1c1")
    @GroupThreads(1)
    public boolean p1c1_offer(Counts c) {
        return offer(c);
    }

    @Benchmark
    @Group("p1c1")
    @GroupThreads(1)
    public Integer p1c1_poll(Counts c) {
        return poll(c);
    }

    @Benchmark
    @Group("p2c2")
    @GroupThreads(2)
    public boolean p2c2_offer(Counts c) {
        return offer(c);
    }

    @Benchmark
    @Group("p2c2")
    @GroupThreads(2)
    public Integer p2c2_poll(Counts c) {
        return poll(c);
    }
}
