package dev.weft.examples;

import dev.weft.core.sync.Barrier;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code asyncio.Barrier}: three workers prepare, wait for each other, then all go; then an
 * {@link Barrier#abort()} fails a waiting party.
 *
 * <p>Each worker records that it is ready and calls {@link Barrier#await()}; nobody passes before
 * all three are ready, and each gets its arrival index (0, 1, 2). Then one party waits
 * asynchronously on a fresh cycle and the barrier is aborted: its future fails with
 * {@link BrokenBarrierException}. The Python original:
 * <pre>{@code
 * barrier = asyncio.Barrier(3)
 *
 * async def worker():
 *     ready.append(1)
 *     index = await barrier.wait()
 *     assert len(ready) == 3
 *     return index
 *
 * print(sorted(await asyncio.gather(*(worker() for _ in range(3)))))
 * }</pre>
 *
 * <p>Run: {@code mvn -q -Prun-examples -pl examples -am package -DskipTests -Dexample=dev.weft.examples.Example_24_Barrier}
 */
public final class Example_24_Barrier {

    /** What {@link #run(PrintStream)} prints. */
    public static final String EXPECTED_OUTPUT = """
            Arrival indexes: [0, 1, 2]
            Every worker saw all 3 ready when it passed: true
            After abort: BrokenBarrierException: Barrier aborted while waiting
            Broken: true; after reset: false
            """;

    private Example_24_Barrier() {}

    public static void run(PrintStream out) throws Exception {
        Barrier barrier = new Barrier(3);
        AtomicInteger ready = new AtomicInteger();
        AtomicInteger sawAllReady = new AtomicInteger();
        TreeSet<Integer> indexes = new TreeSet<>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> workers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                workers.add(executor.submit(() -> {
                    ready.incrementAndGet();            // "prepare"
                    int index = barrier.await();
                    if (ready.get() == 3) {
                        sawAllReady.incrementAndGet();
                    }
                    return index;
                }));
            }
            for (Future<Integer> w : workers) {
                indexes.add(w.get());
            }
        }
        out.println("Arrival indexes: " + indexes);
        out.println("Every worker saw all 3 ready when it passed: " + (sawAllReady.get() == 3));

        CompletableFuture<Integer> waiting = barrier.awaitAsync();
        barrier.abort();
        try {
            waiting.join();
        } catch (java.util.concurrent.CompletionException e) {
            out.println("After abort: " + e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage());
        }
        boolean broken = barrier.isBroken();
        barrier.reset();
        out.println("Broken: " + broken + "; after reset: " + barrier.isBroken());
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
