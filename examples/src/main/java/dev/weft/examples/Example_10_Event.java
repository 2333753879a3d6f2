package dev.weft.examples;

import dev.weft.core.Weft;
import dev.weft.core.sync.Event;
import dev.weft.core.task.Task;
import java.io.PrintStream;
import java.time.Duration;

/**
 * Notebook section 2.10, {@code asyncio.Event}: one or more tasks wait until another sets an
 * event.
 *
 * <p>{@link Event#await()} blocks the waiting task (on a virtual thread, without holding a
 * platform thread) until {@link Event#set()}; {@link Event#awaitAsync()} gives a
 * {@code CompletableFuture} instead. Unlike a latch, an event can be cleared and set again. The
 * Python original:
 * <pre>{@code
 * async def waiter(event):
 *     print("Waiting for event to be set")
 *     await event.wait()
 *     print("Event is set")
 *
 * async def main():
 *     event = asyncio.Event()
 *     asyncio.create_task(waiter(event))
 *     await asyncio.sleep(2)
 *     event.set()
 *
 * asyncio.run(main())
 * }</pre>
 * The output is the same whichever comes first, the wait or the {@code set()}: a wait on a set
 * event returns at once. The main body also awaits the waiter, so that it has printed before
 * {@code run} returns.
 *
 * <p>Run: {@code mvn -q -Prun-examples -pl examples -am package -DskipTests -Dexample=dev.weft.examples.Example_10_Event}
 */
public final class Example_10_Event {

    /** What {@link #run(PrintStream)} prints. */
    public static final String EXPECTED_OUTPUT = """
            Waiting for event to be set
            Event is set
            Event[set]
            """;

    private Example_10_Event() {}

    public static void run(PrintStream out) throws Exception {
        Weft.run(() -> {
            Event event = new Event();
            Task<Void> waiter = Weft.createTask("waiter", () -> {
                out.println("Waiting for event to be set");
                event.await();
                out.println("Event is set");
                return null;
            });
            Weft.sleep(Duration.ofMillis(200)); // await asyncio.sleep(2): imitates other work
            event.set();
            waiter.join();
            out.println(event);
            return null;
        });
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
