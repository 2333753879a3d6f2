package dev.weft.examples;

import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.queue.IpcJoinableQueue;
import dev.weft.ipc.queue.IpcQueue;
import dev.weft.ipc.queue.MessageCodec;
import dev.weft.core.queue.QueueShutDownException;
import dev.weft.ipc.queue.TypedQueue;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Notebook section 4 (multiprocessing): a pool of worker processes fed by a
 * {@code JoinableQueue}, which keeps working when a worker is killed in the middle of a task.
 *
 * <p>Three worker JVMs take numbers from a joinable "tasks" queue and put their squares on a
 * "results" queue. The worker that takes task 7 hangs (standing in for a crash or a stuck job), and
 * the parent kills it with {@code SIGKILL}. With Python's queues that is fatal: the docs warn that a
 * queue used by a killed process "is liable to become corrupted", and {@code join()} waits forever
 * for the dead worker's {@code task_done()}. Here the queues stay consistent (a kill at any
 * instruction leaves nothing half-done for the others), the other workers carry on, the dead
 * worker's unfinished task is written off instead of blocking {@link IpcJoinableQueue#join()}, and
 * the parent resubmits task 7, which the pool knows the dead worker held. The Python original:
 * <pre>{@code
 * from multiprocessing import Process, JoinableQueue, Queue
 *
 * def worker(tasks, results):
 *     while True:
 *         n = tasks.get()
 *         results.put((n, n * n))
 *         tasks.task_done()
 *
 * if __name__ == "__main__":
 *     tasks, results = JoinableQueue(), Queue()
 *     workers = [Process(target=worker, args=(tasks, results), daemon=True) for _ in range(3)]
 *     for w in workers: w.start()
 *     for n in range(1, 13): tasks.put(n)
 *     workers[1].kill()      # a worker dies mid-task
 *     tasks.join()           # Python: blocks forever, the dead worker never calls task_done()
 *     print(sorted(results.get() for _ in range(12)))
 * }</pre>
 * Which worker takes which task varies from run to run; the parent prints results sorted, so the
 * output is deterministic.
 *
 * <p>Run: {@code mvn -q -Prun-examples -pl examples -am package -DskipTests -Dexample=dev.weft.examples.Example_33_WorkPoolSurvivesKilledWorker}
 */
public final class Example_33_WorkPoolSurvivesKilledWorker {

    /** What {@link #run(PrintStream)} prints. */
    public static final String EXPECTED_OUTPUT = """
            3 worker processes started; 12 tasks submitted
            a worker took task 7 and hung: killed it with SIGKILL
            parent: resubmitted task 7
            parent: tasks.join() returned
            results: 1 4 9 16 25 36 49 64 81 100 121 144
            tasks queue: 0 unfinished tasks
            2 surviving workers exited after the shutdown
            """;

    private static final int WORKERS = 3;
    private static final int TASKS = 12;
    private static final String HANGING_TASK = "7";

    private Example_33_WorkPoolSurvivesKilledWorker() {}

    private static IpcJoinableQueue tasks(IpcDomain domain) throws IOException {
        return domain.joinableQueue("tasks", 16, 64);
    }

    private static IpcQueue results(IpcDomain domain) throws IOException {
        return domain.queue("results", 16, 64);
    }

    public static void run(PrintStream out) throws Exception {
        Path dir = Files.createTempDirectory("weft-example-33");
        try (IpcDomain domain = IpcDomain.open(dir)) {
            IpcJoinableQueue tasksRaw = tasks(domain);
            TypedQueue<String> tasks = tasksRaw.typed(MessageCodec.utf8());
            TypedQueue<String> results = results(domain).typed(MessageCodec.utf8());
            List<ChildJvm> workers = new ArrayList<>();
            BlockingQueue<String> events = new LinkedBlockingQueue<>(); // "<worker> <line>" from all workers
            List<CountDownLatch> exited = new ArrayList<>();
            try {
                for (int w = 0; w < WORKERS; w++) {
                    ChildJvm worker = ChildJvm.start(Example_33_WorkPoolSurvivesKilledWorker.class, "worker", dir.toString());
                    workers.add(worker);
                    CountDownLatch done = new CountDownLatch(1);
                    exited.add(done);
                    int id = w;
                    Thread.ofPlatform().daemon().start(() -> relay(worker, id, events, done));
                }
                for (int w = 0; w < WORKERS; w++) {
                    events.take(); // "<w> READY"
                }
                for (int n = 1; n <= TASKS; n++) {
                    tasks.put(Integer.toString(n));
                }
                out.println(WORKERS + " worker processes started; " + TASKS + " tasks submitted");
                String event;
                while (!(event = events.take()).endsWith(" HUNG " + HANGING_TASK)) {
                    // other lines: none are printed before this one
                }
                int hung = Integer.parseInt(event.substring(0, event.indexOf(' ')));
                workers.get(hung).kill();
                out.println("a worker took task " + HANGING_TASK + " and hung: killed it with SIGKILL");
                tasks.put(HANGING_TASK + " retry");
                out.println("parent: resubmitted task " + HANGING_TASK);
                tasksRaw.join();
                out.println("parent: tasks.join() returned");
                TreeMap<Integer, Integer> squares = new TreeMap<>();
                for (int i = 0; i < TASKS; i++) {
                    String[] r = results.get().split(" ");
                    squares.put(Integer.parseInt(r[0]), Integer.parseInt(r[1]));
                }
                out.println("results: " + squares.values().stream().map(String::valueOf).collect(Collectors.joining(" ")));
                out.println("tasks queue: " + tasksRaw.unfinishedTasks() + " unfinished tasks");
                tasksRaw.shutdown();
                int survivors = 0;
                for (int w = 0; w < WORKERS; w++) {
                    if (w != hung) {
                        exited.get(w).await();
                        workers.get(w).join();
                        survivors++;
                    }
                }
                out.println(survivors + " surviving workers exited after the shutdown");
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

    /** Copies a worker's lines into {@code events}, prefixed with its number, until it exits. */
    private static void relay(ChildJvm worker, int id, BlockingQueue<String> events, CountDownLatch exited) {
        try {
            while (true) {
                events.add(id + " " + worker.readLine());
            }
        } catch (IOException end) {
            exited.countDown(); // the worker exited (or was killed)
        }
    }

    /** Worker process: squares tasks until the queue is shut down; hangs on the first attempt at task 7. */
    private static void worker(Path dir) throws Exception {
        try (IpcDomain domain = IpcDomain.open(dir)) {
            IpcJoinableQueue tasksRaw = tasks(domain);
            TypedQueue<String> tasks = tasksRaw.typed(MessageCodec.utf8());
            TypedQueue<String> results = results(domain).typed(MessageCodec.utf8());
            System.out.println("READY");
            System.out.flush();
            while (true) {
                String task;
                try {
                    task = tasks.get();
                } catch (QueueShutDownException e) {
                    return;
                }
                if (task.equals(HANGING_TASK)) {
                    System.out.println("HUNG " + task);
                    System.out.flush();
                    new CountDownLatch(1).await(); // a stuck job: the parent kills this process
                }
                int n = Integer.parseInt(task.split(" ")[0]);
                results.put(n + " " + n * n);
                tasksRaw.taskDone();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            run(System.out);
        } else {
            worker(Path.of(args[1]));
        }
    }
}
