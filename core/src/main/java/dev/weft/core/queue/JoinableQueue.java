package dev.weft.core.queue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A {@link WorkQueue} that counts unfinished tasks, so that a producer can wait until every
 * element it put has been processed: Python's {@code task_done()} and {@code join()}
 * ({@code asyncio.Queue}, {@code multiprocessing.JoinableQueue}). Every Weft joinable queue meets
 * this contract, at every scale.
 *
 * <h2>Counting</h2>
 * Each element put adds one unfinished task. A consumer calls {@link #taskDone()} once for each
 * element it got, after it has finished with it; when no unfinished task is left, every
 * {@link #join()} returns. A get alone does not change the count. {@code taskDone()} and
 * {@code join()} keep working after {@link #shutdown(boolean)}; an immediate shutdown removes the
 * discarded elements from the count.
 *
 * <table class="striped">
 *   <caption>The forms of join</caption>
 *   <thead><tr><th>Blocks</th><th>Times out</th><th>Asynchronous</th></tr></thead>
 *   <tbody>
 *     <tr><td>{@link #join() join()}</td><td>{@link #join(Duration) join(timeout)}</td>
 *         <td>{@link #joinAsync() joinAsync()}</td></tr>
 *   </tbody>
 * </table>
 *
 * <h2>What a cross-process or cross-host implementation may add, and may not weaken</h2>
 * It may tie {@code taskDone()} to an element that was taken (Python counts from the put and
 * accepts a {@code task_done()} for an element nobody has got yet; a shared queue may throw
 * {@link IllegalStateException} there instead). It may redeliver an element whose consumer died
 * before marking it done, and write off (stop waiting for) the tasks of a participant that died,
 * so that {@code join()} cannot hang on a dead process; it says which. It may not let
 * {@code join()} return while a live consumer still holds an unfinished task, nor count a task
 * twice.
 *
 * <h2>Memory consistency effects</h2>
 * Actions before a {@code taskDone()} that brings the count to zero <i>happen-before</i> the
 * actions after the {@code join()} that returns because of it.
 *
 * {@snippet :
 * static void runAll(JoinableQueue<String> jobs, List<String> work) throws InterruptedException {
 *     for (String job : work) {
 *         jobs.put(job);
 *     }
 *     jobs.join();        // every job was got and marked done by some consumer
 * }
 *
 * // each consumer:
 * String job = jobs.get();
 * try {
 *     process(job);
 * } finally {
 *     jobs.taskDone();
 * }
 * }
 *
 * @param <E> the type of the elements
 * @since 0.1
 */
public interface JoinableQueue<E> extends WorkQueue<E> {

    /**
     * Marks one task done: Python's {@code task_done()}. When no unfinished task is left, every
     * joiner is released. Never blocks; keeps working after shutdown.
     *
     * @throws IllegalStateException if there is no unfinished task to mark done (called more
     *     times than elements were put, or, where the implementation ties it to a get, than
     *     elements were got): {@code ValueError} in Python
     */
    void taskDone();

    /**
     * Waits until no unfinished task is left.
     *
     * <h4>Blocking and cancellation</h4>
     * Returns at once if no task is unfinished. Otherwise blocks until a {@link #taskDone()} (or
     * an immediate {@link #shutdown(boolean)}, or, for a shared queue, the write-off of a dead
     * participant's tasks) brings the count to zero, or until the thread is interrupted. Spurious
     * wake-ups are absorbed. An element put while {@code join()} waits may or may not be waited
     * for. An interrupt on entry or while waiting throws {@link InterruptedException} with the
     * status cleared; nothing changes in the queue. A graceful shutdown alone does not wake it.
     *
     * @throws InterruptedException if interrupted before the count reached zero
     */
    void join() throws InterruptedException;

    /**
     * As {@link #join()}, waiting at most {@code timeout}.
     *
     * @param timeout the longest wait; zero or negative: check once
     * @return {@code true} if no task was unfinished, {@code false} if the timeout elapsed first
     *     (nothing is left behind)
     * @throws InterruptedException if interrupted before the count reached zero
     * @throws NullPointerException if {@code timeout} is {@code null}
     */
    boolean join(Duration timeout) throws InterruptedException;

    /**
     * As {@link #join(Duration)}, with the timeout in {@code unit}s.
     *
     * @param timeout the longest wait, in {@code unit}s; zero or negative: check once
     * @param unit the unit of {@code timeout}
     * @return {@code true} if no task was unfinished, {@code false} on timeout
     * @throws InterruptedException if interrupted before the count reached zero
     * @throws NullPointerException if {@code unit} is {@code null}
     */
    boolean join(long timeout, TimeUnit unit) throws InterruptedException;

    /**
     * A future completed (with {@code null}) when {@link #join()} would return; already complete if
     * no task is unfinished. Cancelling it withdraws the wait and changes nothing else.
     *
     * @return the future
     */
    CompletableFuture<@Nullable Void> joinAsync();

    /**
     * The number of unfinished tasks: elements put and not yet marked done. A snapshot (an
     * estimate for a shared queue).
     *
     * @return the count
     */
    long unfinishedTasks();
}
