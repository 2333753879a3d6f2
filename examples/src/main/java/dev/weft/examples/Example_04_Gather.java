package dev.weft.examples;

import dev.weft.core.Weft;
import dev.weft.core.task.Gather;
import dev.weft.core.task.Outcome;
import dev.weft.core.task.Task;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Notebook section 2.4, {@code asyncio.gather()}: run several pieces of work at once and collect
 * their results, in argument order.
 *
 * <p>{@link Weft#gather} ({@link Gather#all}) returns a future of a typed {@code List}; the
 * results are in the order of the arguments even though "World" finishes first here. The second
 * part shows the "settled" form ({@code return_exceptions=True}): one {@link Outcome} per input,
 * a failure included, instead of failing the whole gather. The Python original:
 * <pre>{@code
 * async def say_after(delay, message):
 *     await asyncio.sleep(delay)
 *     return message
 *
 * async def main():
 *     result = await asyncio.gather(
 *         say_after(1, 'Hello'),
 *         say_after(2, 'World')
 *     )
 *     print(result)  # Output: ['Hello', 'World']
 * }</pre>
 *
 * <p>Run: {@code mvn -q -Prun-examples -pl examples -am package -DskipTests -Dexample=dev.weft.examples.Example_04_Gather}
 */
public final class Example_04_Gather {

    /** What {@link #run(PrintStream)} prints. */
    public static final String EXPECTED_OUTPUT = """
            [Hello, World]
            Success[value=parsed]
            Failure[exception=java.lang.IllegalStateException: disk full]
            """;

    private Example_04_Gather() {}

    static String sayAfter(Duration delay, String message) throws InterruptedException {
        Weft.sleep(delay);
        return message;
    }

    public static void run(PrintStream out) throws Exception {
        // "World" sleeps less and finishes first; the list is still in argument order.
        Task<String> hello = Weft.createTask(() -> sayAfter(Duration.ofMillis(200), "Hello"));
        Task<String> world = Weft.createTask(() -> sayAfter(Duration.ofMillis(100), "World"));
        List<String> result = Weft.gather(hello, world).get();
        out.println(result);

        // return_exceptions=True: every outcome, failures included, never a null placeholder.
        List<Callable<String>> jobs = List.of(
                () -> "parsed",
                () -> {
                    throw new IllegalStateException("disk full");
                });
        for (Outcome<String> outcome : Gather.startSettled(jobs).get()) {
            out.println(outcome);
        }
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
