package dev.weft.examples;

import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.lock.IpcCondition;
import dev.weft.ipc.lock.IpcLock;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Notebook section 4 (multiprocessing), {@code multiprocessing.Condition}: a producer process
 * changes shared state under a lock and signals a condition; a consumer process waits for the
 * state it needs with {@code wait_for}.
 *
 * <p>The consumer (this JVM) holds the {@link IpcLock} and waits, with
 * {@link IpcCondition#waitFor(java.util.function.BooleanSupplier)}, until a shared file lists three
 * jobs. A producer JVM appends the jobs one at a time, each under the lock, and signals after each:
 * the consumer wakes up three times and returns only when its predicate holds. The Python
 * original:
 * <pre>{@code
 * from multiprocessing import Process, Condition, Lock
 *
 * def produce(cond, path):
 *     for job in ["resize", "encode", "upload"]:
 *         with cond:
 *             open(path, "a").write(job + "\n")
 *             cond.notify()
 *
 * if __name__ == "__main__":
 *     cond = Condition(Lock())
 *     open("jobs.txt", "w").close()
 *     with cond:
 *         Process(target=produce, args=(cond, "jobs.txt")).start()
 *         cond.wait_for(lambda: len(open("jobs.txt").readlines()) >= 3)
 *         print(open("jobs.txt").read().split())
 * }</pre>
 *
 * <p>Run: {@code mvn -q -Prun-examples -pl examples -am package -DskipTests -Dexample=dev.weft.examples.Example_37_ProcessCondition}
 */
public final class Example_37_ProcessCondition {

    /** What {@link #run(PrintStream)} prints. */
    public static final String EXPECTED_OUTPUT = """
            consumer waits for 3 jobs (the lock is released while it waits)
            producer process: appended 3 jobs, signalling after each
            consumer woke with [resize, encode, upload]
            """;

    private static final List<String> JOBS = List.of("resize", "encode", "upload");

    private Example_37_ProcessCondition() {}

    public static void run(PrintStream out) throws Exception {
        Path dir = Files.createTempDirectory("weft-example-36");
        Path jobs = dir.resolve("jobs.txt");
        Files.writeString(jobs, "");
        try (IpcDomain domain = IpcDomain.open(dir.resolve("domain"))) {
            IpcLock lock = domain.lock("jobs");
            IpcCondition ready = domain.condition("jobs-ready", lock);
            lock.acquire();
            try {
                out.println("consumer waits for " + JOBS.size() + " jobs (the lock is released while it waits)");
                try (ChildJvm producer = ChildJvm.start(Example_37_ProcessCondition.class, "produce", dir.toString())) {
                    ready.waitFor(() -> lines(jobs).size() >= JOBS.size());
                    out.println(producer.readLine());
                }
                out.println("consumer woke with " + lines(jobs));
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

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Producer process: appends the jobs one at a time under the lock, signalling after each. */
    private static void produce(Path dir) throws IOException, InterruptedException {
        try (IpcDomain domain = IpcDomain.open(dir.resolve("domain"))) {
            IpcLock lock = domain.lock("jobs");
            IpcCondition ready = domain.condition("jobs-ready", lock);
            for (String job : JOBS) {
                lock.acquire();
                try {
                    Files.writeString(dir.resolve("jobs.txt"), job + "\n", java.nio.file.StandardOpenOption.APPEND);
                    ready.signal();
                } finally {
                    lock.release();
                }
            }
        }
        System.out.println("producer process: appended " + JOBS.size() + " jobs, signalling after each");
        System.out.flush();
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            produce(Path.of(args[1]));
        } else {
            run(System.out);
        }
    }
}
