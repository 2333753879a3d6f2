package dev.weft.examples;

import dev.weft.core.sync.Lock;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Notebook section 3, threading: a {@link Lock} shared by threads that update one counter.
 *
 * <p>Five platform threads add 100,000 each to a shared counter, each increment inside the lock,
 * so no update is lost; then the same lock serves five {@code CompletableFuture} pipelines that
 * never block a thread while they wait for it ({@link Lock#acquireAsync()}). The Python original
 * uses {@code threading.Lock}:
 * <pre>{@code
 * counter = 0
 * lock = threading.Lock()
 *
 * def increment():
 *     global counter
 *     for _ in range(100_000):
 *         with lock:
 *             counter += 1
 *
 * threads = [threading.Thread(target=increment) for _ in range(5)]
 * for t in threads: t.start()
 * for t in threads: t.join()
 * print(f"Final counter value: {counter}")
 * }</pre>
 * In Java, {@code counter++} on a shared field is a read, an add and a write that two threads can
 * interleave, exactly as in Python; unlike Python, the threads really run at the same time (there
 * is no GIL), so without the lock updates are lost on every multi-core machine.
 *
 * <p>Run: {@code mvn -q -Prun-examples -pl examples -am package -DskipTests -Dexample=dev.weft.examples.Example_20_ThreadingLock}
 */
public final class Example_20_ThreadingLock {

    /** What {@link #run(PrintStream)} prints. */
    public static final String EXPECTED_OUTPUT = """
            Final counter value: 500000
            After 5 asynchronous pipelines: 500005
            """;

    private static final int THREADS = 5;
    private static final int INCREMENTS = 100_000;

    private static long counter;

    private Example_20_ThreadingLock() {}

    public static void run(PrintStream out) throws InterruptedException {
        counter = 0;
        Lock lock = new Lock();

        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            threads.add(new Thread(() -> {
                for (int i = 0; i < INCREMENTS; i++) {
                    lock.acquireUninterruptibly();   // Python: with lock:
                    try {
                        counter++;
                    } finally {
                        lock.release();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        out.println("Final counter value: " + counter);

        // The same lock from asynchronous code: each pipeline waits for the lock without a thread.
        List<CompletableFuture<?>> pipelines = new ArrayList<>();
        lock.acquireUninterruptibly();   // hold it, so that the pipelines really queue
        for (int p = 0; p < THREADS; p++) {
            pipelines.add(lock.acquireAsync().thenRun(() -> {
                try {
                    counter++;
                } finally {
                    lock.release();
                }
            }));
        }
        lock.release();                  // hands the lock to the first pipeline, and so on
        CompletableFuture.allOf(pipelines.toArray(CompletableFuture[]::new)).join();
        out.println("After " + THREADS + " asynchronous pipelines: " + counter);
    }

    public static void main(String[] args) throws InterruptedException {
        run(System.out);
    }
}
