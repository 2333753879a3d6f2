package dev.weft.ipc.queue;

import dev.weft.core.queue.JoinableQueue;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * An {@link IpcQueue} that also tracks when the messages taken have been processed: the
 * counterpart of Python's {@code multiprocessing.JoinableQueue}.
 *
 * <p>A consumer calls {@link #taskDone()} once for each message it has finished with;
 * {@link #join()} waits until every message put has been taken and marked done. The unfinished
 * tasks are counted from the queue itself, not from a separate counter, so they stay exact when
 * processes die:
 * <ul>
 *   <li>a message still in the queue, or being taken, is unfinished;</li>
 *   <li>a message taken by a process is unfinished until that process calls
 *       {@link #taskDone()}, or until that process dies or closes its domain (its unfinished tasks
 *       are then <i>abandoned</i>, counted in {@link QueueStats#abandonedTasks()}, and no longer
 *       waited for: Python's {@code join()} would wait forever);</li>
 *   <li>a message redelivered after its consumer died is unfinished again until its new consumer
 *       marks it done.</li>
 * </ul>
 *
 * <p><b>Deviation from Python:</b> {@link #taskDone()} must follow a take (in any process):
 * Python counts a task from its put, so it accepts {@code task_done()} for a message that nobody
 * has taken yet; Weft throws there. {@code taskDone()} is normally called by the process that
 * took the message; if it is called in another process, it marks done a task taken there.
 *
 * <p><b>Memory consistency effects:</b> actions of a process before its {@code taskDone()}
 * happen-before the return of a {@code join()} that it allowed to return.
 *
 * {@snippet :
 * IpcJoinableQueue tasks = domain.joinableQueue("tasks", 1024, 256);
 * // workers, in other processes:
 * while (true) {
 *     byte[] task = tasks.get();
 *     process(task);
 *     tasks.taskDone();
 * }
 * // the producer:
 * for (byte[] t : work) tasks.put(t);
 * tasks.join();   // every task processed (or abandoned by a dead worker)
 * }
 *
 * @since 0.1
 */
public interface IpcJoinableQueue extends IpcQueue, JoinableQueue<byte[]> {

    /**
     * Marks one task taken by this process as done (or, if none is pending here, one taken by
     * another live process), and wakes the joiners if that was the last one. Never blocks. Works
     * normally after {@link #shutdown(boolean)}.
     *
     * @throws IllegalStateException if no taken message is waiting to be marked done (Python
     *     raises {@code ValueError}), or if this handle or its domain is closed
     */
    @Override
    void taskDone();

    /**
     * Waits until every message put has been taken and marked done (or abandoned by a process
     * that died).
     *
     * <h4>Blocking and cancellation</h4>
     * Returns at once if nothing is unfinished. Otherwise blocks; wakes when a process marks its
     * last pending task done, when a process holding unfinished tasks dies (noticed within about
     * one liveness slice), after an immediate shutdown, on {@link #close()} of this handle, or
     * spuriously; it then re-counts and waits again if needed. A put concurrent with the join may
     * or may not be waited for. An interrupt on entry or while waiting throws
     * {@link InterruptedException}; nothing is changed.
     *
     * @throws InterruptedException if interrupted
     * @throws IllegalStateException if this handle or its domain is closed, or the queue was marked damaged
     *     in this process (see the package's <a href="package-summary.html#blocking">rules</a>)
     */
    @Override
    void join() throws InterruptedException;

    /**
     * As {@link #join()}, waiting at most {@code timeout}.
     *
     * @param timeout the longest wait; zero or negative: check once
     * @return {@code true} if all tasks were done, {@code false} on timeout
     * @throws InterruptedException if interrupted
     */
    @Override
    boolean join(Duration timeout) throws InterruptedException;

    /**
     * As {@link #join(Duration)}, with the timeout in {@code unit}s.
     *
     * @param timeout the longest wait
     * @param unit the unit of {@code timeout}
     * @return {@code true} if all tasks were done, {@code false} on timeout
     * @throws InterruptedException if interrupted
     */
    @Override
    boolean join(long timeout, TimeUnit unit) throws InterruptedException;

    /**
     * A future completed (with {@code null}) when {@link #join()} would return. The wait runs on a
     * virtual thread; cancelling the future ends it and changes nothing else.
     *
     * @return the future
     */
    @Override
    CompletableFuture<@Nullable Void> joinAsync();

    /**
     * The approximate number of unfinished tasks: messages in the queue plus messages taken by
     * live processes and not yet marked done. Reads the whole queue; other processes change it at
     * any moment.
     *
     * @return the estimate
     */
    @Override
    long unfinishedTasks();

    /**
     * A view of this queue that puts and takes values through {@code codec}, with this queue's
     * {@code taskDone}/{@code join}.
     *
     * @param codec the codec
     * @param <T> the value type
     * @return the view (a new object; views are cheap)
     */
    @Override
    default <T> TypedJoinableQueue<T> typed(MessageCodec<T> codec) {
        return TypedJoinableQueue.of(this, codec);
    }
}
