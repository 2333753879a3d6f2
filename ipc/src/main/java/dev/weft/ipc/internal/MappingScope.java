package dev.weft.ipc.internal;

import java.io.IOException;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The lifetime of a set of shared mappings: Java 21 version.
 *
 * <p>On Java 22+ this class is replaced by the version in {@code META-INF/versions/22} of the
 * multi-release jar, whose closeable scopes map into a shared {@code Arena} and unmap everything at
 * {@link #close()}. Java 21 has no supported way to unmap a {@link MappedByteBuffer} before the
 * garbage collector finds it unreachable, and unmapping through internals would let a stale handle
 * crash the JVM. So here {@link #close()} only marks the scope closed, and {@link #map} reuses the
 * mapping of a file that is still in memory (held weakly, process-wide) instead of mapping it
 * again: a domain opened and closed in a loop maps each of its files once, not once per cycle, and
 * mappings nobody uses any more go away with the buffers at the next collection.
 *
 * <p>A cached mapping is reused only for the same file identity ({@code dev}, {@code inode}) and
 * length, and only if its header still equals the header read through the caller's open channel:
 * a header records the creator's pid, the creation time and the object's name, so a different file
 * that happens to have the same identity (the name unlinked and created again between the caller's
 * open and its identity check) is never mistaken for the cached one.
 *
 * <p>Both versions have the same members, so the rest of the library is compiled once.
 */
final class MappingScope implements AutoCloseable {

    private static final MappingScope STANDALONE = new MappingScope();
    /** Mappings still in memory, by file identity and length. */
    private static final Map<CacheKey, CacheEntry> CACHE = new ConcurrentHashMap<>();
    private static final ReferenceQueue<MappedByteBuffer> COLLECTED = new ReferenceQueue<>();

    private volatile boolean closed;

    private MappingScope() {}

    /** A scope for the mappings of one domain in this process, closed with its last handle. */
    static MappingScope closeable() {
        return new MappingScope();
    }

    /** The scope of mappings that only the garbage collector unmaps (tests, stress tests). */
    static MappingScope standalone() {
        return STANDALONE;
    }

    /**
     * Maps the first {@code length} bytes of the file open on {@code channel}, read-write and
     * shared, native byte order.
     *
     * @param fileKey the file's identity, or {@code null} (never reused then)
     * @throws IllegalStateException if this scope is closed
     */
    MappedByteBuffer map(FileChannel channel, int length, @Nullable Object fileKey) throws IOException {
        if (closed) {
            throw new IllegalStateException("mapping scope is closed: its ipc domain was closed in this process");
        }
        if (fileKey == null || length < HeaderDescriptor.HEADER_LENGTH) {
            return fresh(channel, length);
        }
        expungeCollected();
        CacheKey key = new CacheKey(fileKey, length);
        byte[] header = readHeader(channel);
        CacheEntry entry = CACHE.get(key);
        MappedByteBuffer cached = entry == null ? null : entry.get();
        if (cached != null && sameHeader(cached, header)) {
            return cached;
        }
        MappedByteBuffer buffer = fresh(channel, length);
        CACHE.put(key, new CacheEntry(key, buffer, COLLECTED));
        return buffer;
    }

    private static MappedByteBuffer fresh(FileChannel channel, int length) throws IOException {
        MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, length);
        buffer.order(ByteOrder.nativeOrder());
        return buffer;
    }

    private static byte[] readHeader(FileChannel channel) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HeaderDescriptor.HEADER_LENGTH);
        while (header.hasRemaining()) {
            if (channel.read(header, header.position()) < 0) {
                break; // shorter than a header: compares unequal
            }
        }
        return header.array();
    }

    private static boolean sameHeader(MappedByteBuffer cached, byte[] header) {
        byte[] mapped = new byte[HeaderDescriptor.HEADER_LENGTH];
        cached.get(0, mapped);
        return java.util.Arrays.equals(mapped, header);
    }

    private static void expungeCollected() {
        for (Object ref; (ref = COLLECTED.poll()) != null; ) {
            CacheEntry entry = (CacheEntry) ref;
            CACHE.remove(entry.key, entry);
        }
    }

    /** Whether {@link #close()} was called. */
    boolean isClosed() {
        return closed;
    }

    /** Ends the scope: no new mappings; existing ones stay until collected (Java 21). Idempotent. */
    @Override
    public void close() {
        closed = true;
    }


    private record CacheKey(Object fileKey, int length) {}

    /** A weakly held mapping that knows its key, so that it can be removed once collected. */
    private static final class CacheEntry extends WeakReference<MappedByteBuffer> {
        final CacheKey key;

        CacheEntry(CacheKey key, MappedByteBuffer buffer, ReferenceQueue<MappedByteBuffer> queue) {
            super(buffer, queue);
            this.key = key;
        }
    }
}
