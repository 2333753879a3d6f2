package dev.weft.examples;

import dev.weft.core.Weft;
import dev.weft.core.task.Task;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Notebook section 2.5, {@code asyncio.create_task()}: start a body running now and await it
 * later; and, beyond the notebook, cancel one.
 *
 * <p>{@link Weft#createTask(java.util.concurrent.Callable)} (or {@link Task#start}) starts the
 * body at once on its own virtual thread and returns its {@link Task}, which is a
 * {@code CompletableFuture} of the result. Cancelling a task interrupts its body, which is where
 * a Weft task differs from a plain {@code CompletableFuture}; {@link Task#awaitStopped()} waits
 * until the body has really left. The Python original:
 * <pre>{@code
 * async def say_hello():
 *     await asyncio.sleep(1)
 *     print("Hello")
 *
 * async def main():
 *     task = asyncio.create_task(say_hello())
 *     await task
 *
 * asyncio.run(main())
 * }</pre>
 *
 * <p>Run: {@code mvn -q -Prun-examples -pl examples -am package -DskipTests -Dexample=dev.weft.examples.Example_05_CreateTask}
 */
public final class Example_05_CreateTask {

    /** What {@link #run(PrintStream)} prints. */
    public static final String EXPECTED_OUTPUT = """
            Hello
            Task[name=say_hello, state=FINISHED]
            slow: cancelled while sleeping
            Task[name=slow, state=CANCELLED, cancelling=1]
            """;

    private Example_05_CreateTask() {}

    public static void run(PrintStream out) throws Exception {
        Weft.run(() -> {
            Task<Void> task = Weft.createTask("say_hello", () -> {
                Weft.sleep(Duration.ofMillis(200)); // await asyncio.sleep(1)
                out.println("Hello");
                return null;
            });
            task.join(); // await task
            out.println(task);

            CountDownLatch sleeping = new CountDownLatch(1);
            Task<Void> slow = Weft.createTask("slow", () -> {
                sleeping.countDown();
                try {
                    Weft.sleep(Duration.ofHours(1));
                } catch (InterruptedException e) {
                    out.println("slow: cancelled while sleeping");
                    throw e;
                }
                return null;
            });
            sleeping.await(); // (a task cancelled before it starts would never run its body)
            slow.cancel("not needed any more"); // interrupts the sleep
            slow.awaitStopped();                // the body has left
            out.println(slow);
            return null;
        });
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
