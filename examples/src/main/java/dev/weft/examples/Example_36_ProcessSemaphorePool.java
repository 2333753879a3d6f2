package dev.weft.examples;

import dev.weft.core.sync.LockResult;
import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.lock.IpcLock;
import dev.weft.ipc.semaphore.IpcSemaphore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Notebook section 4 (multiprocessing), {@code multiprocessing.Semaphore}: a pool of worker
 * processes in which at most two use a scarce resource at once, and, unlike Python, a worker killed
 * while it holds a permit does not take the permit with it.
 *
 * <p>Five worker JVMs each take a permit of a two-permit {@link IpcSemaphore} three times, and
 * while they hold it count themselves in a shared file (under an {@code IpcLock}), recording the
 * most users seen at once. Then a worker takes a permit and is killed with {@code SIGKILL}: its
 * permit returns to the pool, and the acquire that takes it gets {@link LockResult#OWNER_DIED}.
 * The Python original:
 * <pre>{@code
 * from multiprocessing import Process, Semaphore
 *
 * def work(sem, i):
 *     for _ in range(3):
 *         with sem:
 *             use_device(i)
 *
 * if __name__ == "__main__":
 *     sem = Semaphore(2)
 *     workers = [Process(target=work, args=(sem, i)) for i in range(5)]
 *     for p in workers: p.start()
 *     for p in workers: p.join()
 *     # Python: a worker killed inside "with sem" never gives its permit back.
 * }</pre>
 *
 * <p>Run: {@code mvn -q -Prun-examples -pl examples -am package -DskipTests -Dexample=dev.weft.examples.Example_36_ProcessSemaphorePool}
 */
public final class Example_36_ProcessSemaphorePool {

    /** What {@link #run(PrintStream)} prints. */
    public static final String EXPECTED_OUTPUT = """
            5 worker processes x 3 turns on 2 permits: 15 turns, never more than 2 at once
            a worker holding a permit was killed (SIGKILL)
            acquiring both permits: OWNER_DIED (one came back from the dead worker)
            permits available after release: 2
            """;

    private static final int WORKERS = 5;
    private static final int TURNS = 3;
    private static final int PERMITS = 2;

    private Example_36_ProcessSemaphorePool() {}

    public static void run(PrintStream out) throws Exception {
        Path dir = Files.createTempDirectory("weft-example-35");
        Files.writeString(dir.resolve("users.txt"), "0 0 0"); // now, most at once, turns
        try (IpcDomain domain = IpcDomain.open(dir.resolve("domain"))) {
            IpcSemaphore device = domain.semaphore("device", PERMITS);
            List<ChildJvm> workers = new ArrayList<>();
            for (int i = 0; i < WORKERS; i++) {
                workers.add(ChildJvm.start(Example_36_ProcessSemaphorePool.class, "work", dir.toString()));
            }
            for (ChildJvm w : workers) {
                if (w.join() != 0) {
                    throw new IllegalStateException("a worker failed");
                }
            }
            String[] users = Files.readString(dir.resolve("users.txt")).trim().split(" ");
            int most = Integer.parseInt(users[1]);
            out.println(WORKERS + " worker processes x " + TURNS + " turns on " + PERMITS + " permits: " + users[2]
                    + " turns, " + (most <= PERMITS ? "never more than " + PERMITS + " at once" : "TOO MANY: " + most));

            try (ChildJvm doomed = ChildJvm.start(Example_36_ProcessSemaphorePool.class, "hold", dir.toString())) {
                doomed.readLine(); // "holding": it has a permit
                doomed.kill();
                out.println("a worker holding a permit was killed (SIGKILL)");
            }
            LockResult result = device.acquireForResult(PERMITS);
            out.println("acquiring both permits: " + result
                    + (result.ownerDied() ? " (one came back from the dead worker)" : ""));
            device.release(PERMITS);
            out.println("permits available after release: " + device.availablePermits());
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Worker process: {@code work DIR} takes its turns; {@code hold DIR} dies holding a permit. */
    private static void worker(String[] args) throws IOException, InterruptedException {
        Path dir = Path.of(args[1]);
        try (IpcDomain domain = IpcDomain.open(dir.resolve("domain"))) {
            IpcSemaphore device = domain.semaphore("device", PERMITS);
            IpcLock books = domain.lock("books");
            if (args[0].equals("work")) {
                for (int turn = 0; turn < TURNS; turn++) {
                    device.acquire();
                    try {
                        count(books, dir, +1);
                        count(books, dir, -1); // the device is used between the two
                    } finally {
                        device.release();
                    }
                }
            } else {
                device.acquire();
                System.out.println("holding");
                System.out.flush();
                Thread.sleep(Long.MAX_VALUE); // until killed
            }
        }
    }

    /** Adds {@code delta} to the number of users now, under the lock; records the most and the turns. */
    private static void count(IpcLock books, Path dir, int delta) throws IOException, InterruptedException {
        Path file = dir.resolve("users.txt");
        books.acquire();
        try {
            String[] v = Files.readString(file).trim().split(" ");
            int now = Integer.parseInt(v[0]) + delta;
            int most = Math.max(Integer.parseInt(v[1]), now);
            int turns = Integer.parseInt(v[2]) + (delta > 0 ? 1 : 0);
            Files.writeString(file, now + " " + most + " " + turns);
        } finally {
            books.release();
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            worker(args);
        } else {
            run(System.out);
        }
    }
}
