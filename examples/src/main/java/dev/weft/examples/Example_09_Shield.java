package dev.weft.examples;

import dev.weft.core.Weft;
import dev.weft.core.task.Shield;
import dev.weft.core.task.Task;
import java.io.PrintStream;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * Notebook section 2.9, {@code asyncio.shield()}: let a caller give up waiting without stopping
 * the work it waits for.
 *
 * <p>The waiter waits on {@link Weft#shield} of the protected task. Cancelling the waiter stops
 * the waiter only: the protected task runs on and completes. The second part shows what happens
 * to a failure of shielded work after its shield was cancelled: nobody waits for it any more, so
 * it is reported (here to a reporter we pass; by default to the thread's uncaught exception
 * handler) instead of being lost. The Python original:
 * <pre>{@code
 * async def protected_task():
 *     await asyncio.sleep(3)
 *     return "Completed"
 *
 * async def main():
 *     task = asyncio.create_task(asyncio.shield(protected_task()))
 *     await asyncio.sleep(1)
 *     task.cancel()
 *     try:
 *         await task
 *     except asyncio.CancelledError:
 *         print("Task was not cancelled")
 * }</pre>
 *
 * <p>Run: {@code mvn -q -Prun-examples -pl examples -am package -DskipTests -Dexample=dev.weft.examples.Example_09_Shield}
 */
public final class Example_09_Shield {

    /** What {@link #run(PrintStream)} prints. */
    public static final String EXPECTED_OUTPUT = """
            The waiter was cancelled: caller gave up
            The protected task is still running: true
            The protected task finished: Completed
            Reported late failure: disk full
            """;

    private Example_09_Shield() {}

    public static void run(PrintStream out) throws Exception {
        CountDownLatch finish = new CountDownLatch(1);
        Task<String> protectedTask = Weft.createTask(() -> {
            finish.await(); // imitates long work, ended below
            return "Completed";
        });
        Task<String> waiter = Weft.createTask(() -> Weft.shield(protectedTask).get());
        waiter.cancel("caller gave up");
        try {
            waiter.join();
        } catch (CancellationException e) {
            out.println("The waiter was cancelled: " + e.getMessage());
        }
        out.println("The protected task is still running: " + !protectedTask.isDone());
        finish.countDown();
        out.println("The protected task finished: " + protectedTask.join());

        // A failure after the shield was cancelled is reported, not swallowed.
        CountDownLatch fail = new CountDownLatch(1);
        Task<String> risky = Weft.createTask(() -> {
            fail.await();
            throw new IllegalStateException("disk full");
        });
        CountDownLatch reported = new CountDownLatch(1);
        CompletableFuture<String> shielded = Shield.shield(risky, e -> {
            out.println("Reported late failure: " + e.getMessage());
            reported.countDown();
        });
        shielded.cancel(true);
        fail.countDown();
        reported.await(); // the reporter runs in risky's thread as it completes
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
