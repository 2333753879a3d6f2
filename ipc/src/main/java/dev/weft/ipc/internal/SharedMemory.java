package dev.weft.ipc.internal;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A shared ({@code MAP_SHARED}) read-write mapping of a whole file, with atomic access to aligned
 * {@code int} and {@code long} words.
 *
 * <p>Two mappings of the same file, in one process or in two, address the same physical pages,
 * so the atomic operations below are atomic across processes exactly as they are across threads.
 * Offsets are byte offsets from the start of the file; every atomic access must be naturally
 * aligned (an {@code int} at a multiple of 4, a {@code long} at a multiple of 8), which the
 * layouts in the descriptors guarantee and {@link #map(Path, int)} checks for the mapping base.
 *
 * <p>Access-mode names follow the JDK: {@code getXVolatile}, {@code getXAcquire},
 * {@code setXRelease}, {@code casX}, {@code getAndSetX}. The buffer is never unmapped explicitly:
 * on Java 21 a {@link MappedByteBuffer} is unmapped only when it becomes unreachable, so a stale
 * handle can never touch unmapped memory (no JVM crash on use after close).
 *
 * <p>The mapping is never shrunk: nobody in Weft truncates a mapped file, because a peer touching
 * the cut range would receive {@code SIGBUS}.
 */
public final class SharedMemory {

    private final MappedByteBuffer buffer;
    private final Path path;
    private final int length;
    /** Native address for the futex back-end, computed lazily; 0 when not yet known. */
    private long address;

    private SharedMemory(MappedByteBuffer buffer, Path path, int length) {
        this.buffer = buffer;
        this.path = path;
        this.length = length;
    }

    /**
     * Maps the first {@code length} bytes of an existing file read-write and shared.
     *
     * @param path the file; its size must already be at least {@code length}
     * @param length bytes to map
     * @return the mapping
     * @throws IOException if the file cannot be opened or mapped
     */
    public static SharedMemory map(Path path, int length) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
                java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            long size = channel.size();
            if (size < length) {
                throw new IOException("cannot map " + path + ": expected at least " + length
                        + " bytes but the file has " + size);
            }
            MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, length);
            buffer.order(ByteOrder.nativeOrder());
            if (buffer.alignmentOffset(0, 8) != 0) {
                throw new IOException("mapping of " + path + " is not 8-byte aligned: offset "
                        + buffer.alignmentOffset(0, 8));
            }
            return new SharedMemory(buffer, path, length);
        }
    }

    /**
     * A view of {@code length} bytes at {@code offset} of this mapping, sharing its memory: offsets
     * of the view start at 0. Used by the stress tests to place many independent objects in one
     * mapped file.
     *
     * @param offset a multiple of 128 (keeps every word's alignment and cache-line placement)
     * @param length bytes in the view
     * @return the view
     */
    public SharedMemory slice(int offset, int length) {
        if (offset < 0 || offset % 128 != 0 || length < 0 || offset > this.length - length) {
            throw new IndexOutOfBoundsException("slice [" + offset + ", +" + length + ") of a " + this.length
                    + "-byte mapping; offset must be a multiple of 128");
        }
        MappedByteBuffer view = buffer.slice(offset, length);
        view.order(ByteOrder.nativeOrder());
        return new SharedMemory(view, path, length);
    }

    /** The mapped file. */
    public Path path() {
        return path;
    }

    /** Mapped length in bytes. */
    public int length() {
        return length;
    }

    /** The mapped buffer (for the futex binding, which needs its native address). */
    ByteBuffer buffer() {
        return buffer;
    }

    /**
     * The native address of byte {@code offset}, for the futex back-end only.
     *
     * @throws UnsupportedOperationException where the futex back-end is not available
     */
    long addressOf(int offset) {
        long base = address;
        if (base == 0) {
            base = Futex.addressOf(buffer);
            address = base; // NOTE: benign race: every thread computes the same value.
        }
        return base + offset;
    }

    /** Keeps this mapping reachable (so mapped) up to the call; used around native waits. */
    void keepMapped() {
        Reference.reachabilityFence(this);
        Reference.reachabilityFence(buffer);
    }

    // ---- int words -------------------------------------------------------------------------

    public int getIntPlain(int offset) {
        return (int) INT.get(buffer, offset);
    }

    public int getIntVolatile(int offset) {
        return (int) INT.getVolatile(buffer, offset);
    }

    public int getIntAcquire(int offset) {
        return (int) INT.getAcquire(buffer, offset);
    }

    public void setIntPlain(int offset, int value) {
        INT.set(buffer, offset, value);
    }

    public void setIntRelease(int offset, int value) {
        INT.setRelease(buffer, offset, value);
    }

    public void setIntVolatile(int offset, int value) {
        INT.setVolatile(buffer, offset, value);
    }

    public boolean casInt(int offset, int expected, int value) {
        return INT.compareAndSet(buffer, offset, expected, value);
    }

    public int getAndSetInt(int offset, int value) {
        return (int) INT.getAndSet(buffer, offset, value);
    }

    public int getAndBitwiseAndInt(int offset, int mask) {
        return (int) INT.getAndBitwiseAnd(buffer, offset, mask);
    }

    // ---- long words ------------------------------------------------------------------------

    public long getLongPlain(int offset) {
        return (long) LONG.get(buffer, offset);
    }

    public long getLongVolatile(int offset) {
        return (long) LONG.getVolatile(buffer, offset);
    }

    public long getLongAcquire(int offset) {
        return (long) LONG.getAcquire(buffer, offset);
    }

    public void setLongPlain(int offset, long value) {
        LONG.set(buffer, offset, value);
    }

    public void setLongVolatile(int offset, long value) {
        LONG.setVolatile(buffer, offset, value);
    }

    public void setLongRelease(int offset, long value) {
        LONG.setRelease(buffer, offset, value);
    }

    public boolean casLong(int offset, long expected, long value) {
        return LONG.compareAndSet(buffer, offset, expected, value);
    }

    public long getAndAddLong(int offset, long delta) {
        return (long) LONG.getAndAdd(buffer, offset, delta);
    }

    public long getAndSetLong(int offset, long value) {
        return (long) LONG.getAndSet(buffer, offset, value);
    }

    /** Reads {@code dst.length} bytes at {@code offset} (plain). */
    public void getBytes(int offset, byte[] dst) {
        buffer.get(offset, dst);
    }

    /** Reads {@code length} bytes at {@code offset} into {@code dst[dstOffset ...]} (plain). */
    public void getBytes(int offset, byte[] dst, int dstOffset, int length) {
        buffer.get(offset, dst, dstOffset, length);
    }

    /**
     * Reads {@code length} bytes at {@code offset} into {@code dst} at its position, and advances
     * the position by {@code length} (plain).
     */
    public void getBytes(int offset, ByteBuffer dst, int length) {
        int position = dst.position();
        dst.put(position, buffer, offset, length);
        dst.position(position + length);
    }

    /** Writes {@code src[srcOffset ... srcOffset + length)} at {@code offset} (plain). */
    public void putBytes(int offset, byte[] src, int srcOffset, int length) {
        buffer.put(offset, src, srcOffset, length);
    }

    /**
     * Writes {@code length} bytes of {@code src}, starting at index {@code srcIndex}, at
     * {@code offset} (plain); the position of {@code src} is not changed.
     */
    public void putBytes(int offset, ByteBuffer src, int srcIndex, int length) {
        buffer.put(offset, src, srcIndex, length);
    }

    /** Copies {@code length} bytes from {@code from} to {@code to} in this mapping; the ranges must not overlap. */
    public void copyBytes(int from, int to, int length) {
        buffer.put(to, buffer, from, length);
    }

    /**
     * A read-only view of {@code length} bytes at {@code offset}, native order (for decoding
     * without a copy while the range cannot change).
     */
    public ByteBuffer readOnlyView(int offset, int length) {
        return buffer.slice(offset, length).asReadOnlyBuffer();
    }

    /**
     * Writes the range back to the file's storage ({@code msync}): a no-op on tmpfs, a disk write
     * on a disk-backed file.
     */
    public void force(int offset, int length) {
        buffer.force(offset, length);
    }

    @Override
    public String toString() {
        return "SharedMemory[" + path + ", " + length + " bytes]";
    }

    // VarHandle mechanics
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
}
