package dev.weft.testlib.queue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * What {@link QueueContractTest} needs from a queue: a bounded FIFO queue of strings with blocking,
 * timed, immediate and asynchronous forms, {@code taskDone}/{@code join} and {@code shutdown}.
 * Each implementation's test adapts its queue to this interface; exceptions pass through unchanged
 * and are classified by the test's {@code ...Exception()} methods.
 */
public interface ContractQueue extends AutoCloseable {

    /** Blocking put (Python {@code await put}). */
    void put(String item) throws InterruptedException;

    /** Timed put: {@code false} if still full after {@code timeout}. */
    boolean offer(String item, Duration timeout) throws InterruptedException;

    /** Blocking get (Python {@code await get}). */
    String take() throws InterruptedException;

    /** Timed get: {@code null} if still empty after {@code timeout}. */
    @Nullable String poll(Duration timeout) throws InterruptedException;

    /** Python {@code put_nowait}: throws the implementation's "full" exception. */
    void putNowait(String item);

    /** Python {@code get_nowait}: throws the implementation's "empty" exception. */
    String getNowait();

    /** An asynchronous put; cancelling it before it takes effect puts nothing. */
    CompletableFuture<Void> putAsync(String item);

    /** An asynchronous get; cancelling it before it takes effect takes nothing. */
    CompletableFuture<String> getAsync();

    /** Python {@code task_done}. */
    void taskDone();

    /** Python {@code join}. */
    void join() throws InterruptedException;

    /** A future completed when {@link #join()} would return. */
    CompletableFuture<Void> joinAsync();

    /** Python 3.13 {@code shutdown(immediate)}. */
    void shutdown(boolean immediate);

    /** Python {@code qsize} (exact when nothing else is running). */
    int qsize();

    /** Releases the queue's resources (a no-op for an in-process queue). */
    @Override
    void close();
}
