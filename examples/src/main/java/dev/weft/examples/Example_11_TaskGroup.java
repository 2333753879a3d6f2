package dev.weft.examples;

import dev.weft.core.Weft;
import dev.weft.core.task.Task;
import dev.weft.core.task.TaskGroup;
import dev.weft.core.task.TaskGroupException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code asyncio.TaskGroup}: tasks that live inside a block. Leaving the block waits until every
 * task has stopped; the first failure stops the others, and the group throws with every failure.
 *
 * <p>Three parts: a group whose tasks all succeed; a group where one task fails, so that its
 * sibling is interrupted and the group throws a {@link TaskGroupException}; and a group with a
 * concurrency limit, which neither asyncio nor the JDK offers. The Python original of the first
 * two:
 * <pre>{@code
 * async def main():
 *     async with asyncio.TaskGroup() as tg:
 *         a = tg.create_task(fetch("a"))
 *         b = tg.create_task(fetch("b"))
 *     print(a.result(), b.result())
 *
 *     try:
 *         async with asyncio.TaskGroup() as tg:
 *             tg.create_task(wait_forever())
 *             tg.create_task(fail())
 *     except* ValueError as eg:
 *         print("group failed:", eg.exceptions)
 * }</pre>
 *
 * <p>Run: {@code mvn -q -Prun-examples -pl examples -am package -DskipTests -Dexample=dev.weft.examples.Example_11_TaskGroup}
 */
public final class Example_11_TaskGroup {

    /** What {@link #run(PrintStream)} prints. */
    public static final String EXPECTED_OUTPUT = """
            fetched a and b
            sibling: interrupted, cleaning up
            group failed: [java.lang.IllegalStateException: bad input]
            sibling stopped: true
            10 tasks ran, at most 3 at once: true
            """;

    private Example_11_TaskGroup() {}

    static String fetch(String what) throws InterruptedException {
        Weft.sleep(Duration.ofMillis(20)); // imitates I/O
        return what;
    }

    public static void run(PrintStream out) throws Exception {
        Task<String> a;
        Task<String> b;
        try (TaskGroup tg = Weft.taskGroup()) {
            a = tg.start(() -> fetch("a"));
            b = tg.start(() -> fetch("b"));
        } // both bodies have stopped here
        out.println("fetched " + a.join() + " and " + b.join());

        // One task fails: its sibling is interrupted, and the group reports every failure.
        CountDownLatch siblingWaiting = new CountDownLatch(1);
        AtomicReference<Task<String>> sibling = new AtomicReference<>();
        try (TaskGroup tg = TaskGroup.open()) {
            sibling.set(tg.start(() -> {
                siblingWaiting.countDown();
                try {
                    return waitForever();
                } catch (InterruptedException e) {
                    out.println("sibling: interrupted, cleaning up");
                    throw e;
                }
            }));
            tg.start(() -> {
                siblingWaiting.await(); // fail only once the sibling is running
                throw new IllegalStateException("bad input");
            });
        } catch (TaskGroupException e) {
            out.println("group failed: " + e.failures());
        }
        out.println("sibling stopped: " + sibling.get().isStopped());

        // At most three tasks of this group run at once; the others wait without a thread.
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger ran = new AtomicInteger();
        try (TaskGroup tg = TaskGroup.builder().name("limited").limit(3).open()) {
            for (int i = 0; i < 10; i++) {
                tg.start(() -> {
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    fetch("x");
                    running.decrementAndGet();
                    return ran.incrementAndGet();
                });
            }
        }
        out.println(ran.get() + " tasks ran, at most 3 at once: " + (most.get() <= 3));
    }

    private static String waitForever() throws InterruptedException {
        new CountDownLatch(1).await();
        return "never";
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
