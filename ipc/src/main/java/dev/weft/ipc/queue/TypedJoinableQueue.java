package dev.weft.ipc.queue;

import dev.weft.core.queue.JoinableQueue;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A {@link TypedQueue} view of an {@link IpcJoinableQueue}: values in and out through a
 * {@link MessageCodec}, and the queue's {@code taskDone}/{@code join}, so that it meets the
 * {@link JoinableQueue} contract. Obtain one with {@link IpcJoinableQueue#typed(MessageCodec)}.
 *
 * <p>{@code taskDone}, {@code join} and the unfinished count are the underlying queue's, shared by
 * every process (see {@link IpcJoinableQueue} for how tasks of dead processes are counted).
 *
 * {@snippet :
 * TypedJoinableQueue<String> jobs = domain.joinableQueue("jobs", 1024, 512).typed(MessageCodec.utf8());
 * jobs.put("resize img-42.png");
 * jobs.join();                       // until some process got it and called taskDone()
 * }
 *
 * @param <T> the value type
 * @since 0.1
 */
public final class TypedJoinableQueue<T> extends TypedQueue<T> implements JoinableQueue<T> {

    private final IpcJoinableQueue joinable;

    private TypedJoinableQueue(IpcJoinableQueue queue, MessageCodec<T> codec) {
        super(queue, codec);
        this.joinable = queue;
    }

    /**
     * A view of {@code queue} through {@code codec}.
     *
     * @param queue the queue
     * @param codec the codec
     * @param <T> the value type
     * @return the view
     */
    public static <T> TypedJoinableQueue<T> of(IpcJoinableQueue queue, MessageCodec<T> codec) {
        return new TypedJoinableQueue<>(Objects.requireNonNull(queue, "queue"), Objects.requireNonNull(codec, "codec"));
    }

    /**
     * The underlying joinable byte queue.
     *
     * @return the queue
     */
    @Override
    public IpcJoinableQueue queue() {
        return joinable;
    }

    /**
     * Marks one task done; see {@link IpcJoinableQueue#taskDone()}.
     *
     * @throws IllegalStateException if no taken message is waiting to be marked done
     */
    @Override
    public void taskDone() {
        joinable.taskDone();
    }

    /**
     * Waits until every message put has been taken and marked done; see
     * {@link IpcJoinableQueue#join()}.
     *
     * @throws InterruptedException if interrupted
     */
    @Override
    public void join() throws InterruptedException {
        joinable.join();
    }

    /**
     * As {@link #join()}, waiting at most {@code timeout}.
     *
     * @param timeout the longest wait
     * @return {@code true} if all tasks were done, {@code false} on timeout
     * @throws InterruptedException if interrupted
     */
    @Override
    public boolean join(Duration timeout) throws InterruptedException {
        return joinable.join(timeout);
    }

    /**
     * As {@link #join(Duration)}, with the timeout in {@code unit}s.
     *
     * @param timeout the longest wait
     * @param unit the unit of {@code timeout}
     * @return {@code true} if all tasks were done, {@code false} on timeout
     * @throws InterruptedException if interrupted
     */
    @Override
    public boolean join(long timeout, TimeUnit unit) throws InterruptedException {
        return joinable.join(timeout, unit);
    }

    /**
     * A future completed when {@link #join()} would return; see
     * {@link IpcJoinableQueue#joinAsync()}.
     *
     * @return the future
     */
    @Override
    public CompletableFuture<@Nullable Void> joinAsync() {
        return joinable.joinAsync();
    }

    /**
     * The approximate number of unfinished tasks; see {@link IpcJoinableQueue#unfinishedTasks()}.
     *
     * @return the estimate
     */
    @Override
    public long unfinishedTasks() {
        return joinable.unfinishedTasks();
    }
}
