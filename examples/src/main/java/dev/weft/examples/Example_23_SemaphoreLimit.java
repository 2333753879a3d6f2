package dev.weft.examples;

import dev.weft.core.Weft;
import dev.weft.core.sync.Semaphore;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code asyncio.Semaphore}: at most two "downloads" at a time, from virtual threads and from
 * {@code CompletableFuture} pipelines sharing one {@link Semaphore}.
 *
 * <p>Six virtual threads call the blocking {@link Semaphore#acquire()}; six pipelines call
 * {@link Semaphore#acquireAsync()} and hold no thread while they wait. Each download takes
 * 20 ms. The semaphore admits two at a time, in arrival order. The Python original:
 * <pre>{@code
 * sem = asyncio.Semaphore(2)
 *
 * async def download(i):
 *     async with sem:
 *         await asyncio.sleep(0.02)
 *
 * await asyncio.gather(*(download(i) for i in range(12)))
 * }</pre>
 *
 * <p>Run: {@code mvn -q -Prun-examples -pl examples -am package -DskipTests -Dexample=dev.weft.examples.Example_23_SemaphoreLimit}
 */
public final class Example_23_SemaphoreLimit {

    /** What {@link #run(PrintStream)} prints. */
    public static final String EXPECTED_OUTPUT = """
            12 downloads finished, never more than 2 at a time: true
            Permits available afterwards: 2
            """;

    private Example_23_SemaphoreLimit() {}

    public static void run(PrintStream out) throws Exception {
        Semaphore sem = new Semaphore(2);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        Runnable download = () -> {
            peak.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Weft.sleep(Duration.ofMillis(20));   // imitates the transfer
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                running.decrementAndGet();
                finished.incrementAndGet();
            }
        };

        List<CompletableFuture<?>> pipelines = new ArrayList<>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 6; i++) {
                executor.submit(() -> {
                    sem.acquire();                   // blocking form, on a virtual thread
                    try {
                        download.run();
                    } finally {
                        sem.release();
                    }
                    return null;
                });
                pipelines.add(sem.acquireAsync()     // asynchronous form: no thread waits
                        .thenRunAsync(() -> {
                            try {
                                download.run();
                            } finally {
                                sem.release();
                            }
                        }, executor));
            }
            CompletableFuture.allOf(pipelines.toArray(CompletableFuture[]::new)).join();
        }   // closing the executor waits for the virtual threads

        out.println(finished.get() + " downloads finished, never more than 2 at a time: " + (peak.get() <= 2));
        out.println("Permits available afterwards: " + sem.availablePermits());
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
