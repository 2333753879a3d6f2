package dev.weft.stress.ipc;

import static dev.weft.ipc.internal.ConditionDescriptor.ARRIVALS_OFFSET;
import static dev.weft.ipc.internal.ConditionDescriptor.FILE_LENGTH;
import static dev.weft.ipc.internal.ConditionDescriptor.LATCH_OFFSET;
import static dev.weft.ipc.internal.ConditionDescriptor.PASSED_ON_OFFSET;
import static dev.weft.ipc.internal.ConditionDescriptor.SLEEPERS_OFFSET;
import static dev.weft.ipc.internal.ConditionDescriptor.SLOT_LENGTH;
import static dev.weft.ipc.internal.ConditionDescriptor.WAITING_OFFSET;
import static dev.weft.ipc.internal.ConditionDescriptor.WAKE_OFFSET;
import static dev.weft.ipc.internal.ConditionDescriptor.slotOffset;

import dev.weft.ipc.internal.MappedCondition;
import dev.weft.ipc.internal.MappedLock;
import dev.weft.ipc.internal.SharedMemory;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two mappings of one file for the condition tests, as {@link TwoMappings}, with slots of a whole
 * condition layout ({@link dev.weft.ipc.internal.ConditionDescriptor#FILE_LENGTH}): a signal scans
 * every waiter slot. The file is sparse, so only the pages a test touches (the header words and the
 * first waiter slots) take memory.
 */
final class ConditionMappings {

    /** More slots than jcstress keeps states alive at once (two live states on one slot would share a condition). */
    static final int SLOTS = 1 << 14;
    /** The waiter slots a test may use, reset for every state. */
    static final int USED_WAITER_SLOTS = 8;

    private static final SharedMemory A;
    private static final SharedMemory B;
    private static final AtomicInteger NEXT = new AtomicInteger();

    static {
        try {
            Path file = Files.createTempFile("weft-stress-condition", ".bin");
            file.toFile().deleteOnExit();
            int length = FILE_LENGTH * SLOTS;
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                f.setLength(length); // sparse: reads as zeros
            }
            A = SharedMemory.map(file, length);
            B = SharedMemory.map(file, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ConditionMappings() {}

    /** A fresh slot with no waiter: its shared words and first waiter slots reset to zero. */
    static int freshSlot() {
        int slot = Math.floorMod(NEXT.getAndIncrement(), SLOTS);
        SharedMemory m = a(slot);
        m.setIntPlain(WAITING_OFFSET, 0);
        m.setLongPlain(ARRIVALS_OFFSET, 0L);
        m.setIntPlain(WAKE_OFFSET, 0);
        m.setIntPlain(SLEEPERS_OFFSET, 0);
        m.setLongPlain(PASSED_ON_OFFSET, 0L);
        for (int i = 0; i < USED_WAITER_SLOTS; i++) {
            for (int off = 0; off < SLOT_LENGTH; off += Long.BYTES) {
                m.setLongPlain(slotOffset(i) + off, 0L);
            }
        }
        m.setIntVolatile(LATCH_OFFSET, 0); // free; publishes the plain stores above
        return slot;
    }

    static SharedMemory a(int slot) {
        return A.slice(slot * FILE_LENGTH, FILE_LENGTH);
    }

    static SharedMemory b(int slot) {
        return B.slice(slot * FILE_LENGTH, FILE_LENGTH);
    }

    /** A condition on {@code memory} for the participant {@code token}, bound to {@code lock}. */
    static MappedCondition condition(SharedMemory memory, MappedLock lock, int token) {
        return new MappedCondition("c", memory, lock, TwoMappings.liveness(token), TwoMappings.WAITER,
                TwoMappings.SLICE_NANOS, TwoMappings.GUARD);
    }
}
