package dev.weft.examples;

import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.lock.IpcLock;
import dev.weft.core.sync.LockResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Notebook section 4 (multiprocessing), {@code multiprocessing.Lock}: separate processes take turns
 * on a shared resource, and, unlike Python, a process killed while holding the lock does not block
 * the others forever.
 *
 * <p>Four worker JVMs each add 1 to a number kept in a text file, 200 times, under an
 * {@link IpcLock}; without the lock, read-modify-write races would lose updates. Then a worker
 * takes the lock and is killed with {@code SIGKILL} while holding it: the next acquirer gets
 * {@link LockResult#OWNER_DIED} and can repair the file. The Python original:
 * <pre>{@code
 * from multiprocessing import Process, Lock
 *
 * def add(lock, path, n):
 *     for _ in range(n):
 *         with lock:
 *             with open(path) as f: value = int(f.read())
 *             with open(path, "w") as f: f.write(str(value + 1))
 *
 * if __name__ == "__main__":
 *     lock = Lock()
 *     open("counter.txt", "w").write("0")
 *     workers = [Process(target=add, args=(lock, "counter.txt", 200)) for _ in range(4)]
 *     for p in workers: p.start()
 *     for p in workers: p.join()
 *     print("counter =", open("counter.txt").read())
 *     # Python: if a worker is killed inside "with lock", every other acquire() blocks forever.
 * }</pre>
 *
 * <p>Run: {@code mvn -q -Prun-examples -pl examples -am package -DskipTests -Dexample=dev.weft.examples.Example_30_ProcessLock}
 */
public final class Example_30_ProcessLock {

    /** What {@link #run(PrintStream)} prints. */
    public static final String EXPECTED_OUTPUT = """
            4 worker processes x 200 locked increments: counter = 800
            a worker holding the lock was killed (SIGKILL)
            next acquire: OWNER_DIED -> repairing the counter file
            counter after repair = 800
            """;

    private static final int WORKERS = 4;
    private static final int INCREMENTS = 200;

    private Example_30_ProcessLock() {}

    public static void run(PrintStream out) throws Exception {
        Path dir = Files.createTempDirectory("weft-example-30");
        Path counter = dir.resolve("counter.txt");
        Files.writeString(counter, "0");
        try (IpcDomain domain = IpcDomain.open(dir.resolve("domain"))) {
            List<ChildJvm> workers = new ArrayList<>();
            for (int i = 0; i < WORKERS; i++) {
                workers.add(ChildJvm.start(Example_30_ProcessLock.class, "add", dir.toString(), Integer.toString(INCREMENTS)));
            }
            for (ChildJvm w : workers) {
                if (w.join() != 0) {
                    throw new IllegalStateException("a worker failed");
                }
            }
            out.println(WORKERS + " worker processes x " + INCREMENTS + " locked increments: counter = "
                    + Files.readString(counter));

            try (ChildJvm doomed = ChildJvm.start(Example_30_ProcessLock.class, "hold", dir.toString())) {
                doomed.readLine(); // "holding": it has the lock and has half-written the file
                doomed.kill();
                out.println("a worker holding the lock was killed (SIGKILL)");
            }
            IpcLock lock = domain.lock("counter");
            LockResult result = lock.acquireForResult();
            try {
                if (result.ownerDied()) {
                    out.println("next acquire: " + result + " -> repairing the counter file");
                    Files.writeString(counter, Files.readString(counter).replace("?", ""));
                }
                out.println("counter after repair = " + Files.readString(counter));
            } finally {
                lock.release();
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Worker process: {@code add DIR N} adds N times under the lock; {@code hold DIR} dies holding it. */
    private static void worker(String[] args) throws IOException, InterruptedException {
        Path dir = Path.of(args[1]);
        Path counter = dir.resolve("counter.txt");
        try (IpcDomain domain = IpcDomain.open(dir.resolve("domain"))) {
            IpcLock lock = domain.lock("counter");
            if (args[0].equals("add")) {
                for (int i = 0; i < Integer.parseInt(args[2]); i++) {
                    lock.acquire();
                    try {
                        int value = Integer.parseInt(Files.readString(counter, StandardCharsets.UTF_8).trim());
                        Files.writeString(counter, Integer.toString(value + 1), StandardCharsets.UTF_8);
                    } finally {
                        lock.release();
                    }
                }
            } else {
                lock.acquire();
                Files.writeString(counter, Files.readString(counter) + "?"); // an update left half done
                System.out.println("holding");
                System.out.flush();
                Thread.sleep(Long.MAX_VALUE); // until killed
            }
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
