package dev.weft.ipc.queue;

import dev.weft.core.queue.QueueEmptyException;
import dev.weft.core.queue.QueueFullException;
import dev.weft.core.queue.QueueShutDownException;
import dev.weft.core.queue.WorkQueue;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A bounded multi-producer, multi-consumer queue of byte messages shared by processes on one host:
 * the counterpart of Python's {@code multiprocessing.Queue}, made crash-safe.
 *
 * <p><b>Semantics:</b> a FIFO work queue with a fixed capacity in messages and a fixed maximum
 * message size, both chosen at creation ({@link QueueSpec}). Each message goes to exactly one
 * consumer, in any process; see the package's <a href="package-summary.html#delivery">delivery
 * guarantees</a>, in particular what happens when a producer or consumer is killed. A put copies
 * the message into shared memory before it returns (there is no feeder thread: a process may exit
 * right after its put, and the message stays). A message larger than
 * {@link #maxMessageSize()} is rejected with {@link IllegalArgumentException} before anything is
 * put.
 *
 * <table class="striped">
 *   <caption>The forms of each operation</caption>
 *   <thead><tr><th></th><th>throws</th><th>special value</th><th>blocks</th><th>times out</th><th>asynchronous</th></tr></thead>
 *   <tbody>
 *     <tr><td>put</td><td>{@link #putNowait(byte[])}</td><td>{@link #offer(byte[])}</td><td>{@link #put(byte[])}</td>
 *         <td>{@link #offer(byte[], Duration)}</td><td>{@link #putAsync(byte[])}</td></tr>
 *     <tr><td>get</td><td>{@link #getNowait()}</td><td>{@link #poll()}</td><td>{@link #get()}</td>
 *         <td>{@link #poll(Duration)}</td><td>{@link #getAsync()}</td></tr>
 *     <tr><td>get into a buffer</td><td>{@link #getNowait(ByteBuffer)}</td><td>{@link #poll(ByteBuffer)}</td><td>{@link #get(ByteBuffer)}</td>
 *         <td>{@link #poll(ByteBuffer, Duration)}</td><td></td></tr>
 *   </tbody>
 * </table>
 * Puts also take a {@link ByteBuffer} (its remaining bytes) or a range of an array, without an
 * intermediate copy; the buffer forms of get copy the message straight from shared memory into the
 * caller's buffer. {@link #typed(MessageCodec)} gives a view that encodes and decodes values.
 *
 * <p><b>Shutdown and detach:</b> {@link #shutdown(boolean)} ends the queue for every process
 * (Python 3.13's {@code Queue.shutdown}); {@link #close()} only detaches this handle.
 *
 * <p><b>Sizes</b> ({@link #size()}, {@link #isEmpty()}, {@link #isFull()}) are estimates, as in
 * Python: other processes change the queue at any moment.
 *
 * <p><b>Blocking, interrupts, timeouts, cancellation</b> follow the package's
 * <a href="package-summary.html#blocking">rules</a>; <b>memory consistency</b> its
 * <a href="package-summary.html#memory">happens-before rule</a>.
 *
 * <p><b>Thread safety:</b> all methods may be called from any thread, platform or virtual; a
 * waiting virtual thread does not hold its carrier.
 *
 * {@snippet :
 * try (IpcDomain domain = IpcDomain.openDefault("my-app")) {
 *     IpcQueue jobs = domain.queue("jobs", 1024, 256);   // created on first use
 *     jobs.put("resize img-42.png".getBytes(StandardCharsets.UTF_8));
 *     byte[] job = jobs.get();                           // in another process
 * }
 * }
 *
 * @since 0.1
 */
public interface IpcQueue extends WorkQueue<byte[]>, AutoCloseable {

    /**
     * The queue's name in its domain.
     *
     * @return the name
     */
    String name();

    /**
     * How many messages the queue holds when full.
     *
     * @return the capacity
     */
    int capacity();

    /**
     * The largest message, in bytes.
     *
     * @return the maximum message size
     */
    int maxMessageSize();

    /**
     * Puts a message, waiting while the queue is full.
     *
     * <h4>Blocking and cancellation</h4>
     * Blocks while the queue is full at this producer's position. Wakes when a consumer frees a
     * slot, on {@link #shutdown(boolean)} (then throws), on {@link #close()} of this handle (then
     * throws), or spuriously (then waits again). An interrupt on entry or while waiting throws
     * {@link InterruptedException} with nothing put. Once this method returns, the message is
     * committed: it survives the death of this process.
     *
     * @param message the message (copied; the array may be reused at once)
     * @throws InterruptedException if interrupted before the message was put
     * @throws IllegalArgumentException if the message is longer than {@link #maxMessageSize()}
     * @throws QueueShutDownException if the queue is shut down (nothing is put)
     * @throws IllegalStateException if this handle or its domain is closed, or the queue was marked damaged
     *     in this process (see the package's <a href="package-summary.html#blocking">rules</a>)
     */
    void put(byte[] message) throws InterruptedException;

    /**
     * As {@link #put(byte[])}, for {@code length} bytes of {@code message} from {@code offset}.
     *
     * @param message the array holding the message
     * @param offset where the message starts
     * @param length the message length
     * @throws InterruptedException if interrupted before the message was put
     * @throws IndexOutOfBoundsException if the range is not inside the array
     */
    void put(byte[] message, int offset, int length) throws InterruptedException;

    /**
     * As {@link #put(byte[])}, for the remaining bytes of {@code message}; on success the buffer's
     * position advances to its limit, otherwise it is unchanged.
     *
     * @param message the message
     * @throws InterruptedException if interrupted before the message was put
     */
    void put(ByteBuffer message) throws InterruptedException;

    /**
     * Puts a message, waiting at most {@code timeout} while the queue is full. Blocks, wakes and
     * reacts to interrupts as {@link #put(byte[])}.
     *
     * @param message the message (copied)
     * @param timeout the longest wait; zero or negative: do not wait
     * @return {@code true} if put, {@code false} if the queue stayed full (nothing is put)
     * @throws InterruptedException if interrupted before the message was put
     * @throws QueueShutDownException if the queue is shut down
     */
    boolean offer(byte[] message, Duration timeout) throws InterruptedException;

    /**
     * As {@link #offer(byte[], Duration)}, with the timeout in {@code unit}s.
     *
     * @param message the message (copied)
     * @param timeout the longest wait
     * @param unit the unit of {@code timeout}
     * @return {@code true} if put, {@code false} on timeout
     * @throws InterruptedException if interrupted before the message was put
     */
    boolean offer(byte[] message, long timeout, TimeUnit unit) throws InterruptedException;

    /**
     * As {@link #offer(byte[], Duration)}, for the remaining bytes of {@code message} (the position
     * advances only if put).
     *
     * @param message the message
     * @param timeout the longest wait
     * @return {@code true} if put, {@code false} on timeout
     * @throws InterruptedException if interrupted before the message was put
     */
    boolean offer(ByteBuffer message, Duration timeout) throws InterruptedException;

    /**
     * As {@link #offer(ByteBuffer, Duration)}, with the timeout in {@code unit}s.
     *
     * @param message the message
     * @param timeout the longest wait, in {@code unit}s
     * @param unit the unit of {@code timeout}
     * @return {@code true} if put, {@code false} on timeout
     * @throws InterruptedException if interrupted before the message was put
     */
    default boolean offer(ByteBuffer message, long timeout, TimeUnit unit) throws InterruptedException {
        return offer(message, Duration.ofNanos(unit.toNanos(timeout)));
    }

    /**
     * Puts a message if there is room now; never waits.
     *
     * @param message the message (copied)
     * @return {@code true} if put, {@code false} if the queue is full
     * @throws QueueShutDownException if the queue is shut down
     */
    boolean offer(byte[] message);

    /**
     * As {@link #offer(byte[])}, for the remaining bytes of {@code message} (the position advances
     * only if put).
     *
     * @param message the message
     * @return {@code true} if put, {@code false} if the queue is full
     */
    boolean offer(ByteBuffer message);

    /**
     * Puts a message if there is room now, or throws: Python's {@code put_nowait}.
     *
     * @param message the message (copied)
     * @throws QueueFullException if the queue is full
     * @throws QueueShutDownException if the queue is shut down (checked first, as in Python)
     */
    void putNowait(byte[] message);

    /**
     * As {@link #putNowait(byte[])}, for {@code length} bytes of {@code message} from {@code offset}.
     *
     * @param message the array holding the message
     * @param offset where the message starts
     * @param length the message length
     */
    void putNowait(byte[] message, int offset, int length);

    /**
     * As {@link #putNowait(byte[])}, for the remaining bytes of {@code message} (the position
     * advances only if put).
     *
     * @param message the message
     */
    void putNowait(ByteBuffer message);

    /**
     * Puts a message from a virtual thread, waiting while the queue is full; the future completes
     * (with {@code null}) once the message is committed.
     *
     * <p>The message is copied now. Cancelling the future (or any other completion of it by the
     * caller, such as {@link CompletableFuture#orTimeout}) before the message is committed puts
     * nothing; after, the cancellation fails. The future completes exceptionally with
     * {@link QueueShutDownException} or {@link IllegalStateException} as {@link #put(byte[])} would
     * throw.
     *
     * @param message the message (copied)
     * @return the future
     * @throws IllegalArgumentException if the message is longer than {@link #maxMessageSize()}
     */
    CompletableFuture<@Nullable Void> putAsync(byte[] message);

    /**
     * Takes the next message, waiting while there is none.
     *
     * <h4>Blocking and cancellation</h4>
     * Blocks while no committed message is at this consumer's position. Wakes when a producer
     * commits a message, on {@link #shutdown(boolean)} (then throws once the queue is empty, or at
     * once after an immediate shutdown), on {@link #close()} of this handle, or spuriously (then
     * waits again). An interrupt on entry or while waiting throws {@link InterruptedException} with
     * nothing taken. If this process dies after taking the message but before this method returns,
     * the message is delivered again to another consumer.
     *
     * @return the message
     * @throws InterruptedException if interrupted before a message was taken
     * @throws QueueShutDownException if the queue is shut down and empty
     * @throws IllegalStateException if this handle or its domain is closed, or the queue was marked damaged
     *     in this process (see the package's <a href="package-summary.html#blocking">rules</a>)
     */
    @Override
    byte[] get() throws InterruptedException;

    /**
     * As {@link #get()}, copying the message into {@code destination} from its position (which
     * advances by the message length) instead of allocating an array.
     *
     * @param destination a buffer with at least {@link #maxMessageSize()} bytes remaining
     * @return the message length
     * @throws InterruptedException if interrupted before a message was taken
     * @throws IllegalArgumentException if {@code destination} has fewer than
     *     {@link #maxMessageSize()} bytes remaining (checked first: nothing is taken)
     */
    int get(ByteBuffer destination) throws InterruptedException;

    /**
     * Takes the next message, waiting at most {@code timeout}. Blocks, wakes and reacts to
     * interrupts as {@link #get()}.
     *
     * @param timeout the longest wait; zero or negative: do not wait
     * @return the message, or {@code null} if none came (nothing is taken)
     * @throws InterruptedException if interrupted before a message was taken
     * @throws QueueShutDownException if the queue is shut down and empty
     */
    byte @Nullable [] poll(Duration timeout) throws InterruptedException;

    /**
     * As {@link #poll(Duration)}, with the timeout in {@code unit}s.
     *
     * @param timeout the longest wait
     * @param unit the unit of {@code timeout}
     * @return the message, or {@code null} on timeout
     * @throws InterruptedException if interrupted before a message was taken
     */
    byte @Nullable [] poll(long timeout, TimeUnit unit) throws InterruptedException;

    /**
     * As {@link #poll(Duration)}, copying into {@code destination} as {@link #get(ByteBuffer)}.
     *
     * @param destination a buffer with at least {@link #maxMessageSize()} bytes remaining
     * @param timeout the longest wait
     * @return the message length, or {@code -1} on timeout
     * @throws InterruptedException if interrupted before a message was taken
     */
    int poll(ByteBuffer destination, Duration timeout) throws InterruptedException;

    /**
     * As {@link #poll(ByteBuffer, Duration)}, with the timeout in {@code unit}s.
     *
     * @param destination a buffer with at least {@link #maxMessageSize()} bytes remaining
     * @param timeout the longest wait, in {@code unit}s
     * @param unit the unit of {@code timeout}
     * @return the message length, or {@code -1} on timeout
     * @throws InterruptedException if interrupted before a message was taken
     */
    default int poll(ByteBuffer destination, long timeout, TimeUnit unit) throws InterruptedException {
        return poll(destination, Duration.ofNanos(unit.toNanos(timeout)));
    }

    /**
     * Takes a message if one is ready now; never waits.
     *
     * @return the message, or {@code null} if none is ready
     * @throws QueueShutDownException if the queue is shut down and empty
     */
    byte @Nullable [] poll();

    /**
     * As {@link #poll()}, copying into {@code destination} as {@link #get(ByteBuffer)}.
     *
     * @param destination a buffer with at least {@link #maxMessageSize()} bytes remaining
     * @return the message length, or {@code -1} if none is ready
     */
    int poll(ByteBuffer destination);

    /**
     * Takes a message if one is ready now, or throws: Python's {@code get_nowait}. A message whose
     * put is still in progress is not ready (Python's "infinitesimal delay").
     *
     * @return the message
     * @throws QueueEmptyException if none is ready
     * @throws QueueShutDownException if the queue is shut down and empty
     */
    byte[] getNowait();

    /**
     * As {@link #getNowait()}, copying into {@code destination} as {@link #get(ByteBuffer)}.
     *
     * @param destination a buffer with at least {@link #maxMessageSize()} bytes remaining
     * @return the message length
     * @throws QueueEmptyException if none is ready
     */
    int getNowait(ByteBuffer destination);

    /**
     * Takes the next message from a virtual thread; the future completes with it.
     *
     * <p>Cancelling the future (or any other completion of it by the caller) before the message is
     * handed over takes nothing: a message the thread had already taken is put back for another
     * consumer (counted in {@link QueueStats#redeliveries()}). After the hand-over the cancellation
     * fails and the future holds the message. The future completes exceptionally with
     * {@link QueueShutDownException} or {@link IllegalStateException} as {@link #get()} would
     * throw.
     *
     * @return the future
     */
    CompletableFuture<byte[]> getAsync();

    /**
     * The approximate number of messages in the queue (committed or being written, not yet taken),
     * from 0 to {@link #capacity()}. A snapshot of two counters that other processes change at any
     * moment: use it for monitoring, not for control.
     *
     * @return the estimate
     */
    @Override
    int size();

    /**
     * Whether no message is ready at the consumers' position now (an estimate, as
     * {@link #size()}).
     *
     * @return {@code true} if probably empty
     */
    boolean isEmpty();

    /**
     * Whether there is no room at the producers' position now (an estimate, as {@link #size()}).
     *
     * @return {@code true} if probably full
     */
    boolean isFull();

    /**
     * Shuts the queue down gracefully for every process: {@code shutdown(false)}.
     */
    void shutdown();

    /**
     * Shuts the queue down for every process, for good (the state is kept in the queue's file).
     *
     * <p>From then on puts throw {@link QueueShutDownException}, including those blocked now, in any
     * process. With {@code immediate == false} takes go on returning the messages still in the queue
     * and throw once it is empty (blocked takers wake and throw). With {@code immediate == true} the
     * messages still in the queue are discarded (counted in {@link QueueStats#discarded()}) and
     * every take throws at once; for a {@link IpcJoinableQueue}, discarded messages no longer count
     * as unfinished tasks, so {@code join()} returns once the messages already taken are marked
     * done. Puts already committing when the shutdown happens complete. Never blocks; idempotent.
     *
     * @param immediate {@code true} to discard the remaining messages
     * @throws IllegalStateException if this handle or its domain is closed, or the queue was marked damaged
     *     in this process (see the package's <a href="package-summary.html#blocking">rules</a>)
     */
    void shutdown(boolean immediate);

    /**
     * Whether the queue has been shut down (by any process).
     *
     * @return {@code true} if shut down
     */
    @Override
    boolean isShutdown();

    /**
     * The queue's recovery counters (shared by all processes).
     *
     * @return the counters
     */
    QueueStats stats();

    /**
     * A view of this queue that puts and takes values through {@code codec}.
     *
     * @param codec the codec
     * @param <T> the value type
     * @return the view (a new object; views are cheap)
     */
    default <T> TypedQueue<T> typed(MessageCodec<T> codec) {
        return TypedQueue.of(this, codec);
    }

    /**
     * Removes the queue's name from its domain, like Python's {@code SharedMemory.unlink()}: the
     * next process to open the name creates a new, empty queue. Processes that have the queue open
     * (this one included) keep using the old one, whose memory is freed when the last of them
     * closes its domain or exits. Messages still in it are lost with it. This handle stays usable.
     *
     * @throws IOException if the file cannot be removed (it is not an error if it is already gone)
     */
    void unlink() throws IOException;

    /**
     * Detaches this handle: later operations on it throw {@link IllegalStateException}, and
     * threads of this process blocked on it wake and throw it. Other processes, and other handles
     * on the same queue, are not affected; nothing in the queue changes. Idempotent.
     */
    @Override
    void close();
}
