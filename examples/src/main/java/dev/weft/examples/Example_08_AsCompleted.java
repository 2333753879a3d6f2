package dev.weft.examples;

import dev.weft.core.Weft;
import dev.weft.core.task.AsCompleted;
import dev.weft.core.task.Task;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;

/**
 * Notebook section 2.8, {@code asyncio.as_completed()}: handle results in the order the work
 * finishes, not in the order it was started.
 *
 * <p>{@link Weft#asCompleted(java.util.Collection)} ({@link AsCompleted#of}) yields the tasks
 * themselves as they complete (the asyncio 3.13 form), so the loop knows which one finished. With
 * an overall timeout, what has not finished in time is reported as timed out, and is not
 * cancelled. The Python original:
 * <pre>{@code
 * async def main():
 *     tasks = [say_hello(), say_world()]
 *     for task in asyncio.as_completed(tasks):
 *         result = await task
 *         print(result)
 * }</pre>
 *
 * <p>Run: {@code mvn -q -Prun-examples -pl examples -am package -DskipTests -Dexample=dev.weft.examples.Example_08_AsCompleted}
 */
public final class Example_08_AsCompleted {

    /** What {@link #run(PrintStream)} prints. */
    public static final String EXPECTED_OUTPUT = """
            Hello
            World
            in time: fast
            timed out: java.util.concurrent.TimeoutException
            the late task was not cancelled and finished: late
            """;

    private Example_08_AsCompleted() {}

    public static void run(PrintStream out) throws Exception {
        Task<String> hello = Weft.createTask(() -> {
            Weft.sleep(Duration.ofMillis(100)); // imitates work
            return "Hello";
        });
        Task<String> world = Weft.createTask(() -> {
            hello.join(); // finishes after hello, whatever the scheduler does
            return "World";
        });
        for (Task<String> done : Weft.asCompleted(List.of(world, hello))) {
            out.println(done.join());
        }

        // An overall timeout: what is not done in time is given up, but keeps running.
        CountDownLatch release = new CountDownLatch(1);
        Task<String> fast = Weft.createTask(() -> "fast");
        Task<String> late = Weft.createTask(() -> {
            release.await();
            return "late";
        });
        try {
            for (Task<String> done : Weft.asCompleted(List.of(late, fast), Duration.ofMillis(300))) {
                out.println("in time: " + done.join());
            }
        } catch (CompletionException e) {
            out.println("timed out: " + (e.getCause() instanceof TimeoutException t ? t.getClass().getName() : e));
        }
        release.countDown();
        out.println("the late task was not cancelled and finished: " + late.join());
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
