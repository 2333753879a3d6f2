package dev.weft.stress.ipc;

import dev.weft.ipc.internal.MappedSemaphore;
import dev.weft.ipc.internal.SemaphoreDescriptor;
import dev.weft.ipc.internal.SharedMemory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two mappings of one file for the semaphore tests, as {@link TwoMappings}, with slots large enough
 * for the semaphore's pool and its first holdings entries, and two participant tokens in different
 * registry slots (the semaphore keeps one holdings entry per slot).
 */
final class SemaphoreMappings {

    /** The pool and holdings entries 0..2 (the tokens' slots 1 and 2). */
    static final int SLOT_BYTES = (SemaphoreDescriptor.entryOffset(3) + 127) / 128 * 128;
    /**
     * More slots than jcstress keeps states alive at once (two live states on one slot would share
     * the pool and the holdings).
     */
    static final int SLOTS = 1 << 15;
    static final int TOKEN_A = (1 << 20) | 1;
    static final int TOKEN_B = (2 << 20) | 1;

    private static final SharedMemory A;
    private static final SharedMemory B;
    private static final AtomicInteger NEXT = new AtomicInteger();

    static {
        try {
            Path file = Files.createTempFile("weft-stress-semaphore", ".bin");
            file.toFile().deleteOnExit();
            int length = SLOT_BYTES * SLOTS;
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
                for (int pos = 0; pos < length; pos += zeros.capacity()) {
                    zeros.clear();
                    ch.write(zeros, pos);
                }
            }
            A = SharedMemory.map(file, length);
            B = SharedMemory.map(file, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private SemaphoreMappings() {}

    /** A fresh slot, zeroed, holding an unbounded semaphore with {@code permits} available. */
    static int freshSlot(int permits) {
        int slot = Math.floorMod(NEXT.getAndIncrement(), SLOTS);
        SharedMemory m = a(slot);
        for (int off = 0; off < SLOT_BYTES; off += Long.BYTES) {
            m.setLongPlain(off, 0L);
        }
        m.setIntPlain(SemaphoreDescriptor.INITIAL_OFFSET, permits);
        m.setIntPlain(SemaphoreDescriptor.BOUND_OFFSET, SemaphoreDescriptor.UNBOUNDED);
        m.setLongVolatile(SemaphoreDescriptor.AVAILABLE_OFFSET, permits);
        return slot;
    }

    static SharedMemory a(int slot) {
        return A.slice(slot * SLOT_BYTES, SLOT_BYTES);
    }

    static SharedMemory b(int slot) {
        return B.slice(slot * SLOT_BYTES, SLOT_BYTES);
    }

    static MappedSemaphore semaphore(SharedMemory memory, int token) {
        return new MappedSemaphore("s", memory, TwoMappings.liveness(token), TwoMappings.WAITER,
                TwoMappings.SLICE_NANOS, TwoMappings.GUARD);
    }
}
