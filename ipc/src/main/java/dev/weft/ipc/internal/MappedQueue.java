package dev.weft.ipc.internal;

import dev.weft.core.internal.Durations;
import dev.weft.core.queue.QueueEmptyException;
import dev.weft.core.queue.QueueFullException;
import dev.weft.ipc.queue.IpcQueue;
import dev.weft.ipc.queue.QueueStats;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * {@link IpcQueue} on a {@link QueueRing}: one handle of one domain handle. Argument checks, the
 * method forms and the handle's open/closed state live here; the algorithm is the ring's.
 */
public sealed class MappedQueue implements IpcQueue permits MappedJoinableQueue {

    private final String name;
    final QueueRing ring;
    private final DomainGuard guard;
    private final Path file;
    private volatile boolean closed;
    final QueueRing.OpenCheck open = this::checkOpen;

    MappedQueue(String name, QueueRing ring, DomainGuard guard, Path file) {
        this.name = Objects.requireNonNull(name);
        this.ring = Objects.requireNonNull(ring);
        this.guard = Objects.requireNonNull(guard);
        this.file = Objects.requireNonNull(file);
    }

    /** A handle on a ring built directly (tests, stress tests): never closed by a domain. */
    public static MappedQueue standalone(QueueRing ring) {
        return ring.joinable()
                ? new MappedJoinableQueue(ring.name(), ring, DomainGuard.alwaysOpen(), Path.of(ring.name()))
                : new MappedQueue(ring.name(), ring, DomainGuard.alwaysOpen(), Path.of(ring.name()));
    }

    final void checkOpen() {
        guard.check();
        if (closed) {
            throw new IllegalStateException("queue handle '" + name + "' is closed");
        }
        ring.checkNotDamaged();
    }

    /** The algorithm behind this handle (tests, diagnostics). */
    public QueueRing ring() {
        return ring;
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int capacity() {
        return ring.capacity();
    }

    @Override
    public int maxMessageSize() {
        return ring.maxMessageSize();
    }

    // ---- put ---------------------------------------------------------------------------------

    @Override
    public void put(byte[] message) throws InterruptedException {
        Objects.requireNonNull(message, "message");
        ring.put(message, 0, null, message.length, false, 0L, null, open);
    }

    @Override
    public void put(byte[] message, int offset, int length) throws InterruptedException {
        Objects.checkFromIndexSize(offset, length, message.length);
        ring.put(message, offset, null, length, false, 0L, null, open);
    }

    @Override
    public void put(ByteBuffer message) throws InterruptedException {
        int length = message.remaining();
        ring.put(null, 0, message, length, false, 0L, null, open);
        message.position(message.limit());
    }

    @Override
    public boolean offer(byte[] message, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(message, "message");
        return ring.put(message, 0, null, message.length, true, Durations.toNanos(timeout), null, open);
    }

    @Override
    public boolean offer(byte[] message, long timeout, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(message, "message");
        return ring.put(message, 0, null, message.length, true, unit.toNanos(timeout), null, open);
    }

    @Override
    public boolean offer(ByteBuffer message, Duration timeout) throws InterruptedException {
        int length = message.remaining();
        if (ring.put(null, 0, message, length, true, Durations.toNanos(timeout), null, open)) {
            message.position(message.limit());
            return true;
        }
        return false;
    }

    @Override
    public boolean offer(byte[] message) {
        Objects.requireNonNull(message, "message");
        return putNow(message, 0, null, message.length);
    }

    @Override
    public boolean offer(ByteBuffer message) {
        int length = message.remaining();
        if (putNow(null, 0, message, length)) {
            message.position(message.limit());
            return true;
        }
        return false;
    }

    @Override
    public void putNowait(byte[] message) {
        Objects.requireNonNull(message, "message");
        if (!putNow(message, 0, null, message.length)) {
            throw full();
        }
    }

    @Override
    public void putNowait(byte[] message, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, message.length);
        if (!putNow(message, offset, null, length)) {
            throw full();
        }
    }

    @Override
    public void putNowait(ByteBuffer message) {
        int length = message.remaining();
        if (!putNow(null, 0, message, length)) {
            throw full();
        }
        message.position(message.limit());
    }

    private boolean putNow(byte @Nullable [] array, int offset, @Nullable ByteBuffer buffer, int length) {
        try {
            return ring.put(array, offset, buffer, length, true, 0L, null, open);
        } catch (InterruptedException e) {
            throw new AssertionError("a non-blocking put never waits", e);
        }
    }

    private QueueFullException full() {
        return new QueueFullException("queue '" + name + "' is full (capacity " + ring.capacity() + "): " + ring);
    }

    @Override
    public CompletableFuture<Void> putAsync(byte[] message) {
        checkOpen();
        byte[] copy = message.clone();
        if (copy.length > ring.maxMessageSize()) {
            throw new IllegalArgumentException("message of " + copy.length + " bytes is longer than the maximum message size "
                    + ring.maxMessageSize() + " of queue '" + name + "'");
        }
        DeliveryFuture<Void> future = new DeliveryFuture<>();
        future.start("weft-ipc-put-" + name, () -> {
            if (ring.put(copy, 0, null, copy.length, false, 0L, future, open)) {
                future.deliver(null);
            }
        });
        return future;
    }

    // ---- get ---------------------------------------------------------------------------------

    @Override
    public byte[] get() throws InterruptedException {
        byte[] message = takeArray(false, 0L);
        return Objects.requireNonNull(message);
    }

    @Override
    public int get(ByteBuffer destination) throws InterruptedException {
        return takeInto(destination, false, 0L);
    }

    @Override
    public byte @Nullable [] poll(Duration timeout) throws InterruptedException {
        return takeArray(true, Durations.toNanos(timeout));
    }

    @Override
    public byte @Nullable [] poll(long timeout, TimeUnit unit) throws InterruptedException {
        return takeArray(true, unit.toNanos(timeout));
    }

    @Override
    public int poll(ByteBuffer destination, Duration timeout) throws InterruptedException {
        return takeInto(destination, true, Durations.toNanos(timeout));
    }

    @Override
    public byte @Nullable [] poll() {
        try {
            return takeArray(true, 0L);
        } catch (InterruptedException e) {
            throw new AssertionError("a non-blocking take never waits", e);
        }
    }

    @Override
    public int poll(ByteBuffer destination) {
        try {
            return takeInto(destination, true, 0L);
        } catch (InterruptedException e) {
            throw new AssertionError("a non-blocking take never waits", e);
        }
    }

    @Override
    public byte[] getNowait() {
        byte[] message = poll();
        if (message == null) {
            throw empty();
        }
        return message;
    }

    @Override
    public int getNowait(ByteBuffer destination) {
        int length = poll(destination);
        if (length < 0) {
            throw empty();
        }
        return length;
    }

    private QueueEmptyException empty() {
        return new QueueEmptyException("queue '" + name + "' is empty: " + ring);
    }

    private byte @Nullable [] takeArray(boolean timed, long nanos) throws InterruptedException {
        long pos = ring.claimTake(timed, nanos, open);
        if (pos < 0) {
            return null;
        }
        byte[] message;
        try {
            message = ring.copyOut(pos);
        } catch (RuntimeException | Error e) {
            ring.returnClaimed(pos);
            throw e;
        }
        ring.commitTake(pos, null);
        return message;
    }

    private int takeInto(ByteBuffer destination, boolean timed, long nanos) throws InterruptedException {
        if (destination.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        if (destination.remaining() < ring.maxMessageSize()) {
            throw new IllegalArgumentException("destination must have at least maxMessageSize = " + ring.maxMessageSize()
                    + " bytes remaining, had " + destination.remaining());
        }
        long pos = ring.claimTake(timed, nanos, open);
        if (pos < 0) {
            return -1;
        }
        int start = destination.position();
        int length;
        try {
            length = ring.copyOut(pos, destination);
        } catch (RuntimeException | Error e) {
            destination.position(start);
            ring.returnClaimed(pos);
            throw e;
        }
        try {
            ring.commitTake(pos, null);
        } catch (RuntimeException e) {
            destination.position(start);
            throw e;
        }
        return length;
    }

    @Override
    public CompletableFuture<byte[]> getAsync() {
        checkOpen();
        DeliveryFuture<byte[]> future = new DeliveryFuture<>();
        future.start("weft-ipc-get-" + name, () -> {
            long pos = ring.claimTake(false, 0L, open);
            byte[] message;
            try {
                message = ring.copyOut(pos);
            } catch (RuntimeException | Error e) {
                ring.returnClaimed(pos);
                throw e;
            }
            if (ring.commitTake(pos, future)) {
                future.deliver(message);
            }
        });
        return future;
    }

    // ---- state -------------------------------------------------------------------------------

    @Override
    public int size() {
        checkOpen();
        return ring.size();
    }

    @Override
    public boolean isEmpty() {
        checkOpen();
        return ring.isEmpty();
    }

    @Override
    public boolean isFull() {
        checkOpen();
        return ring.isFull();
    }

    @Override
    public void shutdown() {
        shutdown(false);
    }

    @Override
    public void shutdown(boolean immediate) {
        checkOpen();
        ring.shutdown(immediate);
    }

    @Override
    public boolean isShutdown() {
        checkOpen();
        return ring.isShutdown();
    }

    @Override
    public QueueStats stats() {
        return ring.stats();
    }

    @Override
    public void unlink() throws IOException {
        Files.deleteIfExists(file);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                ring.wakeAllWaiters();
            } catch (IllegalStateException unmapped) {
                if (!ring.memory().isClosed()) {
                    throw unmapped;
                }
                // unmapped with its domain (Java 22+), which woke this handle's waiters when it closed
            }
        }
    }

    @Override
    public String toString() {
        if (ring.memory().isClosed()) { // unmapped with its domain (Java 22+): the ring cannot be read
            return "IpcQueue[" + name + "] (domain closed)";
        }
        if (ring.memory().isDamaged()) {
            return "IpcQueue[" + name + "] (DAMAGED: file cut short)";
        }
        return ring + (closed ? " (handle closed)" : guard.isClosed() ? " (domain closed)" : "");
    }
}
