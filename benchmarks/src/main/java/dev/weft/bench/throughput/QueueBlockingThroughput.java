package dev.weft.bench.throughput;

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
 * Throughput of the blocking forms on platform threads (the JMH worker threads): producers put,
 * consumers take, through one queue per group. AsyncQueue.fifo(1024) against ArrayBlockingQueue(1024)
 * and LinkedTransferQueue (unbounded) in the same run.
 *
 * The operations are the timed blocking forms (AsyncQueue.offer(e, t, u) / poll(t, u), ABQ offer(e, t, u)
 * / poll(t, u), LTQ offer / poll(t, u)) with a 1 ms limit: an untimed take would never return once the
 * producers stop at the end of an iteration, and the timed forms take the same park/unpark path as the
 * untimed ones. Timeouts are counted in the aux counters putTimeouts/takeTimeouts (they should be
 * negligible). The score of the "take" method is the number of elements moved per second.
 *
 * Run (all, short settings):
 *   java -jar benchmarks/target/benchmarks.jar 'throughput.QueueBlockingThroughput' -f 1 -wi 2 -w 1s -i 3 -r 1s
 * One group:
 *   java -jar benchmarks/target/benchmarks.jar 'QueueBlockingThroughput.p1c1' -p kind=AsyncQueue
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Group)
public class QueueBlockingThroughput {

    /** How long a put or take waits before it returns to let JMH end the iteration. */
    static final long WAIT_LIMIT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    static final Integer ITEM = 42;

    @Param({"AsyncQueue", "ArrayBlockingQueue", "LinkedTransferQueue", "AsyncQueueUnbounded"})
    public String kind;

    QueueKind queue;

    @Setup(Level.Trial)
    public void setUp() {
        queue = QueueKind.create(kind);
    }

    /** Per-thread count of operations that timed out. */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class Timeouts {
        public long putTimeouts;
        public long takeTimeouts;
    }

    private boolean put(Timeouts t) throws InterruptedException {
        boolean ok = queue.put(ITEM, WAIT_LIMIT_NANOS);
        if (!ok) {
            t.putTimeouts++;
        }
        return ok;
    }

    private Integer take(Timeouts t) throws InterruptedException {
        Integer x = queue.take(WAIT_LIMIT_NANOS);
        if (x == null) {
            t.takeTimeouts++;
        }
        return x;
    }

    @Benchmark
    @Group("p1c1")
    @GroupThreads(1)
    public boolean p1c1_put(Timeouts t) throws InterruptedException {
        return put(t);
    }

    @Benchmark
    @Group("p1c1")
    @GroupThreads(1)
    public Integer p1c1_take(Timeouts t) throws InterruptedException {
        return take(t);
    }

    @Benchmark
    @Group("p2c2")
    @GroupThreads(2)
    public boolean p2c2_put(Timeouts t) throws InterruptedException {
        return put(t);
    }

    @Benchmark
    @Group("p2c2")
    @GroupThreads(2)
    public Integer p2c2_take(Timeouts t) throws InterruptedException {
        return take(t);
    }
}
