package dev.weft.bench.latency;

import dev.weft.core.queue.AsyncQueue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * The cost of one insert plus one remove in a single thread, with no contention and no waiting:
 * the fixed price every operation pays (lock acquisition, bookkeeping, atomics). Unlike the
 * multi-threaded benchmarks it hardly depends on scheduling, so it stays comparable on a machine
 * shared with other work. The queue holds `depth` elements throughout (so the ring wraps and a
 * get never finds it empty).
 *
 * Forms: immediate (offer/poll), blocking (put/get, never blocking here), async (putAsync/getAsync,
 * completed at once). Baselines: ArrayBlockingQueue offer/poll and put/take, LinkedTransferQueue
 * offer/poll (unbounded).
 *
 * Allocation: add -prof gc; the immediate and blocking forms should show ~0 B/op
 * (gc.alloc.rate.norm); the async form allocates its two CompletableFutures.
 *
 * Run (short settings):
 *   java -jar benchmarks/target/benchmarks.jar 'latency.QueueUncontendedCost' -f 1 -wi 2 -w 1s -i 3 -r 1s
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class QueueUncontendedCost {

    static final Integer ITEM = 42;

    /** Elements kept in the queue. */
    @Param({"16"})
    public int depth;

    AsyncQueue<Integer> weft;
    ArrayBlockingQueue<Integer> abq;
    LinkedTransferQueue<Integer> ltq;

    @Setup(Level.Trial)
    public void setUp() {
        weft = AsyncQueue.fifo(1024);
        abq = new ArrayBlockingQueue<>(1024);
        ltq = new LinkedTransferQueue<>();
        for (int i = 0; i < depth; i++) {
            weft.offer(ITEM);
            abq.offer(ITEM);
            ltq.offer(ITEM);
        }
    }

    @Benchmark
    public Integer asyncQueue_offerPoll() {
        weft.offer(ITEM);
        return weft.poll();
    }

    @Benchmark
    public Integer asyncQueue_putGet() throws InterruptedException {
        weft.put(ITEM);
        return weft.get();
    }

    @Benchmark
    public Integer asyncQueue_putAsyncGetAsync() {
        weft.putAsync(ITEM);
        return weft.getAsync().join();
    }

    @Benchmark
    public Integer arrayBlockingQueue_offerPoll() {
        abq.offer(ITEM);
        return abq.poll();
    }

    @Benchmark
    public Integer arrayBlockingQueue_putTake() throws InterruptedException {
        abq.put(ITEM);
        return abq.take();
    }

    @Benchmark
    public Integer linkedTransferQueue_offerPoll() {
        ltq.offer(ITEM);
        return ltq.poll();
    }
}
