package dev.weft.ipc.internal;

import dev.weft.ipc.IpcFormatException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Layout of a semaphore file ({@code semaphore.<name>}): the common header, the parameters, a latch
 * with the pool and an undo journal, the wake words, statistics, then one holdings entry per
 * participant slot of the registry.
 *
 * <pre>
 *   0 ........ 127    header ({@link HeaderDescriptor}), kind = semaphore, parameter = 0
 *   128 ...... 131    initial permits (int)
 *   132 ...... 135    bound (int): the initial permits for a bounded semaphore, -1 if unbounded
 *   256 ...... 259    latch (int): 0 free, else the token of the participant inside the critical section
 *   264 ...... 271    available permits (long)
 *   272 ...... 279    tainted (long): recovered permits not yet handed out (acquires taking them report OWNER_DIED)
 *   280 ...... 287    excess (long): permits released by participants that did not hold them, not yet matched
 *   288 ...... 291    high water (int): 1 + the highest holdings entry ever claimed
 *   296 ...... 343    journal: state (int), 4 unused bytes, then the old available, tainted, excess
 *                     (longs), the old entry owner (int) and the old entry held (long); only the
 *                     words in the state's set are meaningful
 *
 *   journal state (int):  0 = empty, else
 *     31                              5 4           0
 *    +---------------------------------+-------------+
 *    |  holdings entry index           | set of words|   set bits: JOURNAL_AVAILABLE 1, JOURNAL_TAINTED 2,
 *    +---------------------------------+-------------+   JOURNAL_EXCESS 4, JOURNAL_OWNER 8, JOURNAL_HELD 16
 *   384 ...... 387    wake word (int, futex word): incremented by a releaser that saw sleepers
 *   388 ...... 391    sleepers (int): 1 if a waiter may be asleep on the wake word
 *   512 ...... 527    statistics: recoveries (long), recovered permits (long)
 *   4096 + 16 i       holdings entry i: owner token (int at +0), permits held (long at +8)
 * </pre>
 *
 * <h2>Invariant</h2>
 * Outside the critical section: {@code available + sum(held) - excess} equals the initial permits
 * plus the permits released beyond every holding in an unbounded semaphore; for a bounded
 * semaphore it equals the bound, so {@code available <= bound}. {@code tainted <= available}.
 *
 * <h2>Commit protocol and crash story</h2>
 * Every change happens inside the latch, a one-word lock that holds the token of the participant
 * inside. The critical section first writes the journal (the old value of each word it changes,
 * among the globals and the one holdings entry) and then the state, the entry index and the set of
 * the words journalled in one word, which makes the journal valid; then it writes the new values of those
 * words, then marks the journal empty, each a release store, so the stores reach the mapping in
 * program order. Words that do not change are neither journalled nor written: an acquire that takes
 * no recovered permit and a release of permits the caller holds change only the available count
 * and the caller's holding. A
 * participant that dies inside leaves its token in the latch; the next participant that proves the
 * token dead takes the latch over with one CAS from the exact dead value and, if the journal is
 * valid, writes the old values of the words in its set back: the dead participant's operation did not happen. Rolling back
 * is idempotent, so a recoverer that dies while rolling back is rolled back after in turn.
 *
 * <p>A participant that dies outside the critical section leaves its holdings entry: a waiter that
 * finds too few permits probes the liveness of every holder once per liveness slice, and a
 * participant that reuses a registry slot finds the previous registrant's entry; either returns
 * the dead entry's permits to the pool in one critical section, less the unmatched
 * {@code excess} (permits that others already released on its behalf), and adds them to
 * {@code tainted}.
 */
public final class SemaphoreDescriptor {

    public static final int INITIAL_OFFSET;
    public static final int BOUND_OFFSET;
    public static final int LATCH_OFFSET;
    public static final int AVAILABLE_OFFSET;
    public static final int TAINTED_OFFSET;
    public static final int EXCESS_OFFSET;
    public static final int HIGH_WATER_OFFSET;
    public static final int JOURNAL_STATE_OFFSET;
    public static final int JOURNAL_AVAILABLE_OFFSET;
    public static final int JOURNAL_TAINTED_OFFSET;
    public static final int JOURNAL_EXCESS_OFFSET;
    public static final int JOURNAL_OWNER_OFFSET;
    public static final int JOURNAL_HELD_OFFSET;
    public static final int WAKE_OFFSET;
    public static final int SLEEPERS_OFFSET;
    public static final int RECOVERIES_OFFSET;
    public static final int RECOVERED_PERMITS_OFFSET;
    public static final int ENTRIES_OFFSET = 4096;
    public static final int ENTRY_LENGTH = 16;
    public static final int ENTRY_OWNER = 0;
    public static final int ENTRY_HELD = 8;
    public static final int ENTRIES = RegistryDescriptor.CAPACITY;
    public static final int FILE_LENGTH = ENTRIES_OFFSET + ENTRIES * ENTRY_LENGTH;
    /** Bytes of a new file's image written by {@link #writeParameters}: the header and the pool. */
    public static final int PREFIX_LENGTH;
    /** Journal state bit: the old available count is journalled. */
    public static final int JOURNAL_AVAILABLE = 1;
    /** Journal state bit: the old tainted count is journalled. */
    public static final int JOURNAL_TAINTED = 2;
    /** Journal state bit: the old excess count is journalled. */
    public static final int JOURNAL_EXCESS = 4;
    /** Journal state bit: the old owner of the journalled entry is journalled. */
    public static final int JOURNAL_OWNER = 8;
    /** Journal state bit: the old held count of the journalled entry is journalled. */
    public static final int JOURNAL_HELD = 16;
    /** The journal state holds the holdings entry index above this many bits of the set. */
    public static final int JOURNAL_ENTRY_SHIFT = 5;
    /** Every journal state bit. */
    public static final int JOURNAL_ALL = JOURNAL_AVAILABLE | JOURNAL_TAINTED | JOURNAL_EXCESS | JOURNAL_OWNER | JOURNAL_HELD;
    /** The bound field of an unbounded semaphore. */
    public static final int UNBOUNDED = -1;

    static {
        int offset = HeaderDescriptor.HEADER_LENGTH;
        INITIAL_OFFSET = offset;
        BOUND_OFFSET = offset + Integer.BYTES;
        offset += HeaderDescriptor.LINE_PAIR;
        LATCH_OFFSET = offset;
        AVAILABLE_OFFSET = offset + 8;
        TAINTED_OFFSET = offset + 16;
        EXCESS_OFFSET = offset + 24;
        HIGH_WATER_OFFSET = offset + 32;
        JOURNAL_STATE_OFFSET = offset + 40;
        JOURNAL_AVAILABLE_OFFSET = offset + 48;
        JOURNAL_TAINTED_OFFSET = offset + 56;
        JOURNAL_EXCESS_OFFSET = offset + 64;
        JOURNAL_OWNER_OFFSET = offset + 72;
        JOURNAL_HELD_OFFSET = offset + 80;
        offset += HeaderDescriptor.LINE_PAIR;
        WAKE_OFFSET = offset;
        SLEEPERS_OFFSET = offset + 4;
        offset += HeaderDescriptor.LINE_PAIR;
        RECOVERIES_OFFSET = offset;
        RECOVERED_PERMITS_OFFSET = offset + 8;
        PREFIX_LENGTH = AVAILABLE_OFFSET + Long.BYTES;
    }

    private SemaphoreDescriptor() {}

    /** Offset of holdings entry {@code i}. */
    public static int entryOffset(int i) {
        return ENTRIES_OFFSET + i * ENTRY_LENGTH;
    }

    /** Writes the parameters and the initial pool of a new file into its image. */
    static void writeParameters(ByteBuffer prefix, int initial, boolean bounded) {
        prefix.putInt(INITIAL_OFFSET, initial);
        prefix.putInt(BOUND_OFFSET, bounded ? initial : UNBOUNDED);
        prefix.putLong(AVAILABLE_OFFSET, initial);
    }

    /** Checks a mapped file against the parameters asked for; throws naming the first difference. */
    static void check(Path file, SharedMemory memory, int initial, boolean bounded) throws IpcFormatException {
        HeaderDescriptor.checkLength(file, memory.length(), FILE_LENGTH);
        int actualBound = memory.getIntPlain(BOUND_OFFSET);
        boolean actualBounded = actualBound != UNBOUNDED;
        if (actualBounded != bounded) {
            throw new IpcFormatException(file, "semaphore kind expected " + (bounded ? "bounded" : "unbounded")
                    + " but was " + (actualBounded ? "bounded" : "unbounded"));
        }
        int actualInitial = memory.getIntPlain(INITIAL_OFFSET);
        if (actualInitial != initial) {
            throw new IpcFormatException(file, "initial permits expected " + initial + " but was " + actualInitial);
        }
        if (actualInitial < 0 || (actualBounded && actualBound != actualInitial)) {
            throw new IpcFormatException(file, "bound expected " + actualInitial + " but was " + actualBound);
        }
    }
}
