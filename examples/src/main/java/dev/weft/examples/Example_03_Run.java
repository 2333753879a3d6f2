package dev.weft.examples;

import dev.weft.core.Weft;
import java.io.PrintStream;

/**
 * Notebook section 2.3, {@code asyncio.run()}: run a main body from ordinary (blocking) code and
 * get its result.
 *
 * <p>{@link Weft#run(java.util.concurrent.Callable)} starts the body as a task named
 * {@code main} on a virtual thread, waits for it and returns its result (or rethrows its
 * failure). If the calling thread is interrupted, the task is cancelled and {@code run} waits
 * until it has stopped, as {@code asyncio.run} cancels its main task on Ctrl-C. The Python
 * original:
 * <pre>{@code
 * async def main():
 *     print("Hello, World!")
 *
 * asyncio.run(main())
 * }</pre>
 *
 * <p>Run: {@code mvn -q -Prun-examples -pl examples -am package -DskipTests -Dexample=dev.weft.examples.Example_03_Run}
 */
public final class Example_03_Run {

    /** What {@link #run(PrintStream)} prints. */
    public static final String EXPECTED_OUTPUT = """
            Hello, World!
            main ran as Task[name=main, state=RUNNING]
            run returned: 42
            """;

    private Example_03_Run() {}

    public static void run(PrintStream out) throws Exception {
        Weft.run(() -> {
            out.println("Hello, World!");
            out.println("main ran as " + Weft.currentTask());
            return null;
        });
        int answer = Weft.run(() -> 6 * 7); // a main body may also return a value
        out.println("run returned: " + answer);
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
