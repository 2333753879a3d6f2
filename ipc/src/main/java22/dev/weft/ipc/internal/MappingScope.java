package dev.weft.ipc.internal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The lifetime of a set of shared mappings: Java 22+ version, which unmaps them at {@link #close()}.
 *
 * <p>A closeable scope maps files into one shared {@link Arena} ({@link FileChannel#map(
 * FileChannel.MapMode, long, long, Arena)}, standard since Java 22 and not a restricted method, so
 * no native access is needed) and hands out each mapping as the {@link MappedByteBuffer} view of its
 * segment. Such a buffer checks its arena on every access, its {@code VarHandle} views included:
 * after {@link #close()} an access throws {@link IllegalStateException}, and an access racing with
 * the close is made to fail the same way by the JDK's handshake with every thread, so a stale handle
 * never touches unmapped memory.
 *
 * <p>Native code that was given a raw address (a futex wait or wake) is not covered by the arena:
 * {@link Futex} treats a fault on an unmapped address as "the word changed", and its callers then
 * read the word through the buffer, which fails cleanly.
 *
 * <p>The standalone scope maps without an arena, leaving the unmapping to the garbage collector as
 * before Java 22 (tests and stress tests that map a file directly).
 */
final class MappingScope implements AutoCloseable {

    private static final MappingScope STANDALONE = new MappingScope(null);

    private final @Nullable Arena arena;
    /** Orders map() and close(): a mapping is never added to an arena that is being closed. */
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean closed;

    private MappingScope(@Nullable Arena arena) {
        this.arena = arena;
    }

    /** A scope for the mappings of one domain in this process, closed with its last handle. */
    static MappingScope closeable() {
        return new MappingScope(Arena.ofShared());
    }

    /** The scope of mappings that only the garbage collector unmaps (tests, stress tests). */
    static MappingScope standalone() {
        return STANDALONE;
    }

    /**
     * Maps the first {@code length} bytes of the file open on {@code channel}, read-write and
     * shared, native byte order.
     *
     * @param fileKey the file's identity (unused here: each scope maps its files itself)
     * @throws IllegalStateException if this scope is closed
     */
    MappedByteBuffer map(FileChannel channel, int length, @Nullable Object fileKey) throws IOException {
        MappedByteBuffer buffer;
        if (arena == null) {
            buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, length);
        } else {
            lock.lock();
            try {
                if (closed) {
                    throw new IllegalStateException("mapping scope is closed: its ipc domain was closed in this process");
                }
                MemorySegment segment = channel.map(FileChannel.MapMode.READ_WRITE, 0, length, arena);
                buffer = (MappedByteBuffer) segment.asByteBuffer();
            } finally {
                lock.unlock();
            }
        }
        buffer.order(ByteOrder.nativeOrder());
        return buffer;
    }

    /** Whether {@link #close()} was called. */
    boolean isClosed() {
        return closed;
    }

    /** Unmaps every mapping of this scope (not the standalone one). Idempotent. */
    @Override
    public void close() {
        if (arena == null) {
            return;
        }
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                arena.close();
            }
        } finally {
            lock.unlock();
        }
    }

}
