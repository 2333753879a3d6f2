package dev.weft.examples;

import dev.weft.core.sync.LockResult;
import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.lock.IpcRLock;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Notebook section 4 (multiprocessing), {@code multiprocessing.RLock}: worker processes whose
 * nested helpers each take the same re-entrant lock, and, unlike Python, a worker killed while it
 * holds the lock (even twice over) does not leave it locked forever.
 *
 * <p>Three worker JVMs each make ten transfers between two accounts kept in a shared file. A
 * transfer holds the {@link IpcRLock} and calls {@code debit} and {@code credit}, which take it
 * again (hold count 2), so the two steps form one atomic change: every worker checks, under the
 * lock, that the accounts still add up to 1000. Then a worker takes the lock twice and is killed
 * with {@code SIGKILL}: the next acquire takes the lock over and is told
 * ({@link LockResult#OWNER_DIED}), whatever the dead worker's hold count was. The Python original:
 * <pre>{@code
 * from multiprocessing import Array, Process, RLock
 *
 * def debit(lock, ledger, n):
 *     with lock:                       # taken again by the same process: re-entrant
 *         ledger[0] -= n
 *
 * def credit(lock, ledger, n):
 *     with lock:
 *         ledger[1] += n
 *
 * def transfer(lock, ledger, n):
 *     with lock:
 *         assert ledger[0] + ledger[1] == 1000
 *         debit(lock, ledger, n)
 *         credit(lock, ledger, n)
 *
 * def work(lock, ledger):
 *     for _ in range(10):
 *         transfer(lock, ledger, 5)
 *
 * if __name__ == "__main__":
 *     lock, ledger = RLock(), Array('i', [1000, 0], lock=False)
 *     workers = [Process(target=work, args=(lock, ledger)) for _ in range(3)]
 *     for p in workers: p.start()
 *     for p in workers: p.join()
 *     # Python: a worker killed inside "with lock" leaves it locked; the others block forever.
 * }</pre>
 *
 * <p>Run: {@code mvn -q -Prun-examples -pl examples -am package -DskipTests -Dexample=dev.weft.examples.Example_39_ProcessRLock}
 */
public final class Example_39_ProcessRLock {

    /** What {@link #run(PrintStream)} prints. */
    public static final String EXPECTED_OUTPUT = """
            worker 0: 10 transfers, hold count 2 inside debit and credit, total always 1000
            worker 1: 10 transfers, hold count 2 inside debit and credit, total always 1000
            worker 2: 10 transfers, hold count 2 inside debit and credit, total always 1000
            ledger after 30 transfers of 5: a=850 b=150
            a worker holding the lock twice was killed (SIGKILL)
            acquireForResult(): OWNER_DIED, hold count here 1
            """;

    private static final int WORKERS = 3;
    private static final int TRANSFERS = 10;
    private static final int AMOUNT = 5;
    private static final int TOTAL = 1000;

    private Example_39_ProcessRLock() {}

    public static void run(PrintStream out) throws Exception {
        Path dir = Files.createTempDirectory("weft-example-39");
        Files.writeString(dir.resolve("ledger.txt"), TOTAL + " 0");
        try (IpcDomain domain = IpcDomain.open(dir.resolve("domain"))) {
            IpcRLock lock = domain.rlock("ledger");
            for (String line : ChildJvm.runEach(Example_39_ProcessRLock.class, WORKERS, "work", dir.toString())) {
                out.println(line);
            }
            int[] ledger = read(dir);
            out.println("ledger after " + WORKERS * TRANSFERS + " transfers of " + AMOUNT + ": a=" + ledger[0] + " b=" + ledger[1]);

            try (ChildJvm doomed = ChildJvm.start(Example_39_ProcessRLock.class, "hold", dir.toString())) {
                doomed.readLine(); // "holding": it holds the lock with hold count 2
                doomed.kill();
                out.println("a worker holding the lock twice was killed (SIGKILL)");
            }
            LockResult result = lock.acquireForResult();
            try {
                out.println("acquireForResult(): " + result + ", hold count here " + lock.holdCount());
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

    /** Worker process: {@code work DIR i} makes its transfers; {@code hold DIR} dies holding the lock twice. */
    private static void worker(String[] args) throws IOException, InterruptedException {
        Path dir = Path.of(args[1]);
        try (IpcDomain domain = IpcDomain.open(dir.resolve("domain"))) {
            IpcRLock lock = domain.rlock("ledger");
            if (args[0].equals("hold")) {
                lock.acquire();
                lock.acquire();
                System.out.println("holding");
                System.out.flush();
                Thread.sleep(Long.MAX_VALUE); // until killed
                return;
            }
            int deepest = 0;
            boolean balanced = true;
            for (int t = 0; t < TRANSFERS; t++) {
                int[] depth = transfer(lock, dir);
                deepest = Math.max(deepest, depth[0]);
                balanced &= depth[1] == TOTAL;
            }
            System.out.println("worker " + args[2] + ": " + TRANSFERS + " transfers, hold count " + deepest
                    + " inside debit and credit, total " + (balanced ? "always " + TOTAL : "BROKEN"));
            System.out.flush();
        }
    }

    /** Moves {@link #AMOUNT} from a to b; returns {the deepest hold count seen, the total found first}. */
    private static int[] transfer(IpcRLock lock, Path dir) throws IOException, InterruptedException {
        lock.acquire();
        try {
            int[] before = read(dir);
            int deepest = Math.max(debit(lock, dir), credit(lock, dir));
            return new int[] {deepest, before[0] + before[1]};
        } finally {
            lock.release();
        }
    }

    /** Takes {@link #AMOUNT} from a, under the lock (already held by the caller); returns the hold count inside. */
    private static int debit(IpcRLock lock, Path dir) throws IOException, InterruptedException {
        lock.acquire();
        try {
            int[] v = read(dir);
            write(dir, v[0] - AMOUNT, v[1]);
            return lock.holdCount();
        } finally {
            lock.release();
        }
    }

    /** Adds {@link #AMOUNT} to b, under the lock (already held by the caller); returns the hold count inside. */
    private static int credit(IpcRLock lock, Path dir) throws IOException, InterruptedException {
        lock.acquire();
        try {
            int[] v = read(dir);
            write(dir, v[0], v[1] + AMOUNT);
            return lock.holdCount();
        } finally {
            lock.release();
        }
    }

    private static int[] read(Path dir) throws IOException {
        String[] v = Files.readString(dir.resolve("ledger.txt")).trim().split(" ");
        return new int[] {Integer.parseInt(v[0]), Integer.parseInt(v[1])};
    }

    private static void write(Path dir, int a, int b) throws IOException {
        Files.writeString(dir.resolve("ledger.txt"), a + " " + b);
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            worker(args);
        } else {
            run(System.out);
        }
    }
}
