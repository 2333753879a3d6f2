package dev.weft.examples;

import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.barrier.IpcBarrier;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Notebook section 4 (multiprocessing), {@code multiprocessing.Barrier}: worker processes that
 * meet at a barrier between the phases of their work, and, unlike Python, a party killed while it
 * waits breaks the barrier for the others instead of leaving them waiting forever.
 *
 * <p>Three worker JVMs share an {@link IpcBarrier} of three parties. In phase 1 each writes its
 * shard to a file of its own; at the barrier it waits until every shard is written. In phase 2
 * each reads all three shards, which is safe only after the barrier, and sums them; it meets the
 * others at the barrier again before it reports. Then a party waits at a barrier of three and is
 * killed with {@code SIGKILL}: the party that arrives next is told, with
 * {@link BrokenBarrierException}, and {@link IpcBarrier#reset()} makes the barrier usable again.
 * The Python original:
 * <pre>{@code
 * from multiprocessing import Process, Barrier
 *
 * def work(barrier, i):
 *     open(f"shard-{i}.txt", "w").write(str(10 * (i + 1)))    # phase 1: write my shard
 *     barrier.wait()                                          # every shard is written
 *     total = sum(int(open(f"shard-{j}.txt").read()) for j in range(3))   # phase 2
 *     barrier.wait()
 *     print(f"worker {i}: total {total}")
 *
 * if __name__ == "__main__":
 *     barrier = Barrier(3)
 *     workers = [Process(target=work, args=(barrier, i)) for i in range(3)]
 *     for p in workers: p.start()
 *     for p in workers: p.join()
 *     # Python: a worker killed at barrier.wait() leaves the others waiting forever.
 * }</pre>
 *
 * <p>Run: {@code mvn -q -Prun-examples -pl examples -am package -DskipTests -Dexample=dev.weft.examples.Example_38_ProcessBarrier}
 */
public final class Example_38_ProcessBarrier {

    /** What {@link #run(PrintStream)} prints. */
    public static final String EXPECTED_OUTPUT = """
            worker 0: phase 2 read 3 shards, total 60
            worker 1: phase 2 read 3 shards, total 60
            worker 2: phase 2 read 3 shards, total 60
            a party waiting at the barrier was killed (SIGKILL)
            the next party to wait: BrokenBarrierException (told, not left waiting)
            after reset(): broken=false
            """;

    private static final int WORKERS = 3;

    private Example_38_ProcessBarrier() {}

    public static void run(PrintStream out) throws Exception {
        Path dir = Files.createTempDirectory("weft-example-38");
        try (IpcDomain domain = IpcDomain.open(dir.resolve("domain"))) {
            for (String line : ChildJvm.runEach(Example_38_ProcessBarrier.class, WORKERS, "work", dir.toString())) {
                out.println(line);
            }

            IpcBarrier meet = domain.barrier("meet", 3);
            try (ChildJvm doomed = ChildJvm.start(Example_38_ProcessBarrier.class, "wait", dir.toString())) {
                while (meet.waiterCount() < 1) { // until the child is listed at the barrier
                    LockSupport.parkNanos(1_000_000);
                }
                doomed.kill();
                out.println("a party waiting at the barrier was killed (SIGKILL)");
            }
            try {
                meet.await(); // the third party never comes: the dead one is found within a liveness slice
                out.println("the next party to wait: tripped (unexpected)");
            } catch (BrokenBarrierException e) {
                out.println("the next party to wait: BrokenBarrierException (told, not left waiting)");
            }
            meet.reset();
            out.println("after reset(): broken=" + meet.isBroken());
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Worker process: {@code work DIR i} runs both phases; {@code wait DIR} waits at "meet" until killed. */
    private static void worker(String[] args) throws IOException, InterruptedException, BrokenBarrierException {
        Path dir = Path.of(args[1]);
        try (IpcDomain domain = IpcDomain.open(dir.resolve("domain"))) {
            if (args[0].equals("wait")) {
                domain.barrier("meet", 3).await(); // never returns: killed while waiting
                return;
            }
            int i = Integer.parseInt(args[2]);
            IpcBarrier phase = domain.barrier("phase", WORKERS);
            Files.writeString(dir.resolve("shard-" + i + ".txt"), Integer.toString(10 * (i + 1)));   // phase 1
            phase.await();                                                                            // every shard is written
            int total = 0;
            for (int j = 0; j < WORKERS; j++) {                                                       // phase 2
                total += Integer.parseInt(Files.readString(dir.resolve("shard-" + j + ".txt")));
            }
            phase.await();
            System.out.println("worker " + i + ": phase 2 read " + WORKERS + " shards, total " + total);
            System.out.flush();
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
