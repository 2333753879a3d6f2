package dev.weft.examples;

import dev.weft.core.Weft;
import dev.weft.core.queue.AsyncQueue;
import dev.weft.core.queue.QueueShutDownException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Notebook section 2.2, {@code asyncio.Queue}: a producer and a consumer exchange items through a
 * FIFO queue, with {@code task_done()}/{@code join()} to know when every item has been handled.
 *
 * <p>The producer and the consumer are virtual threads; {@link AsyncQueue#put(Object)} and
 * {@link AsyncQueue#get()} block them the way {@code await queue.put(i)} and
 * {@code await queue.get()} suspend coroutines. The Python original:
 * <pre>{@code
 * async def producer(queue):
 *     for i in range(5):
 *         await asyncio.sleep(1)
 *         await queue.put(i)
 *         print(f"Produced {i}")
 *
 * async def consumer(queue):
 *     while True:
 *         item = await queue.get()
 *         print(f"Consumed {item}")
 *         queue.task_done()
 *
 * async def main():
 *     queue = asyncio.Queue()
 *     await asyncio.gather(producer(queue), consumer(queue))
 * }</pre>
 *
 * <p>Two deliberate differences. First, the notebook's program never ends (the consumer loops
 * forever and {@code gather} waits for it); here the main thread waits with {@code join()} and then
 * shuts the queue down (Python 3.13's {@code queue.shutdown()}), which ends the consumer's
 * {@code get()} with {@link QueueShutDownException}. Second, asyncio runs one coroutine at a time,
 * so the producer prints "Produced i" before the consumer can run; threads run at once, so the
 * producer announces the item before it puts it and then waits with {@code join()} until the
 * consumer has called {@code taskDone()} for it. That keeps the output in the notebook's order on
 * every run.
 *
 * <p>Run: {@code mvn -q -Prun-examples -pl examples -am package -DskipTests -Dexample=dev.weft.examples.Example_02_ProducerConsumerQueue}
 */
public final class Example_02_ProducerConsumerQueue {

    /** What {@link #run(PrintStream)} prints. */
    public static final String EXPECTED_OUTPUT = """
            Produced 0
            Consumed 0
            Produced 1
            Consumed 1
            Produced 2
            Consumed 2
            Produced 3
            Consumed 3
            Produced 4
            Consumed 4
            All items processed
            Consumer stopped: the queue was shut down
            """;

    private Example_02_ProducerConsumerQueue() {}

    public static void run(PrintStream out) throws Exception {
        AsyncQueue<Integer> queue = AsyncQueue.unboundedFifo();
        AtomicReference<Throwable> failure = new AtomicReference<>();

        Thread consumer = Thread.ofVirtual().name("consumer").start(() -> {
            try {
                while (true) {
                    int item = queue.get();
                    out.println("Consumed " + item);
                    queue.taskDone();
                }
            } catch (QueueShutDownException e) {
                out.println("Consumer stopped: the queue was shut down");
            } catch (Throwable t) {
                failure.set(t);
            }
        });

        Thread producer = Thread.ofVirtual().name("producer").start(() -> {
            try {
                for (int i = 0; i < 5; i++) {
                    Weft.sleep(Duration.ofMillis(50)); // imitates the work of producing an item
                    out.println("Produced " + i);
                    queue.put(i);
                    queue.join(); // until the consumer has called taskDone() for it
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });

        producer.join();
        queue.join(); // every item put has been marked done
        out.println("All items processed");
        queue.shutdown(); // ends the consumer's get()
        consumer.join();
        if (failure.get() != null) {
            throw new IllegalStateException("producer or consumer failed", failure.get());
        }
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
