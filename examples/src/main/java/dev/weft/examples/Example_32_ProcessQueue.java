package dev.weft.examples;

import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.queue.IpcJoinableQueue;
import dev.weft.ipc.queue.MessageCodec;
import dev.weft.core.queue.QueueShutDownException;
import dev.weft.ipc.queue.TypedQueue;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Notebook section 2.2 (the producer/consumer queue) in section 4's multiprocessing form: a
 * producer process and a consumer process exchange items through a
 * {@code multiprocessing.JoinableQueue}, here an {@link IpcJoinableQueue} shared by separate JVMs.
 *
 * <p>The parent creates the queue, starts a consumer JVM and a producer JVM, waits for the producer
 * to finish, then calls {@link IpcJoinableQueue#join()}, which returns once the consumer, in its own
 * process, has called {@link IpcJoinableQueue#taskDone()} for every item. Finally the parent shuts
 * the queue down, which wakes the consumer's blocked {@code get()} with
 * {@link QueueShutDownException} so that it exits (Python uses a daemon process instead). Items are
 * strings, through the {@link MessageCodec#utf8()} view. The Python original:
 * <pre>{@code
 * from multiprocessing import Process, JoinableQueue
 *
 * def producer(queue):
 *     for i in range(5):
 *         queue.put(i)
 *         print(f"Produced {i}")
 *
 * def consumer(queue):
 *     while True:
 *         item = queue.get()
 *         print(f"Consumed {item}")
 *         queue.task_done()
 *
 * if __name__ == "__main__":
 *     queue = JoinableQueue()
 *     c = Process(target=consumer, args=(queue,), daemon=True)
 *     p = Process(target=producer, args=(queue,))
 *     c.start(); p.start()
 *     p.join()
 *     queue.join()
 *     print("all items processed")
 * }</pre>
 * Each process's lines are printed by the parent, one process after the other, so the output is
 * deterministic although the processes run in parallel.
 *
 * <p>Run: {@code mvn -q -Prun-examples -pl examples -am package -DskipTests -Dexample=dev.weft.examples.Example_32_ProcessQueue}
 */
public final class Example_32_ProcessQueue {

    /** What {@link #run(PrintStream)} prints. */
    public static final String EXPECTED_OUTPUT = """
            Produced 0
            Produced 1
            Produced 2
            Produced 3
            Produced 4
            Consumed 0
            Consumed 1
            Consumed 2
            Consumed 3
            Consumed 4
            parent: queue.join() returned, all items processed
            consumer: queue shut down, exiting
            """;

    private static final int ITEMS = 5;

    private Example_32_ProcessQueue() {}

    private static IpcJoinableQueue open(IpcDomain domain) throws Exception {
        return domain.joinableQueue("items", 16, 64);
    }

    public static void run(PrintStream out) throws Exception {
        Path dir = Files.createTempDirectory("weft-example-32");
        try (IpcDomain domain = IpcDomain.open(dir)) {
            IpcJoinableQueue queue = open(domain);
            try (ChildJvm consumer = ChildJvm.start(Example_32_ProcessQueue.class, "consumer", dir.toString());
                    ChildJvm producer = ChildJvm.start(Example_32_ProcessQueue.class, "producer", dir.toString())) {
                for (int i = 0; i < ITEMS; i++) {
                    out.println(producer.readLine());
                }
                producer.join();
                queue.join();
                for (int i = 0; i < ITEMS; i++) {
                    out.println(consumer.readLine());
                }
                out.println("parent: queue.join() returned, all items processed");
                queue.shutdown();
                out.println(consumer.readLine());
                consumer.join();
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void producer(Path dir) throws Exception {
        try (IpcDomain domain = IpcDomain.open(dir)) {
            TypedQueue<String> queue = open(domain).typed(MessageCodec.utf8());
            for (int i = 0; i < ITEMS; i++) {
                queue.put(Integer.toString(i));
                System.out.println("Produced " + i);
            }
        }
    }

    private static void consumer(Path dir) throws Exception {
        try (IpcDomain domain = IpcDomain.open(dir)) {
            IpcJoinableQueue raw = open(domain);
            TypedQueue<String> queue = raw.typed(MessageCodec.utf8());
            try {
                while (true) {
                    String item = queue.get();
                    System.out.println("Consumed " + item);
                    System.out.flush();
                    raw.taskDone();
                }
            } catch (QueueShutDownException e) {
                System.out.println("consumer: queue shut down, exiting");
            }
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            run(System.out);
        } else if (args[0].equals("producer")) {
            producer(Path.of(args[1]));
        } else {
            consumer(Path.of(args[1]));
        }
    }
}
