package dev.weft.ipc.internal;

import dev.weft.ipc.IpcDamagedException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.nio.file.StandardOpenOption;
import org.jspecify.annotations.Nullable;

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
 * {@code setXRelease}, {@code casX}, {@code getAndSetX}.
 *
 * <h2>Lifetime</h2>
 * A mapping belongs to a {@link MappingScope}. A domain's mappings share one closeable scope, which
 * the domain closes with its last handle in this process: on Java 22+ that unmaps them at once
 * (they live in a shared {@code Arena}); on Java 21, which cannot unmap a buffer before it is
 * garbage collected, the scope reuses the mapping of a file that is still in memory instead of
 * mapping it again. Using a mapping after its scope was closed never touches unmapped memory: the
 * Java 22+ buffer checks its arena on every access (the JDK makes a racing access fail rather than
 * fault), and every accessor here then throws {@link IllegalStateException} saying that the mapping
 * is closed. {@link #map(Path, int)} (tests, stress tests) makes a mapping that only the garbage
 * collector unmaps.
 *
 * <p>The mapping is never shrunk: nobody in Weft truncates a mapped file, because a peer touching
 * the cut range would receive {@code SIGBUS}.
 *
 * <h2>Damage: a file cut short while mapped</h2>
 * Anybody with write access can still truncate the file. An access to a page past the new end of
 * the file then faults ({@code SIGBUS}). HotSpot turns the fault of a guarded access (every plain,
 * volatile or bulk access, and every access in compiled code) into an {@link InternalError},
 * raised at once by the interpreter and at the next safepoint poll by compiled code; but an atomic
 * read-modify-write (CAS, get-and-add) run by the interpreter is not guarded, and its fault kills
 * the JVM. So:
 * <ul>
 *   <li>every read-modify-write first reads the last word of the mapping ({@link #probe()}): a
 *       guarded read that faults if the file was cut anywhere below the mapped length, so the
 *       atomic access is never the first to touch a cut page;</li>
 *   <li>every accessor turns an {@link InternalError} into {@link IpcDamagedException} (naming the
 *       file, the mapped length and the file's size now) and marks the mapping damaged;</li>
 *   <li>once damaged, every accessor throws {@link IpcDamagedException} before touching the
 *       mapping; {@link #checkFileIntact()} (one {@code stat}, run by the queue janitor on every
 *       pass) marks it damaged without a fault, which also ends the waits of blocked takes.</li>
 * </ul>
 * What remains: a truncation that lands between the probe and the atomic access of an
 * interpreted thread still faults in the atomic access (a window of a few instructions), and in
 * compiled code the {@link InternalError} of a fault may be raised after the accessor returned (at
 * the next safepoint poll, possibly in the caller), in which case that one call fails with the
 * JVM's error rather than ours and its loads may have read zeros; the mapping is marked damaged at
 * the next accessor that faults or at the janitor's next check. And HotSpot survives a compiled
 * fault only if its handler can decode the faulting instruction, which on x86-64 excludes a
 * sign-extending 32-bit load ({@code movslq}): such a fault stops the JVM. Callers that re-read a
 * mapping they have reason to doubt (a cached object looked up again) check the file's size first
 * ({@link #checkFileIntact()}).
 */
public final class SharedMemory {

    private final MappedByteBuffer buffer;
    private final Path path;
    private final int length;
    private final MappingScope scope;
    /** Where this mapping starts in the file (non-zero for slices). */
    private final int fileOffset;
    /** The file's identity when mapped ({@code BasicFileAttributes.fileKey()}), or {@code null}. */
    private final @Nullable Object fileKey;
    /** Offset of the last {@code long} of the mapping, read by {@link #probe()}. */
    private final int probeOffset;
    /** Why the mapping can no longer be used, or {@code null}; set once (a benign race keeps one of several). */
    private volatile @Nullable IpcDamagedException damage;
    /** Native address for the futex back-end, computed lazily; 0 when not yet known. */
    private long address;

    private SharedMemory(MappedByteBuffer buffer, Path path, int length, MappingScope scope, int fileOffset,
            @Nullable Object fileKey) {
        this.buffer = buffer;
        this.path = path;
        this.length = length;
        this.scope = scope;
        this.fileOffset = fileOffset;
        this.fileKey = fileKey;
        this.probeOffset = Math.max(0, (length - Long.BYTES) & ~(Long.BYTES - 1));
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
                LinkOption.NOFOLLOW_LINKS)) {
            return map(channel, path, length, MappingScope.standalone(), null);
        }
    }

    /**
     * Maps the first {@code length} bytes of the file open on {@code channel} read-write and shared,
     * in {@code scope}.
     *
     * @param path the file's name, for messages
     * @param fileKey the file's identity ({@code BasicFileAttributes.fileKey()}), which lets a
     *     Java 21 scope reuse a mapping of the same file; {@code null} if unknown
     * @throws IOException if the file is shorter than {@code length} or cannot be mapped
     * @throws IllegalStateException if the scope is closed
     */
    static SharedMemory map(FileChannel channel, Path path, int length, MappingScope scope, @Nullable Object fileKey)
            throws IOException {
        long size = channel.size();
        if (size < length) {
            throw new IOException("cannot map " + path + ": expected at least " + length
                    + " bytes but the file has " + size);
        }
        MappedByteBuffer buffer = scope.map(channel, length, fileKey);
        if (buffer.alignmentOffset(0, 8) != 0) {
            throw new IOException("mapping of " + path + " is not 8-byte aligned: offset "
                    + buffer.alignmentOffset(0, 8));
        }
        return new SharedMemory(buffer, path, length, scope, 0, fileKey);
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
        return new SharedMemory(view, path, length, scope, fileOffset + offset, fileKey);
    }

    /** The mapped file. */
    public Path path() {
        return path;
    }

    /** Mapped length in bytes. */
    public int length() {
        return length;
    }

    /** Whether this mapping's scope was closed: every access now throws {@link IllegalStateException}. */
    public boolean isClosed() {
        return scope.isClosed();
    }

    /**
     * What an access that failed with {@code e} throws: a message that says the mapping is closed
     * when it is (the JDK's own says only "Already closed"), else {@code e} itself (for example a
     * misaligned atomic access).
     */
    private IllegalStateException failure(IllegalStateException e) {
        if (scope.isClosed()) {
            return new IllegalStateException("the mapping of " + path + " is closed: its ipc domain was closed in "
                    + "this process", e);
        }
        return e;
    }

    // ---- damage ------------------------------------------------------------------------------

    /** Whether this mapping was found damaged (its file cut short): every access now throws {@link IpcDamagedException}. */
    public boolean isDamaged() {
        return damage != null;
    }

    /** Throws {@link IpcDamagedException} if this mapping was found damaged; else nothing. */
    public void checkIntact() {
        IpcDamagedException d = damage;
        if (d != null) {
            throw new IpcDamagedException(d.file(), d.expectedLength(), d.actualLength(), d.getMessage(), d);
        }
    }

    /**
     * Checks the size of the mapped file (one {@code stat} of its path, if the path still names the
     * same file) and marks this mapping damaged if the file no longer covers it. Never touches the
     * mapping.
     *
     * @return {@code false} if the mapping is damaged
     */
    public boolean checkFileIntact() {
        if (damage != null) {
            return false;
        }
        long size = fileSize();
        if (size >= 0 && size < (long) fileOffset + length) {
            damaged(null);
            return false;
        }
        return true;
    }

    /** The size of the mapped file now, or -1 if unknown (the path was removed or names another file). */
    private long fileSize() {
        try {
            BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (fileKey != null && !Objects.equals(fileKey, attrs.fileKey())) {
                return -1;
            }
            return attrs.size();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Marks this mapping damaged after {@code fault}, an {@link InternalError} the JVM raised for an
     * access to it that was delivered outside the accessor (compiled code raises it at the next
     * safepoint poll), and returns the exception to throw instead.
     *
     * @throws InternalError {@code fault} itself if the file still covers the mapping (the fault
     *     may have been in another mapping)
     */
    public IpcDamagedException damagedBy(InternalError fault) {
        IpcDamagedException d = damage;
        if (d != null) {
            return new IpcDamagedException(d.file(), d.expectedLength(), d.actualLength(), d.getMessage(), fault);
        }
        long size = fileSize();
        if (size < 0 || size >= (long) fileOffset + length) {
            throw fault; // this file still covers the mapping: the fault was not (provably) in it
        }
        return damaged(fault);
    }

    /**
     * Marks this mapping damaged and returns the exception saying so, for a fault ({@code cause})
     * or a file found short ({@code cause} null).
     */
    private IpcDamagedException damaged(@Nullable Throwable cause) {
        long needed = (long) fileOffset + length;
        long size = fileSize();
        String message;
        if (size >= 0 && size < needed) {
            message = path + ": the file is damaged: expected at least " + needed + " bytes but the file has " + size
                    + " bytes (it was truncated while mapped); this object can no longer be used in this process "
                    + "(other objects of the domain are not affected)";
        } else {
            message = path + ": a fault occurred in the mapping of the file (expected at least " + needed
                    + " bytes; the file has " + (size < 0 ? "an unknown size" : size + " bytes")
                    + ": it was truncated and extended again, or its storage failed); this object can no longer be "
                    + "used in this process (other objects of the domain are not affected)";
        }
        IpcDamagedException d = new IpcDamagedException(path, needed, size, message, cause);
        if (damage == null) {
            damage = d; // NOTE: benign race: concurrent faults each describe the same damage
        }
        return d;
    }

    /**
     * Reads the last word of the mapping: a guarded access, which faults (an
     * {@link InternalError}, never a crash) if the file was cut anywhere below the mapped length.
     * Run before each atomic read-modify-write, whose own fault the interpreter does not guard.
     */
    private void probe() {
        long ignored = (long) LONG.get(buffer, probeOffset);
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

    /** Reads the {@code int} at {@code offset} (plain). */
    public int getIntPlain(int offset) {
        checkIntact();
        try {
            return (int) INT.get(buffer, offset);
        } catch (IllegalStateException e) {
            throw failure(e);
        } catch (InternalError e) {
            throw damaged(e);
        }
    }

    /** Reads the {@code int} at {@code offset} (volatile). */
    public int getIntVolatile(int offset) {
        checkIntact();
        try {
            return (int) INT.getVolatile(buffer, offset);
        } catch (IllegalStateException e) {
            throw failure(e);
        } catch (InternalError e) {
            throw damaged(e);
        }
    }

    /** Reads the {@code int} at {@code offset} (acquire). */
    public int getIntAcquire(int offset) {
        checkIntact();
        try {
            return (int) INT.getAcquire(buffer, offset);
        } catch (IllegalStateException e) {
            throw failure(e);
        } catch (InternalError e) {
            throw damaged(e);
        }
    }

    /** Writes {@code value} to the {@code int} at {@code offset} (plain). */
    public void setIntPlain(int offset, int value) {
        checkIntact();
        try {
            INT.set(buffer, offset, value);
        } catch (IllegalStateException e) {
            throw failure(e);
        } catch (InternalError e) {
            throw damaged(e);
        }
    }

    /** Writes {@code value} to the {@code int} at {@code offset} (release). */
    public void setIntRelease(int offset, int value) {
        checkIntact();
        try {
            INT.setRelease(buffer, offset, value);
        } catch (IllegalStateException e) {
            throw failure(e);
        } catch (InternalError e) {
            throw damaged(e);
        }
    }

    /** Writes {@code value} to the {@code int} at {@code offset} (volatile). */
    public void setIntVolatile(int offset, int value) {
        checkIntact();
        try {
            INT.setVolatile(buffer, offset, value);
        } catch (IllegalStateException e) {
            throw failure(e);
        } catch (InternalError e) {
            throw damaged(e);
        }
    }

    /** Sets the {@code int} at {@code offset} to {@code value} if it holds {@code expected}, atomically (volatile); returns whether it did. */
    public boolean casInt(int offset, int expected, int value) {
        checkIntact();
        try {
            probe();
            return INT.compareAndSet(buffer, offset, expected, value);
        } catch (IllegalStateException e) {
            throw failure(e);
        } catch (InternalError e) {
            throw damaged(e);
        }
    }

    /** Sets the {@code int} at {@code offset} to {@code value} atomically (volatile) and returns the previous value. */
    public int getAndSetInt(int offset, int value) {
        checkIntact();
        try {
            probe();
            return (int) INT.getAndSet(buffer, offset, value);
        } catch (IllegalStateException e) {
            throw failure(e);
        } catch (InternalError e) {
            throw damaged(e);
        }
    }

    /** ANDs the {@code int} at {@code offset} with {@code mask} atomically (volatile) and returns the previous value. */
    public int getAndBitwiseAndInt(int offset, int mask) {
        checkIntact();
        try {
            probe();
            return (int) INT.getAndBitwiseAnd(buffer, offset, mask);
        } catch (IllegalStateException e) {
            throw failure(e);
        } catch (InternalError e) {
            throw damaged(e);
        }
    }

    // ---- long words ------------------------------------------------------------------------

    /** Reads the {@code long} at {@code offset} (plain). */
    public long getLongPlain(int offset) {
        checkIntact();
        try {
            return (long) LONG.get(buffer, offset);
        } catch (IllegalStateException e) {
            throw failure(e);
        } catch (InternalError e) {
            throw damaged(e);
        }
    }

    /** Reads the {@code long} at {@code offset} (volatile). */
    public long getLongVolatile(int offset) {
        checkIntact();
        try {
            return (long) LONG.getVolatile(buffer, offset);
        } catch (IllegalStateException e) {
            throw failure(e);
        } catch (InternalError e) {
            throw damaged(e);
        }
    }

    /** Reads the {@code long} at {@code offset} (acquire). */
    public long getLongAcquire(int offset) {
        checkIntact();
        try {
            return (long) LONG.getAcquire(buffer, offset);
        } catch (IllegalStateException e) {
            throw failure(e);
        } catch (InternalError e) {
            throw damaged(e);
        }
    }

    /** Writes {@code value} to the {@code long} at {@code offset} (plain). */
    public void setLongPlain(int offset, long value) {
        checkIntact();
        try {
            LONG.set(buffer, offset, value);
        } catch (IllegalStateException e) {
            throw failure(e);
        } catch (InternalError e) {
            throw damaged(e);
        }
    }

    /** Writes {@code value} to the {@code long} at {@code offset} (volatile). */
    public void setLongVolatile(int offset, long value) {
        checkIntact();
        try {
            LONG.setVolatile(buffer, offset, value);
        } catch (IllegalStateException e) {
            throw failure(e);
        } catch (InternalError e) {
            throw damaged(e);
        }
    }

    /** Writes {@code value} to the {@code long} at {@code offset} (release). */
    public void setLongRelease(int offset, long value) {
        checkIntact();
        try {
            LONG.setRelease(buffer, offset, value);
        } catch (IllegalStateException e) {
            throw failure(e);
        } catch (InternalError e) {
            throw damaged(e);
        }
    }

    /** Sets the {@code long} at {@code offset} to {@code value} if it holds {@code expected}, atomically (volatile); returns whether it did. */
    public boolean casLong(int offset, long expected, long value) {
        checkIntact();
        try {
            probe();
            return LONG.compareAndSet(buffer, offset, expected, value);
        } catch (IllegalStateException e) {
            throw failure(e);
        } catch (InternalError e) {
            throw damaged(e);
        }
    }

    /**
     * Sets the {@code long} at {@code offset} to {@code value} if it holds {@code expected},
     * atomically (volatile); returns the value it held (the witness: {@code expected} if it was set).
     */
    public long compareAndExchangeLong(int offset, long expected, long value) {
        checkIntact();
        try {
            probe();
            return (long) LONG.compareAndExchange(buffer, offset, expected, value);
        } catch (IllegalStateException e) {
            throw failure(e);
        } catch (InternalError e) {
            throw damaged(e);
        }
    }

    /** Adds {@code delta} to the {@code long} at {@code offset} atomically (volatile) and returns the previous value. */
    public long getAndAddLong(int offset, long delta) {
        checkIntact();
        try {
            probe();
            return (long) LONG.getAndAdd(buffer, offset, delta);
        } catch (IllegalStateException e) {
            throw failure(e);
        } catch (InternalError e) {
            throw damaged(e);
        }
    }

    /** Sets the {@code long} at {@code offset} to {@code value} atomically (volatile) and returns the previous value. */
    public long getAndSetLong(int offset, long value) {
        checkIntact();
        try {
            probe();
            return (long) LONG.getAndSet(buffer, offset, value);
        } catch (IllegalStateException e) {
            throw failure(e);
        } catch (InternalError e) {
            throw damaged(e);
        }
    }

    /** Reads {@code dst.length} bytes at {@code offset} (plain). */
    public void getBytes(int offset, byte[] dst) {
        checkIntact();
        try {
            buffer.get(offset, dst);
        } catch (IllegalStateException e) {
            throw failure(e);
        } catch (InternalError e) {
            throw damaged(e);
        }
    }

    /** Reads {@code length} bytes at {@code offset} into {@code dst[dstOffset ...]} (plain). */
    public void getBytes(int offset, byte[] dst, int dstOffset, int length) {
        checkIntact();
        try {
            buffer.get(offset, dst, dstOffset, length);
        } catch (IllegalStateException e) {
            throw failure(e);
        } catch (InternalError e) {
            throw damaged(e);
        }
    }

    /**
     * Reads {@code length} bytes at {@code offset} into {@code dst} at its position, and advances
     * the position by {@code length} (plain).
     */
    public void getBytes(int offset, ByteBuffer dst, int length) {
        checkIntact();
        try {
            int position = dst.position();
            dst.put(position, buffer, offset, length);
            dst.position(position + length);
        } catch (IllegalStateException e) {
            throw failure(e);
        } catch (InternalError e) {
            throw damaged(e);
        }
    }

    /** Writes {@code src[srcOffset ... srcOffset + length)} at {@code offset} (plain). */
    public void putBytes(int offset, byte[] src, int srcOffset, int length) {
        checkIntact();
        try {
            buffer.put(offset, src, srcOffset, length);
        } catch (IllegalStateException e) {
            throw failure(e);
        } catch (InternalError e) {
            throw damaged(e);
        }
    }

    /**
     * Writes {@code length} bytes of {@code src}, starting at index {@code srcIndex}, at
     * {@code offset} (plain); the position of {@code src} is not changed.
     */
    public void putBytes(int offset, ByteBuffer src, int srcIndex, int length) {
        checkIntact();
        try {
            buffer.put(offset, src, srcIndex, length);
        } catch (IllegalStateException e) {
            throw failure(e);
        } catch (InternalError e) {
            throw damaged(e);
        }
    }

    /** Copies {@code length} bytes from {@code from} to {@code to} in this mapping; the ranges must not overlap. */
    public void copyBytes(int from, int to, int length) {
        checkIntact();
        try {
            buffer.put(to, buffer, from, length);
        } catch (IllegalStateException e) {
            throw failure(e);
        } catch (InternalError e) {
            throw damaged(e);
        }
    }

    /**
     * A read-only view of {@code length} bytes at {@code offset}, native order (for decoding
     * without a copy while the range cannot change).
     */
    public ByteBuffer readOnlyView(int offset, int length) {
        checkIntact();
        try {
            return buffer.slice(offset, length).asReadOnlyBuffer();
        } catch (IllegalStateException e) {
            throw failure(e);
        } catch (InternalError e) {
            throw damaged(e);
        }
    }

    /**
     * Writes the range back to the file's storage ({@code msync}): a no-op on tmpfs, a disk write
     * on a disk-backed file.
     */
    public void force(int offset, int length) {
        checkIntact();
        try {
            buffer.force(offset, length);
        } catch (IllegalStateException e) {
            throw failure(e);
        } catch (InternalError e) {
            throw damaged(e);
        }
    }

    @Override
    public String toString() {
        return "SharedMemory[" + path + ", " + length + " bytes]";
    }

    // VarHandle mechanics
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
}
