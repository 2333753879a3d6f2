package dev.weft.examples;

import dev.weft.core.Weft;
import dev.weft.core.task.Task;
import dev.weft.core.task.Wait;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Notebook section 2.7, {@code asyncio.wait()}: wait until all (or the first) of several tasks
 * are done, and get back which are done and which are still pending.
 *
 * <p>{@link Weft#wait(java.util.Collection, Wait.ReturnWhen)} returns a {@link Wait.Result}: the
 * done and the pending tasks. A wait never cancels anything: with {@code FIRST_COMPLETED} the
 * slow task is still running afterwards, and we cancel it ourselves. The Python original:
 * <pre>{@code
 * async def say_hello():
 *     await asyncio.sleep(1)
 *     return "Hello"
 *
 * async def say_world():
 *     await asyncio.sleep(2)
 *     return "World"
 *
 * async def main():
 *     tasks = [say_hello(), say_world()]
 *     done, pending = await asyncio.wait(tasks)
 *     for task in done:
 *         print(task.result())
 * }</pre>
 *
 * <p>Run: {@code mvn -q -Prun-examples -pl examples -am package -DskipTests -Dexample=dev.weft.examples.Example_07_Wait}
 */
public final class Example_07_Wait {

    /** What {@link #run(PrintStream)} prints. */
    public static final String EXPECTED_OUTPUT = """
            Hello
            World
            first completed: quick
            still pending: 1 task(s), cancelled by us: true
            """;

    private Example_07_Wait() {}

    public static void run(PrintStream out) throws Exception {
        Task<String> hello = Weft.createTask(() -> {
            Weft.sleep(Duration.ofMillis(100));
            return "Hello";
        });
        Task<String> world = Weft.createTask(() -> {
            Weft.sleep(Duration.ofMillis(200));
            return "World";
        });
        Wait.Result<Task<String>> all = Weft.wait(List.of(hello, world), Wait.ReturnWhen.ALL_COMPLETED);
        for (Task<String> task : all.done()) {   // the sets iterate in input order
            out.println(task.join());
        }

        // FIRST_COMPLETED: return as soon as one is done; the other keeps running.
        CountDownLatch never = new CountDownLatch(1);
        Task<String> quick = Weft.createTask(() -> "quick");
        Task<String> slow = Weft.createTask(() -> {
            never.await();
            return "slow";
        });
        Wait.Result<Task<String>> first = Weft.wait(List.of(quick, slow), Wait.ReturnWhen.FIRST_COMPLETED);
        for (Task<String> task : first.done()) {
            out.println("first completed: " + task.join());
        }
        for (Task<String> task : first.pending()) {
            task.cancel("no longer needed");
            task.awaitStopped();
        }
        out.println("still pending: " + first.pending().size() + " task(s), cancelled by us: " + slow.isCancelled());
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
