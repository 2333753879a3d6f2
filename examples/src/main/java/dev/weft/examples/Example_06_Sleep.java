package dev.weft.examples;

import dev.weft.core.Weft;
import java.io.PrintStream;
import java.time.Duration;

/**
 * Notebook section 2.6, {@code asyncio.sleep()}: pause the current flow of work without holding
 * a platform thread.
 *
 * <p>{@link Weft#sleep(Duration)} blocks the calling thread; on a virtual thread (where Weft tasks
 * run by default) that costs no carrier thread, which is what {@code await asyncio.sleep(2)}
 * gives a coroutine. The Python original:
 * <pre>{@code
 * async def main():
 *     print("Sleeping...")
 *     await asyncio.sleep(2)
 *     print("Awake!")
 * }</pre>
 *
 * <p>Run: {@code mvn -q -Prun-examples -pl examples -am package -DskipTests -Dexample=dev.weft.examples.Example_06_Sleep}
 */
public final class Example_06_Sleep {

    /** What {@link #run(PrintStream)} prints. */
    public static final String EXPECTED_OUTPUT = """
            Sleeping...
            Awake!
            """;

    private Example_06_Sleep() {}

    public static void run(PrintStream out) throws InterruptedException {
        out.println("Sleeping...");
        Weft.sleep(Duration.ofMillis(200));
        out.println("Awake!");
    }

    public static void main(String[] args) throws InterruptedException {
        run(System.out);
    }
}
