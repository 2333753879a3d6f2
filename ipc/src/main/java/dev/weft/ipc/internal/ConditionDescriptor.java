package dev.weft.ipc.internal;

import dev.weft.ipc.IpcFormatException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Layout of a condition file ({@code condition.<name>}): the common header, the name of the lock
 * it is bound to, the waiter slots under a latch, and the wake words.
 *
 * <pre>
 *   0 ........ 127    header ({@link HeaderDescriptor}), kind = condition, parameter = 0
 *   128 ...... 131    lock name length (int), then the lock name, UTF-8 (64 B at most), at 132
 *   256 ...... 259    latch (int, {@link SharedLatch})
 *   260 ...... 263    waiting (int): slots in state waiting
 *   264 ...... 271    arrivals (long): sequence number of the next waiter
 *   384 ...... 387    wake word (int, futex word): incremented at every signal
 *   388 ...... 391    sleepers (int): 1 if a waiter may be asleep on the wake word
 *   512 ...... 519    statistics: signals passed on from dead or withdrawn waiters (long)
 *   4096 + 32 i       slot i: state (int at +0: 0 free, 1 waiting, 2 signalled), owner token (int at
 *                     +4), sequence (long at +8)
 * </pre>
 *
 * <h2>Commit protocol and crash story</h2>
 * Listing a waiter, signalling (choosing the oldest waiting slots) and leaving happen under the
 * latch; each changes one slot state and the waiting count. A waiter owns its slot until it has
 * seen its signal (it then frees the slot) or left. A signal chosen for a waiter that dies is not
 * lost: the waiters probe the owners of the slots once per liveness slice, free the slots of dead
 * waiters, and pass the signal of a dead signalled waiter to the oldest waiting one. A participant
 * that dies inside the latch leaves at most one slot and the count out of step; the participant
 * that takes the latch over recounts the waiting slots.
 */
public final class ConditionDescriptor {

    public static final int SLOTS = 1024;
    public static final int LOCK_NAME_LENGTH_OFFSET;
    public static final int LOCK_NAME_OFFSET;
    public static final int LATCH_OFFSET;
    public static final int WAITING_OFFSET;
    public static final int ARRIVALS_OFFSET;
    public static final int WAKE_OFFSET;
    public static final int SLEEPERS_OFFSET;
    public static final int PASSED_ON_OFFSET;
    public static final int SLOTS_OFFSET = 4096;
    public static final int SLOT_LENGTH = 32;
    public static final int SLOT_STATE = 0;
    public static final int SLOT_OWNER = 4;
    public static final int SLOT_SEQUENCE = 8;
    public static final int FILE_LENGTH = SLOTS_OFFSET + SLOTS * SLOT_LENGTH;
    public static final int PREFIX_LENGTH;

    public static final int FREE = 0;
    public static final int WAITING = 1;
    public static final int SIGNALLED = 2;

    static {
        int offset = HeaderDescriptor.HEADER_LENGTH;
        LOCK_NAME_LENGTH_OFFSET = offset;
        LOCK_NAME_OFFSET = offset + 4;
        offset += HeaderDescriptor.LINE_PAIR;
        LATCH_OFFSET = offset;
        WAITING_OFFSET = offset + 4;
        ARRIVALS_OFFSET = offset + 8;
        offset += HeaderDescriptor.LINE_PAIR;
        WAKE_OFFSET = offset;
        SLEEPERS_OFFSET = offset + 4;
        offset += HeaderDescriptor.LINE_PAIR;
        PASSED_ON_OFFSET = offset;
        PREFIX_LENGTH = LOCK_NAME_OFFSET + HeaderDescriptor.NAME_MAX_BYTES;
    }

    private ConditionDescriptor() {}

    public static int slotOffset(int i) {
        return SLOTS_OFFSET + i * SLOT_LENGTH;
    }

    static void writeParameters(ByteBuffer prefix, String lockName) {
        byte[] bytes = lockName.getBytes(StandardCharsets.UTF_8);
        prefix.putInt(LOCK_NAME_LENGTH_OFFSET, bytes.length);
        prefix.put(LOCK_NAME_OFFSET, bytes);
    }

    static void check(Path file, SharedMemory memory, String lockName) throws IpcFormatException {
        HeaderDescriptor.checkLength(file, memory.length(), FILE_LENGTH);
        int length = memory.getIntPlain(LOCK_NAME_LENGTH_OFFSET);
        if (length < 0 || length > HeaderDescriptor.NAME_MAX_BYTES) {
            throw new IpcFormatException(file, "lock name length expected 0.." + HeaderDescriptor.NAME_MAX_BYTES
                    + " but was " + length);
        }
        byte[] bytes = new byte[length];
        memory.getBytes(LOCK_NAME_OFFSET, bytes);
        String actual = new String(bytes, StandardCharsets.UTF_8);
        if (!actual.equals(lockName)) {
            throw new IpcFormatException(file, "condition bound to lock expected '" + lockName + "' but was '" + actual + "'");
        }
    }
}
