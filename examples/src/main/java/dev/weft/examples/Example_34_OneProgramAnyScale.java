package dev.weft.examples;

import dev.weft.core.queue.AsyncQueue;
import dev.weft.core.queue.JoinableQueue;
import dev.weft.core.queue.QueueShutDownException;
import dev.weft.core.queue.WorkQueue;
import dev.weft.core.sync.Event;
import dev.weft.core.sync.EventFlag;
import dev.weft.core.sync.ExclusiveLock;
import dev.weft.core.sync.Lock;
import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.queue.MessageCodec;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One program, any scale: a producer and its workers written once against Weft's contracts
 * ({@link JoinableQueue}, {@link WorkQueue}, {@link EventFlag}, {@link ExclusiveLock}), run first
 * with workers on threads of this JVM and then, unchanged, with workers in separate JVMs.
 *
 * <p>The producer puts the numbers 1 to 6 on a joinable "jobs" queue, sets a "go" event, reads the
 * answers from a "results" queue, and waits with {@code join()} until every job is marked done. Each worker
 * waits for "go", then gets jobs until the queue is shut down; for each number it puts a two-line
 * record on "results" ({@code n=...}, then {@code square=...}), holding a lock for the pair so that
 * another worker's lines cannot come between them, and marks the job done. The Python original has
 * the same shape with {@code multiprocessing.JoinableQueue}, {@code Queue}, {@code Event} and
 * {@code Lock} (and {@code asyncio}'s counterparts for the in-process run):
 * <pre>{@code
 * def worker(jobs, results, go, lock):
 *     go.wait()
 *     while True:
 *         n = jobs.get()
 *         with lock:
 *             results.put(f"n={n}")
 *             results.put(f"square={n * n}")
 *         jobs.task_done()
 * }</pre>
 * Only the factories differ between the two runs: {@code AsyncQueue.fifo(..)}, {@code new Event()}
 * and {@code new Lock()} for threads; {@code domain.joinableQueue(..)}, {@code domain.event(..)} and
 * {@code domain.lock(..)} of an {@link IpcDomain} for processes.
 *
 * <p>Run: {@code mvn -q -Prun-examples -pl examples -am package -DskipTests -Dexample=dev.weft.examples.Example_34_OneProgramAnyScale}
 */
public final class Example_34_OneProgramAnyScale {

    /** What {@link #run(PrintStream)} prints. */
    public static final String EXPECTED_OUTPUT = """
            between threads: squares 1 4 9 16 25 36, every record intact, jobs.join() returned
            between processes: squares 1 4 9 16 25 36, every record intact, jobs.join() returned
            """;

    private static final int JOBS = 6;   // all fit in the jobs queue: the workers start on "go"
    private static final int WORKERS = 2;

    private Example_34_OneProgramAnyScale() {}

    /** The producer: written against the contracts only. */
    static String produce(JoinableQueue<String> jobs, WorkQueue<String> results, EventFlag go)
            throws InterruptedException {
        for (int n = 1; n <= JOBS; n++) {
            jobs.put(Integer.toString(n));
        }
        go.set();
        TreeMap<Integer, Integer> squares = new TreeMap<>();
        for (int i = 0; i < JOBS; i++) {
            String first = results.get();
            String second = results.get();
            if (!first.startsWith("n=") || !second.startsWith("square=")) {
                throw new IllegalStateException("a record was torn: " + first + " / " + second);
            }
            squares.put(Integer.parseInt(first.substring(2)), Integer.parseInt(second.substring(7)));
        }
        jobs.join();                                   // every job was got and marked done
        jobs.shutdown();                               // the workers' get() ends their loops
        return "squares " + squares.values().stream().map(String::valueOf).collect(Collectors.joining(" "))
                + ", every record intact, jobs.join() returned";
    }

    /** A worker: written against the contracts only. */
    static void work(JoinableQueue<String> jobs, WorkQueue<String> results, EventFlag go, ExclusiveLock pairs)
            throws InterruptedException {
        go.await();
        while (true) {
            String job;
            try {
                job = jobs.get();
            } catch (QueueShutDownException finished) {
                return;
            }
            int n = Integer.parseInt(job);
            pairs.acquire();
            try {
                results.put("n=" + n);
                results.put("square=" + n * n);
            } finally {
                pairs.release();
            }
            jobs.taskDone();
        }
    }

    public static void run(PrintStream out) throws Exception {
        // Between threads.
        JoinableQueue<String> jobs = AsyncQueue.fifo(8);
        WorkQueue<String> results = AsyncQueue.fifo(4);
        EventFlag go = new Event();
        ExclusiveLock pairs = new Lock();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    work(jobs, results, go, pairs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        out.println("between threads: " + produce(jobs, results, go));
        for (Thread t : threads) {
            t.join();
        }

        // Between processes: the same two methods, on objects of a shared-memory domain.
        Path dir = Files.createTempDirectory("weft-example-34");
        try (IpcDomain domain = IpcDomain.open(dir)) {
            List<ChildJvm> workers = new ArrayList<>();
            try {
                for (int w = 0; w < WORKERS; w++) {
                    workers.add(ChildJvm.start(Example_34_OneProgramAnyScale.class, dir.toString()));
                }
                String line = produce(domain.joinableQueue("jobs", 8, 64).typed(MessageCodec.utf8()),
                        domain.queue("results", 4, 64).typed(MessageCodec.utf8()), domain.event("go"));
                out.println("between processes: " + line);
                for (ChildJvm w : workers) {
                    w.join();
                }
            } finally {
                for (ChildJvm w : workers) {
                    w.close();
                }
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Worker process: {@code DIR}. */
    private static void worker(Path dir) throws Exception {
        try (IpcDomain domain = IpcDomain.open(dir)) {
            work(domain.joinableQueue("jobs", 8, 64).typed(MessageCodec.utf8()),
                    domain.queue("results", 4, 64).typed(MessageCodec.utf8()),
                    domain.event("go"), domain.lock("pairs"));
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            worker(Path.of(args[0]));
        } else {
            run(System.out);
        }
    }
}
