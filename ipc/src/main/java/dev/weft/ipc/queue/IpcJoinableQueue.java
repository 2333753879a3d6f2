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
 * <h2>Acknowledgement: at-least-once until {@code taskDone}</h2>
 * A queue created with {@link QueueSpec.Acknowledgement#ON_TASK_DONE} (recorded in its file; every
 * opener must ask for the same mode) keeps each taken message owned by the process that took it
 * until that process acknowledges it with {@link #taskDone()} or {@link #taskDone(Delivery)}. If
 * the process dies first (or closes its domain), the message is delivered again, to any consumer,
 * within about two liveness slices, with its {@linkplain Delivery#deliveryCount() delivery count}
 * raised; after {@link QueueSpec#maxDeliveries()} deliveries (if set) it is dead-lettered instead:
 * removed and counted in {@link QueueStats#deadLettered()}. So a message put is, in the end,
 * acknowledged once, dead-lettered, or discarded by {@link #shutdown(boolean) shutdown(true)}; it
 * is delivered more than once only when a consumer died (or closed its domain) holding it, and
 * then {@link Delivery#isRedelivery()} says so. The accounting of duplicates and losses is in
 * {@code docs/ipc-queue.md}.
 * <ul>
 *   <li><b>Which message {@code taskDone} acknowledges.</b> {@link #taskDone(Delivery)}
 *       acknowledges exactly the message of that delivery (from {@link #takeDelivery()} and its
 *       forms), in any order. {@link #taskDone()} acknowledges the oldest message that this process
 *       took (through any handle of the queue, any take method) and has not acknowledged: take
 *       order, which is what a consumer that finishes its messages in order wants, and what the
 *       {@link JoinableQueue} contract needs. A process acknowledges only its own messages.</li>
 *   <li><b>Capacity.</b> A held message keeps its slot until acknowledged: unacknowledged
 *       messages count against the capacity, and producers cannot lap the oldest one (the queue is
 *       full at its slot), as a consumer that never returns from its take would block them in
 *       {@link QueueSpec.Acknowledgement#ON_TAKE} mode.</li>
 *   <li><b>Unfinished tasks</b> are the messages in the queue plus the held ones; a held message of
 *       a dead process is redelivered, never abandoned ({@link QueueStats#abandonedTasks()} stays
 *       0).</li>
 *   <li>A process that closes its domain while holding messages gives them back: the others find
 *       its participant dead and redeliver them; a {@code taskDone} after that throws.</li>
 * </ul>
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
     * <p>With {@link QueueSpec.Acknowledgement#ON_TASK_DONE}: acknowledges the oldest message this
     * process took and has not acknowledged (take order), which frees its slot; never one of
     * another process.
     *
     * @throws IllegalStateException if no taken message is waiting to be marked done (Python
     *     raises {@code ValueError}; with {@code ON_TASK_DONE}, none held by this process), if the
     *     message was already redelivered because this process was found dead (its domain closed),
     *     or if this handle or its domain is closed
     */
    @Override
    void taskDone();

    /**
     * Marks the task of {@code delivery} done: with {@link QueueSpec.Acknowledgement#ON_TASK_DONE},
     * acknowledges exactly that message (in any order relative to the others this process holds)
     * and frees its slot; with {@link QueueSpec.Acknowledgement#ON_TAKE}, as {@link #taskDone()},
     * once per delivery. Never blocks.
     *
     * @param delivery a delivery taken from this queue in this process
     * @throws IllegalArgumentException if {@code delivery} was not taken from this queue in this
     *     process
     * @throws IllegalStateException if it was already acknowledged (by this method, or by a
     *     {@link #taskDone()} that picked it), if it was redelivered because this process was found
     *     dead, or if this handle or its domain is closed
     */
    void taskDone(Delivery<?> delivery);

    /**
     * Takes a message as {@link #get()} does, with its delivery count and a handle to acknowledge
     * it by {@link #taskDone(Delivery)}.
     *
     * <h4>Blocking and cancellation</h4>
     * As {@link #get()}: blocks while the queue is empty; wakes on a put, a shutdown, a close, the
     * end of a liveness slice or spuriously; an interrupt on entry or while waiting throws
     * {@link InterruptedException} with nothing taken. Once it has claimed a message it does not
     * wait again and returns it.
     *
     * @return the delivery
     * @throws InterruptedException if interrupted while waiting
     * @throws dev.weft.core.queue.QueueShutDownException if the queue is shut down and empty
     * @throws IllegalStateException if this handle or its domain is closed, or the queue is damaged
     */
    Delivery<byte[]> takeDelivery() throws InterruptedException;

    /**
     * As {@link #takeDelivery()}, waiting at most {@code timeout}.
     *
     * @param timeout the longest wait; zero or negative: do not wait
     * @return the delivery, or {@code null} on timeout (nothing taken)
     * @throws InterruptedException if interrupted while waiting
     */
    @Nullable Delivery<byte[]> pollDelivery(Duration timeout) throws InterruptedException;

    /**
     * As {@link #takeDelivery()}, without waiting.
     *
     * @return the delivery, or {@code null} if the queue is empty
     */
    @Nullable Delivery<byte[]> pollDelivery();

    /**
     * The acknowledgement mode the queue was created with.
     *
     * @return {@link QueueSpec.Acknowledgement#ON_TAKE} or {@link QueueSpec.Acknowledgement#ON_TASK_DONE}
     */
    QueueSpec.Acknowledgement acknowledgement();

    /**
     * With {@link QueueSpec.Acknowledgement#ON_TASK_DONE}: how many messages this process has
     * taken from the queue and not acknowledged yet (0 in {@code ON_TAKE} mode).
     *
     * @return the count
     */
    int heldMessages();

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
