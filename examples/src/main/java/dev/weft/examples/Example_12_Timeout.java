package dev.weft.examples;

import dev.weft.core.Weft;
import dev.weft.core.task.Task;
import dev.weft.core.time.Timeout;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * {@code asyncio.timeout()} and {@code asyncio.wait_for()}: put a deadline on a block of code, or
 * on waiting for a task, and stop the work when it passes.
 *
 * <p>{@link Weft#timeout} ({@link Timeout#within}) runs a block in the current thread; when the
 * deadline passes it interrupts the block and turns the interrupt into a
 * {@link TimeoutException}. The scope can move its deadline ({@link Timeout#reschedule}), and
 * nested scopes compose. {@link Weft#waitFor} waits for a task and, at the deadline, interrupts it
 * and waits until it has stopped, so nothing is left running. The Python original:
 * <pre>{@code
 * async def main():
 *     try:
 *         async with asyncio.timeout(0.1):
 *             await asyncio.sleep(10)
 *     except TimeoutError:
 *         print("the block timed out")
 *
 *     try:
 *         await asyncio.wait_for(slow(), timeout=0.1)
 *     except TimeoutError:
 *         print("wait_for timed out")
 * }</pre>
 *
 * <p>Run: {@code mvn -q -Prun-examples -pl examples -am package -DskipTests -Dexample=dev.weft.examples.Example_12_Timeout}
 */
public final class Example_12_Timeout {

    /** What {@link #run(PrintStream)} prints. */
    public static final String EXPECTED_OUTPUT = """
            the block timed out
            the rescheduled block timed out; expired: true
            inner timed out, outer went on: done in time
            slow task: cleaning up
            wait_for timed out; the task has stopped: true
            """;

    private Example_12_Timeout() {}

    public static void run(PrintStream out) throws Exception {
        try {
            Weft.timeout(Duration.ofMillis(100), scope -> {
                Weft.sleep(Duration.ofSeconds(10));
                return "slept";
            });
        } catch (TimeoutException e) {
            out.println("the block timed out");
        }

        // The deadline can be moved from inside the block (here: brought forward).
        Timeout[] seen = new Timeout[1];
        try {
            Weft.timeout(Duration.ofSeconds(10), scope -> {
                seen[0] = scope;
                scope.reschedule(Duration.ofMillis(50));
                Weft.sleep(Duration.ofSeconds(10));
                return "slept";
            });
        } catch (TimeoutException e) {
            out.println("the rescheduled block timed out; expired: " + seen[0].expired());
        }

        // Nested scopes: only the scope whose deadline passed turns the interrupt into a timeout.
        String outer = Weft.timeout(Duration.ofSeconds(10), outerScope -> {
            try {
                Weft.timeout(Duration.ofMillis(50), innerScope -> {
                    Weft.sleep(Duration.ofSeconds(10));
                    return "slept";
                });
            } catch (TimeoutException e) {
                return "inner timed out, outer went on: done in time";
            }
            return "no timeout";
        });
        out.println(outer);

        // wait_for: at the deadline the task is interrupted, and waited for until it has stopped.
        Task<String> slow = Weft.createTask(() -> {
            try {
                Weft.sleep(Duration.ofSeconds(10));
                return "slept";
            } finally {
                out.println("slow task: cleaning up");
            }
        });
        try {
            Weft.waitFor(slow, Duration.ofMillis(100));
        } catch (TimeoutException e) {
            out.println("wait_for timed out; the task has stopped: " + slow.isStopped());
        }
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
