package dev.weft.ipc.internal;

import dev.weft.ipc.IpcFormatException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Layout of a barrier file ({@code barrier.<name>}): the common header, the parties, the cycle under
 * a latch, the wake words, statistics, then one slot per party in transit.
 *
 * <pre>
 *   0 ........ 127    header ({@link HeaderDescriptor}), kind = barrier, parameter = 0
 *   128 ...... 131    parties (int), 1 .. {@link #MAX_PARTIES}
 *   256 ...... 259    latch (int, {@link SharedLatch}): 0 free, else the token of the participant inside
 *   260 ...... 263    waiting (int): parties listed in the current cycle
 *   264 ...... 267    broken (int): 0 intact, 1 aborted, 2 a party died
 *   268 ...... 271    generation (int): cycles tripped or reset, for diagnostics
 *   272 ...... 279    arrivals (long): sequence number of the next arrival
 *   384 ...... 387    wake word (int, futex word): incremented at every trip, abort, reset and break
 *   388 ...... 391    sleepers (int): 1 if a party may be asleep on the wake word
 *   512 ...... 519    statistics: barriers broken by a dead party (long)
 *   4096 + 32 i       slot i: state (int at +0: 0 free, 1 waiting, 2 passed, 3 broken), owner token
 *                     (int at +4), arrival index (int at +8), arrival sequence (long at +16)
 * </pre>
 *
 * <h2>Commit protocol and crash story</h2>
 * Every change of the cycle (listing a party, tripping, leaving, aborting, resetting) happens under
 * the latch. A party owns its slot from its arrival until it has read its outcome, then frees it
 * with a release store. A participant that dies inside the latch may leave the cycle half-changed:
 * the participant that takes the latch over from it breaks the barrier (every waiting slot becomes
 * broken, waiting = 0, broken = 2), which is a consistent state whatever was half-written. A party
 * that dies while it waits is found by the waiting parties, which probe the owners of the waiting
 * slots once per liveness slice, and breaks the barrier the same way. Slots of dead owners that had
 * already passed or broken are freed by the same probe.
 */
public final class BarrierDescriptor {

    /** Most parties of one barrier. */
    public static final int MAX_PARTIES = 512;
    /** Slots: parties in transit (waiting, or released and not yet returned). */
    public static final int SLOTS = 1024;

    public static final int PARTIES_OFFSET;
    public static final int LATCH_OFFSET;
    public static final int WAITING_OFFSET;
    public static final int BROKEN_OFFSET;
    public static final int GENERATION_OFFSET;
    public static final int ARRIVALS_OFFSET;
    public static final int WAKE_OFFSET;
    public static final int SLEEPERS_OFFSET;
    public static final int DEATHS_OFFSET;
    public static final int SLOTS_OFFSET = 4096;
    public static final int SLOT_LENGTH = 32;
    public static final int SLOT_STATE = 0;
    public static final int SLOT_OWNER = 4;
    public static final int SLOT_INDEX = 8;
    public static final int SLOT_SEQUENCE = 16;
    public static final int FILE_LENGTH = SLOTS_OFFSET + SLOTS * SLOT_LENGTH;
    public static final int PREFIX_LENGTH;

    /** Slot states. */
    public static final int FREE = 0;
    public static final int WAITING = 1;
    public static final int PASSED = 2;
    public static final int BROKEN = 3;

    /** Broken reasons. */
    public static final int INTACT = 0;
    public static final int ABORTED = 1;
    public static final int PARTY_DIED = 2;

    static {
        int offset = HeaderDescriptor.HEADER_LENGTH;
        PARTIES_OFFSET = offset;
        offset += HeaderDescriptor.LINE_PAIR;
        LATCH_OFFSET = offset;
        WAITING_OFFSET = offset + 4;
        BROKEN_OFFSET = offset + 8;
        GENERATION_OFFSET = offset + 12;
        ARRIVALS_OFFSET = offset + 16;
        offset += HeaderDescriptor.LINE_PAIR;
        WAKE_OFFSET = offset;
        SLEEPERS_OFFSET = offset + 4;
        offset += HeaderDescriptor.LINE_PAIR;
        DEATHS_OFFSET = offset;
        PREFIX_LENGTH = PARTIES_OFFSET + Integer.BYTES;
    }

    private BarrierDescriptor() {}

    /** Offset of slot {@code i}. */
    public static int slotOffset(int i) {
        return SLOTS_OFFSET + i * SLOT_LENGTH;
    }

    static void writeParameters(ByteBuffer prefix, int parties) {
        prefix.putInt(PARTIES_OFFSET, parties);
    }

    static void check(Path file, SharedMemory memory, int parties) throws IpcFormatException {
        HeaderDescriptor.checkLength(file, memory.length(), FILE_LENGTH);
        int actual = memory.getIntPlain(PARTIES_OFFSET);
        if (actual != parties) {
            throw new IpcFormatException(file, "parties expected " + parties + " but was " + actual);
        }
    }
}
