package dev.weft.ipc.queue;

import dev.weft.core.internal.LinkedFuture;
import dev.weft.core.queue.QueueEmptyException;
import dev.weft.core.queue.QueueFullException;
import dev.weft.core.queue.WorkQueue;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A view of an {@link IpcQueue} that puts and takes values of type {@code T} through a
 * {@link MessageCodec}. Obtain one with {@link IpcQueue#typed(MessageCodec)}.
 *
 * <p>Every method behaves as the byte-message method of the same name (blocking, interrupts,
 * timeouts, cancellation: see the package's <a href="package-summary.html#blocking">rules</a>),
 * with two additions:
 * <ul>
 *   <li><b>Encoding</b> happens in the calling thread, before anything is put: if the codec
 *       throws, the put throws that exception and nothing is enqueued (Python's
 *       {@code multiprocessing.Queue} pickles in a feeder thread and drops the message silently
 *       when that fails). A value whose encoding exceeds the queue's maximum message size is
 *       rejected with {@link IllegalArgumentException}.</li>
 *   <li><b>Decoding</b> happens after the message is taken: if the codec throws, the take throws
 *       {@link MessageCodecException} holding the raw message, so it is not lost.</li>
 * </ul>
 * A typed view meets the {@link WorkQueue} contract, so code written against that contract runs
 * unchanged on it; the view of an {@link IpcJoinableQueue} is a {@link TypedJoinableQueue}, which
 * meets {@link dev.weft.core.queue.JoinableQueue}.
 *
 * <p><b>Thread safety:</b> as the underlying queue (the codec must be thread-safe).
 *
 * {@snippet :
 * TypedQueue<String> lines = domain.queue("lines", 1024, 512).typed(MessageCodec.utf8());
 * lines.put("hello");
 * String line = lines.get();    // in another process
 * }
 *
 * @param <T> the value type
 * @since 0.1
 */
public sealed class TypedQueue<T> implements WorkQueue<T> permits TypedJoinableQueue {

    /** First encoding buffer; doubled on overflow up to the maximum message size. */
    private static final int INITIAL_ENCODE_BYTES = 256;

    private final IpcQueue queue;
    private final MessageCodec<T> codec;

    TypedQueue(IpcQueue queue, MessageCodec<T> codec) {
        this.queue = queue;
        this.codec = codec;
    }

    /**
     * A view of {@code queue} through {@code codec}.
     *
     * @param queue the queue
     * @param codec the codec
     * @param <T> the value type
     * @return the view
     */
    public static <T> TypedQueue<T> of(IpcQueue queue, MessageCodec<T> codec) {
        return new TypedQueue<>(Objects.requireNonNull(queue, "queue"), Objects.requireNonNull(codec, "codec"));
    }

    /**
     * The underlying byte queue.
     *
     * @return the queue
     */
    public IpcQueue queue() {
        return queue;
    }

    /**
     * The codec.
     *
     * @return the codec
     */
    public MessageCodec<T> codec() {
        return codec;
    }

    /**
     * Encodes and puts {@code value}, waiting while the queue is full; see {@link IpcQueue#put(ByteBuffer)}.
     *
     * @param value the value
     * @throws InterruptedException if interrupted before the value was put
     * @throws IllegalArgumentException if the encoding is longer than the maximum message size
     */
    @Override
    public void put(T value) throws InterruptedException {
        queue.put(encode(value));
    }

    /**
     * Encodes and puts {@code value}, waiting at most {@code timeout}; see
     * {@link IpcQueue#offer(ByteBuffer, Duration)}.
     *
     * @param value the value
     * @param timeout the longest wait
     * @return {@code true} if put, {@code false} on timeout
     * @throws InterruptedException if interrupted before the value was put
     */
    @Override
    public boolean offer(T value, Duration timeout) throws InterruptedException {
        return queue.offer(encode(value), timeout);
    }

    /**
     * Encodes and puts {@code value}, waiting at most {@code timeout} while the queue is full; see
     * {@link IpcQueue#offer(byte[], long, TimeUnit)}.
     *
     * @param value the value
     * @param timeout the longest wait, in {@code unit}s
     * @param unit the unit of {@code timeout}
     * @return {@code true} if put, {@code false} on timeout
     * @throws InterruptedException if interrupted before the value was put
     * @throws IllegalArgumentException if the encoding is longer than the maximum message size
     */
    @Override
    public boolean offer(T value, long timeout, TimeUnit unit) throws InterruptedException {
        ByteBuffer encoded = encode(value);
        return queue.offer(encoded, Duration.ofNanos(unit.toNanos(timeout)));
    }

    /**
     * Encodes and puts {@code value} if there is room now; see {@link IpcQueue#offer(ByteBuffer)}.
     *
     * @param value the value
     * @return {@code true} if put, {@code false} if full
     */
    @Override
    public boolean offer(T value) {
        return queue.offer(encode(value));
    }

    /**
     * Encodes and puts {@code value} if there is room now, or throws; see
     * {@link IpcQueue#putNowait(ByteBuffer)}.
     *
     * @param value the value
     * @throws QueueFullException if the queue is full
     */
    @Override
    public void putNowait(T value) {
        queue.putNowait(encode(value));
    }

    /**
     * Encodes {@code value} now and puts it from a virtual thread; see {@link IpcQueue#putAsync(byte[])}.
     *
     * @param value the value
     * @return a future completed once the value is committed
     */
    @Override
    public CompletableFuture<@Nullable Void> putAsync(T value) {
        ByteBuffer encoded = encode(value);
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        return queue.putAsync(bytes);
    }

    /**
     * Takes and decodes the next value, waiting while there is none; see {@link IpcQueue#get()}.
     *
     * @return the value
     * @throws InterruptedException if interrupted before a message was taken
     * @throws MessageCodecException if the message cannot be decoded
     */
    @Override
    public T get() throws InterruptedException {
        return decode(queue.get());
    }

    /**
     * Takes and decodes the next value, waiting at most {@code timeout}; see
     * {@link IpcQueue#poll(Duration)}.
     *
     * @param timeout the longest wait
     * @return the value, or {@code null} on timeout
     * @throws InterruptedException if interrupted before a message was taken
     */
    @Override
    public @Nullable T poll(Duration timeout) throws InterruptedException {
        byte[] message = queue.poll(timeout);
        return message == null ? null : decode(message);
    }

    /**
     * As {@link #poll(Duration)}, with the timeout in {@code unit}s.
     *
     * @param timeout the longest wait
     * @param unit the unit of {@code timeout}
     * @return the value, or {@code null} on timeout
     * @throws InterruptedException if interrupted before a message was taken
     */
    @Override
    public @Nullable T poll(long timeout, TimeUnit unit) throws InterruptedException {
        byte[] message = queue.poll(timeout, unit);
        return message == null ? null : decode(message);
    }

    /**
     * Takes and decodes a value if one is ready now; see {@link IpcQueue#poll()}.
     *
     * @return the value, or {@code null} if none is ready
     */
    @Override
    public @Nullable T poll() {
        byte[] message = queue.poll();
        return message == null ? null : decode(message);
    }

    /**
     * Takes and decodes a value if one is ready now, or throws; see {@link IpcQueue#getNowait()}.
     *
     * @return the value
     * @throws QueueEmptyException if none is ready
     */
    @Override
    public T getNowait() {
        return decode(queue.getNowait());
    }

    /**
     * Takes the next value from a virtual thread; see {@link IpcQueue#getAsync()}. A decoding
     * failure completes the future exceptionally with {@link MessageCodecException}. Cancelling
     * this future (or completing it from outside) withdraws the underlying take as
     * {@link IpcQueue#getAsync()} describes; if the message was already handed over, the
     * cancellation fails and this future completes with the decoded value.
     *
     * @return the future
     */
    @Override
    public CompletableFuture<T> getAsync() {
        return LinkedFuture.map(queue.getAsync(), this::decode);
    }

    private ByteBuffer encode(T value) {
        Objects.requireNonNull(value, "value");
        int max = queue.maxMessageSize();
        int size = Math.min(max, INITIAL_ENCODE_BYTES);
        while (true) {
            ByteBuffer buffer = ByteBuffer.allocate(size);
            try {
                codec.encode(value, buffer);
                return buffer.flip();
            } catch (BufferOverflowException e) {
                if (size >= max) {
                    throw new IllegalArgumentException("the encoding of the value is longer than the maximum message size "
                            + max + " of queue '" + queue.name() + "' (codec " + codec + ")", e);
                }
                size = (int) Math.min(max, 2L * size);
            }
        }
    }

    private T decode(byte[] message) {
        try {
            return Objects.requireNonNull(codec.decode(ByteBuffer.wrap(message).asReadOnlyBuffer()),
                    "codec returned null");
        } catch (RuntimeException e) {
            throw new MessageCodecException("cannot decode a " + message.length + "-byte message of queue '"
                    + queue.name() + "' with " + codec + ": " + e.getMessage(), message, e);
        }
    }

    /** Shuts the underlying queue down gracefully; see {@link IpcQueue#shutdown()}. */
    @Override
    public void shutdown() {
        queue.shutdown();
    }

    /**
     * Shuts the underlying queue down; see {@link IpcQueue#shutdown(boolean)}.
     *
     * @param immediate {@code true} to discard the messages left in the queue
     */
    @Override
    public void shutdown(boolean immediate) {
        queue.shutdown(immediate);
    }

    /**
     * Whether the underlying queue is shut down.
     *
     * @return {@code true} if shut down
     */
    @Override
    public boolean isShutdown() {
        return queue.isShutdown();
    }

    /**
     * The underlying queue's capacity in messages.
     *
     * @return the capacity
     */
    @Override
    public int capacity() {
        return queue.capacity();
    }

    /**
     * The underlying queue's approximate size; see {@link IpcQueue#size()}.
     *
     * @return the estimate
     */
    @Override
    public int size() {
        return queue.size();
    }

    /**
     * Whether the underlying queue is probably empty; see {@link IpcQueue#isEmpty()}.
     *
     * @return {@code true} if probably empty
     */
    @Override
    public boolean isEmpty() {
        return queue.isEmpty();
    }

    /**
     * Whether the underlying queue is probably full; see {@link IpcQueue#isFull()}.
     *
     * @return {@code true} if probably full
     */
    @Override
    public boolean isFull() {
        return queue.isFull();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + queue + ", " + codec + "]";
    }
}
