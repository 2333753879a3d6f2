package dev.weft.examples;

import dev.weft.core.sync.Condition;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;

/**
 * Notebook section 3, threading: a {@link Condition} between a consumer thread that waits for an
 * item and a producer thread that adds one and notifies.
 *
 * <p>The consumer holds the condition's lock, finds the list empty and waits; waiting releases
 * the lock, which lets the producer in. The producer appends an item and signals; the consumer
 * wakes once the producer has released the lock, holding it again, and finds the item. The Python
 * original uses {@code threading.Condition}:
 * <pre>{@code
 * condition = threading.Condition()
 * items = []
 *
 * def consumer():
 *     with condition:
 *         while not items:
 *             print("Consumer waiting")
 *             condition.wait()
 *         print(f"Consumed {items.pop(0)}")
 *
 * def producer():
 *     time.sleep(1)
 *     with condition:
 *         items.append("item")
 *         print("Produced item")
 *         condition.notify()
 * }</pre>
 * The Python version orders the two threads with {@code time.sleep(1)}; here the producer waits
 * on a latch that the consumer opens just before it waits, and the lock does the rest. The
 * second part does the same with {@link Condition#waitFor} (Python's {@code wait_for}) for three
 * items and {@link Condition#signalAll()}.
 *
 * <p>Run: {@code mvn -q -Prun-examples -pl examples -am package -DskipTests -Dexample=dev.weft.examples.Example_22_ThreadingCondition}
 */
public final class Example_22_ThreadingCondition {

    /** What {@link #run(PrintStream)} prints. */
    public static final String EXPECTED_OUTPUT = """
            Consumer waiting
            Produced item
            Consumed item
            Consumer waiting for 3 items
            Produced item-1
            Produced item-2
            Produced item-3
            Consumed [item-1, item-2, item-3]
            """;

    private Example_22_ThreadingCondition() {}

    public static void run(PrintStream out) throws InterruptedException {
        Condition condition = new Condition();
        Deque<String> items = new ArrayDeque<>();   // guarded by the condition's lock

        // Part 1: the notebook's consumer and producer.
        CountDownLatch consumerWaiting = new CountDownLatch(1);
        Thread consumer = start(() -> {
            condition.acquire();                    // Python: with condition:
            try {
                while (items.isEmpty()) {
                    out.println("Consumer waiting");
                    consumerWaiting.countDown();
                    condition.await();              // releases the lock while it waits
                }
                out.println("Consumed " + items.poll());
            } finally {
                condition.release();
            }
        });
        Thread producer = start(() -> {
            consumerWaiting.await();
            condition.acquire();                    // free once the consumer waits
            try {
                items.add("item");
                out.println("Produced item");
                condition.signal();                 // Python: condition.notify()
            } finally {
                condition.release();                // now the consumer can take the lock back
            }
        });
        consumer.join();
        producer.join();

        // Part 2: wait for a predicate while the producer adds items one by one.
        CountDownLatch consumerWaitingForAll = new CountDownLatch(1);
        consumer = start(() -> {
            condition.acquire();
            try {
                out.println("Consumer waiting for 3 items");
                consumerWaitingForAll.countDown();
                condition.waitFor(() -> items.size() == 3);   // Python: condition.wait_for(...)
                out.println("Consumed " + items);
                items.clear();
            } finally {
                condition.release();
            }
        });
        producer = start(() -> {
            consumerWaitingForAll.await();
            for (int i = 1; i <= 3; i++) {
                condition.acquire();
                try {
                    items.add("item-" + i);
                    out.println("Produced item-" + i);
                    condition.signalAll();          // Python: condition.notify_all()
                } finally {
                    condition.release();
                }
            }
        });
        consumer.join();
        producer.join();
    }

    /** A body that may be interrupted. */
    private interface Body {
        void run() throws InterruptedException;
    }

    private static Thread start(Body body) {
        return Thread.ofPlatform().start(() -> {
            try {
                body.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    public static void main(String[] args) throws InterruptedException {
        run(System.out);
    }
}
