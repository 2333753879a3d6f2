package dev.weft.examples;

import dev.weft.core.Weft;
import dev.weft.core.task.Task;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Notebook section 2.1, {@code async} and {@code await}: several tasks run at once, each awaiting
 * its own sleep, and the caller awaits their results.
 *
 * <p>An {@code async def} becomes a {@link java.util.concurrent.Callable} started as a
 * {@link Task} (on its own virtual thread); {@code await} becomes a blocking call that costs no
 * platform thread: {@link Weft#sleep(Duration)} inside a task, {@link Task#join()} on a task. The
 * Python original:
 * <pre>{@code
 * async def work(name, delay):
 *     await asyncio.sleep(delay)
 *     return f"{name} finished after {delay}s of sleep"
 *
 * async def main():
 *     tasks = [asyncio.create_task(work(n, d)) for n, d in [("A", 3), ("B", 2), ("C", 1)]]
 *     for task in tasks:
 *         print(await task)
 *
 * asyncio.run(main())
 * }</pre>
 * The three sleeps overlap. To show that without relying on timing, each task also waits until
 * all three have started: run one after another, they could never get past that point.
 *
 * <p>Run: {@code mvn -q -Prun-examples -pl examples -am package -DskipTests -Dexample=dev.weft.examples.Example_01_Basics}
 */
public final class Example_01_Basics {

    /** What {@link #run(PrintStream)} prints. */
    public static final String EXPECTED_OUTPUT = """
            main: starting 3 tasks
            main: all 3 tasks are running at once
            A finished after 300 ms of sleep
            B finished after 200 ms of sleep
            C finished after 100 ms of sleep
            main: done
            """;

    private Example_01_Basics() {}

    public static void run(PrintStream out) throws Exception {
        Weft.run(() -> {
            out.println("main: starting 3 tasks");
            CountDownLatch allStarted = new CountDownLatch(3);
            List<Task<String>> tasks = List.of(
                    work("A", 300, allStarted),
                    work("B", 200, allStarted),
                    work("C", 100, allStarted));
            allStarted.await();
            out.println("main: all 3 tasks are running at once");
            for (Task<String> task : tasks) {
                out.println(task.join()); // await task: results in the order the tasks were made
            }
            out.println("main: done");
            return null;
        });
    }

    /** The {@code async def work(name, delay)} of the original, started as a task. */
    private static Task<String> work(String name, long delayMillis, CountDownLatch allStarted) {
        return Weft.createTask(name, () -> {
            allStarted.countDown();
            allStarted.await();
            Weft.sleep(Duration.ofMillis(delayMillis)); // await asyncio.sleep(delay)
            return name + " finished after " + delayMillis + " ms of sleep";
        });
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
