package dev.weft.redis;

import dev.weft.core.internal.LinkedFuture;
import dev.weft.core.queue.JoinableQueue;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A typed view of a {@link RedisQueue}: the same queue, with elements encoded and decoded by a
 * {@link Codec}. It shares its queue handle (deliveries, {@code taskDone}, close), and every method
 * behaves as the queue's: see {@link RedisQueue} for blocking, cancellation and redelivery. A
 * decoding failure is thrown by the get that met it; the element then counts as got (mark it done
 * to settle it).
 *
 * @param <E> the element type
 * @since 0.1
 */
public final class TypedRedisQueue<E> implements JoinableQueue<E>, AutoCloseable {

    private final RedisQueue queue;
    private final Codec<E> codec;

    TypedRedisQueue(RedisQueue queue, Codec<E> codec) {
        this.queue = queue;
        this.codec = codec;
    }

    /**
     * The queue of bytes under this view.
     *
     * @return the queue
     */
    public RedisQueue bytes() {
        return queue;
    }

    private byte[] encode(E e) {
        return codec.encode(Objects.requireNonNull(e, "e"));
    }

    private @Nullable E decode(byte @Nullable [] b) {
        return b == null ? null : codec.decode(b);
    }

    @Override
    public void put(E e) throws InterruptedException {
        queue.put(encode(e));
    }

    @Override
    public boolean offer(E e, Duration timeout) throws InterruptedException {
        return queue.offer(encode(e), timeout);
    }

    @Override
    public boolean offer(E e, long timeout, TimeUnit unit) throws InterruptedException {
        return queue.offer(encode(e), timeout, unit);
    }

    @Override
    public boolean offer(E e) {
        return queue.offer(encode(e));
    }

    @Override
    public void putNowait(E e) {
        queue.putNowait(encode(e));
    }

    @Override
    public CompletableFuture<@Nullable Void> putAsync(E e) {
        return queue.putAsync(encode(e));
    }

    @Override
    public E get() throws InterruptedException {
        return codec.decode(queue.get());
    }

    @Override
    public @Nullable E poll(Duration timeout) throws InterruptedException {
        return decode(queue.poll(timeout));
    }

    @Override
    public @Nullable E poll(long timeout, TimeUnit unit) throws InterruptedException {
        return decode(queue.poll(timeout, unit));
    }

    @Override
    public @Nullable E poll() {
        return decode(queue.poll());
    }

    @Override
    public E getNowait() {
        return codec.decode(queue.getNowait());
    }

    @Override
    public CompletableFuture<E> getAsync() {
        return LinkedFuture.map(queue.getAsync(), codec::decode);
    }

    @Override
    public void shutdown() {
        queue.shutdown();
    }

    @Override
    public void shutdown(boolean immediate) {
        queue.shutdown(immediate);
    }

    @Override
    public boolean isShutdown() {
        return queue.isShutdown();
    }

    @Override
    public int capacity() {
        return queue.capacity();
    }

    @Override
    public int size() {
        return queue.size();
    }

    @Override
    public boolean isEmpty() {
        return queue.isEmpty();
    }

    @Override
    public boolean isFull() {
        return queue.isFull();
    }

    @Override
    public void taskDone() {
        queue.taskDone();
    }

    @Override
    public void join() throws InterruptedException {
        queue.join();
    }

    @Override
    public boolean join(Duration timeout) throws InterruptedException {
        return queue.join(timeout);
    }

    @Override
    public boolean join(long timeout, TimeUnit unit) throws InterruptedException {
        return queue.join(timeout, unit);
    }

    @Override
    public CompletableFuture<@Nullable Void> joinAsync() {
        return queue.joinAsync();
    }

    @Override
    public long unfinishedTasks() {
        return queue.unfinishedTasks();
    }

    /** Closes the queue handle under this view (see {@link RedisQueue#close()}). */
    @Override
    public void close() {
        queue.close();
    }

    @Override
    public String toString() {
        return "TypedRedisQueue[" + queue + "]";
    }
}
