package dev.weft.examples;

import dev.weft.core.sync.Event;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Notebook section 3, threading: an {@link Event} that several platform threads wait on, set once
 * by the main thread.
 *
 * <p>Three worker threads block in {@link Event#await()} until the main thread calls
 * {@link Event#set()}, which wakes all of them at once; a fourth waits with a timeout that expires
 * first and reports it. The same {@code Event} class serves threads here and tasks in
 * {@link Example_10_Event}: there is no separate {@code threading} and {@code asyncio} version. The
 * Python original uses {@code threading.Event}:
 * <pre>{@code
 * event = threading.Event()
 *
 * def worker(n):
 *     print(f"Worker {n} waiting")
 *     event.wait()
 *     print(f"Worker {n} running")
 *
 * threads = [threading.Thread(target=worker, args=(n,)) for n in range(3)]
 * for t in threads: t.start()
 * event.set()
 * for t in threads: t.join()
 * }</pre>
 * The workers print in a fixed order here only because each one records its line and the main
 * thread prints them after {@code join}; the wake-ups themselves happen in parallel.
 *
 * <p>Run: {@code mvn -q -Prun-examples -pl examples -am package -DskipTests -Dexample=dev.weft.examples.Example_21_ThreadingEvent}
 */
public final class Example_21_ThreadingEvent {

    /** What {@link #run(PrintStream)} prints. */
    public static final String EXPECTED_OUTPUT = """
            3 workers waiting for the event
            Impatient worker gave up after 50 ms: event set = false
            Event set
            Worker 0 running
            Worker 1 running
            Worker 2 running
            """;

    private static final int WORKERS = 3;

    private Example_21_ThreadingEvent() {}

    public static void run(PrintStream out) throws InterruptedException {
        Event event = new Event();
        String[] lines = new String[WORKERS];
        CountDownLatch started = new CountDownLatch(WORKERS);
        List<Thread> threads = new ArrayList<>();
        for (int n = 0; n < WORKERS; n++) {
            int id = n;
            threads.add(Thread.ofPlatform().name("worker-" + n).start(() -> {
                started.countDown();
                try {
                    event.await();                           // Python: event.wait()
                    lines[id] = "Worker " + id + " running";
                } catch (InterruptedException e) {
                    lines[id] = "Worker " + id + " interrupted";
                }
            }));
        }
        started.await();
        while (event.waiterCount() < WORKERS) {
            Thread.onSpinWait();                             // every worker is now blocked in await()
        }
        out.println(WORKERS + " workers waiting for the event");

        boolean seen = event.await(Duration.ofMillis(50));   // Python: event.wait(timeout=0.05)
        out.println("Impatient worker gave up after 50 ms: event set = " + seen);

        event.set();                                         // wakes all three at once
        out.println("Event set");
        for (Thread t : threads) {
            t.join();
        }
        for (String line : lines) {
            out.println(line);
        }
    }

    public static void main(String[] args) throws InterruptedException {
        run(System.out);
    }
}
