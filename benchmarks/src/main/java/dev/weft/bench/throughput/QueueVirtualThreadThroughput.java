package dev.weft.bench.throughput;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/*
 * Throughput of the blocking forms on virtual threads: each invocation starts P producer and C
 * consumer virtual threads that move ITEMS elements through one queue with the untimed put and
 * take, and waits for them all. The score is elements moved per second
 * (@OperationsPerInvocation = ITEMS), thread start-up included (a few microseconds against
 * ITEMS elements). AsyncQueue.fifo(1024) against ArrayBlockingQueue(1024) and
 * LinkedTransferQueue in the same run.
 *
 * The 1P1C configuration is the same workload as benchmarks/python/asyncio_queue_bench.py (one
 * producer task, one consumer task, bounded 1024), for the Weft/Python ratio.
 *
 * Run (short settings):
 *   java -jar benchmarks/target/benchmarks.jar 'throughput.QueueVirtualThreadThroughput' -f 1 -wi 2 -w 1s -i 3 -r 1s
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class QueueVirtualThreadThroughput {

    /** Elements moved per invocation. */
    static final int ITEMS = 1_000_000;

    static final Integer ITEM = 42;

    @Param({"AsyncQueue", "ArrayBlockingQueue", "LinkedTransferQueue", "AsyncQueueUnbounded"})
    public String kind;

    /** Producers and consumers: "1x1" or "2x2". */
    @Param({"1x1", "2x2"})
    public String threads;

    int producers;
    int consumers;

    @Setup(Level.Trial)
    public void setUp() {
        String[] pc = threads.split("x");
        producers = Integer.parseInt(pc[0]);
        consumers = Integer.parseInt(pc[1]);
        if (ITEMS % producers != 0 || ITEMS % consumers != 0) {
            throw new IllegalArgumentException("ITEMS must divide evenly: " + threads);
        }
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public long moveItems() throws InterruptedException {
        QueueKind queue = QueueKind.create(kind); // fresh and empty each time
        List<Thread> all = new ArrayList<>(producers + consumers);
        long[] taken = new long[consumers];
        int perProducer = ITEMS / producers;
        int perConsumer = ITEMS / consumers;
        for (int c = 0; c < consumers; c++) {
            int index = c;
            all.add(Thread.ofVirtual().start(() -> {
                long n = 0;
                try {
                    for (int i = 0; i < perConsumer; i++) {
                        n += queue.take();
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                taken[index] = n;
            }));
        }
        for (int p = 0; p < producers; p++) {
            all.add(Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < perProducer; i++) {
                        queue.put(ITEM);
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (Thread t : all) {
            t.join();
        }
        long sum = 0;
        for (long n : taken) {
            sum += n;
        }
        if (sum != (long) ITEMS * ITEM) {
            throw new IllegalStateException("elements lost or duplicated: sum " + sum);
        }
        return sum;
    }
}
