package dev.weft.examples;

import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.event.IpcEvent;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Notebook section 4 (multiprocessing), {@code multiprocessing.Event}: worker processes wait until
 * the parent signals them to start; a waiter killed while waiting does not stop the signal.
 *
 * <p>Three worker JVMs block in {@link IpcEvent#await()}; a fourth is killed with {@code SIGKILL}
 * while waiting (which can make Python's {@code Event.set()} hang); the parent then calls
 * {@link IpcEvent#set()}, which returns at once and wakes every live worker. The Python original:
 * <pre>{@code
 * from multiprocessing import Process, Event
 *
 * def worker(i, start):
 *     print(f"worker {i} waiting for the start signal")
 *     start.wait()
 *     print(f"worker {i} started")
 *
 * if __name__ == "__main__":
 *     start = Event()
 *     workers = [Process(target=worker, args=(i, start)) for i in range(1, 4)]
 *     for p in workers: p.start()
 *     start.set()
 *     for p in workers: p.join()
 * }</pre>
 * Each worker's lines are printed by the parent in worker order, so the output is deterministic.
 *
 * <p>Run: {@code mvn -q -Prun-examples -pl examples -am package -DskipTests -Dexample=dev.weft.examples.Example_31_ProcessEvent}
 */
public final class Example_31_ProcessEvent {

    /** What {@link #run(PrintStream)} prints. */
    public static final String EXPECTED_OUTPUT = """
            worker 1 waiting for the start signal
            worker 2 waiting for the start signal
            worker 3 waiting for the start signal
            a fourth waiter was killed (SIGKILL) while waiting
            parent: start.set() returned
            worker 1 started
            worker 2 started
            worker 3 started
            """;

    private Example_31_ProcessEvent() {}

    public static void run(PrintStream out) throws Exception {
        Path dir = Files.createTempDirectory("weft-example-31");
        try (IpcDomain domain = IpcDomain.open(dir)) {
            IpcEvent start = domain.event("start");
            List<ChildJvm> workers = new ArrayList<>();
            try {
                for (int i = 1; i <= 3; i++) {
                    workers.add(ChildJvm.start(Example_31_ProcessEvent.class, dir.toString(), Integer.toString(i)));
                }
                for (ChildJvm w : workers) {
                    out.println(w.readLine());
                }
                try (ChildJvm victim = ChildJvm.start(Example_31_ProcessEvent.class, dir.toString(), "4")) {
                    victim.readLine();
                    victim.kill();
                }
                out.println("a fourth waiter was killed (SIGKILL) while waiting");
                start.set();
                out.println("parent: start.set() returned");
                for (ChildJvm w : workers) {
                    out.println(w.readLine());
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

    /** Worker process: {@code DIR I}. */
    private static void worker(Path dir, String id) throws Exception {
        try (IpcDomain domain = IpcDomain.open(dir)) {
            IpcEvent start = domain.event("start");
            System.out.println("worker " + id + " waiting for the start signal");
            System.out.flush();
            start.await();
            System.out.println("worker " + id + " started");
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            worker(Path.of(args[0]), args[1]);
        } else {
            run(System.out);
        }
    }
}
