package dev.weft.stress.ipc;

import dev.weft.ipc.internal.BarrierDescriptor;
import dev.weft.ipc.internal.MappedBarrier;
import dev.weft.ipc.internal.SharedMemory;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two mappings of one file for the barrier tests, as {@link TwoMappings}, with slots of a whole
 * barrier layout (its cycle scans every party slot) and the two participant tokens of
 * {@link TwoMappings}. The file is sparse: a test touches the cycle words and the first party slots
 * only, so only those pages are ever written.
 */
final class BarrierMappings {

    /** A whole barrier layout, a multiple of 128 bytes. */
    static final int SLOT_BYTES = (BarrierDescriptor.FILE_LENGTH + 127) / 128 * 128;
    /**
     * More slots than jcstress keeps states alive at once (two live states on one slot would share
     * the cycle).
     */
    static final int SLOTS = 1 << 14;
    /** Bytes zeroed for a fresh slot: the cycle words and the party slots a 2-party test can use. */
    private static final int USED_BYTES = BarrierDescriptor.slotOffset(4);

    private static final SharedMemory A;
    private static final SharedMemory B;
    private static final AtomicInteger NEXT = new AtomicInteger();

    static {
        try {
            Path file = Files.createTempFile("weft-stress-barrier", ".bin");
            file.toFile().deleteOnExit();
            int length = SLOT_BYTES * SLOTS;
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(length); // sparse: reads as zeros
            }
            A = SharedMemory.map(file, length);
            B = SharedMemory.map(file, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private BarrierMappings() {}

    /**
     * A fresh slot holding an intact barrier of {@code parties} with nobody waiting: its cycle words
     * and first party slots zeroed (the party slots beyond them are never written by a test of 2
     * parties, which lists arrivals 0 and 1 only).
     */
    static int freshSlot(int parties) {
        int slot = Math.floorMod(NEXT.getAndIncrement(), SLOTS);
        SharedMemory m = a(slot);
        for (int off = 0; off < USED_BYTES; off += Long.BYTES) {
            m.setLongPlain(off, 0L);
        }
        m.setIntVolatile(BarrierDescriptor.PARTIES_OFFSET, parties);
        return slot;
    }

    static SharedMemory a(int slot) {
        return A.slice(slot * SLOT_BYTES, SLOT_BYTES);
    }

    static SharedMemory b(int slot) {
        return B.slice(slot * SLOT_BYTES, SLOT_BYTES);
    }

    static MappedBarrier barrier(SharedMemory memory, int token) {
        return new MappedBarrier("b", memory, TwoMappings.liveness(token), TwoMappings.WAITER, TwoMappings.SLICE_NANOS,
                TwoMappings.GUARD);
    }
}
