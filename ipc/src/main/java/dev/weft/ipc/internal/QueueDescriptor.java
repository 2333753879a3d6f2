package dev.weft.ipc.internal;

import dev.weft.ipc.IpcFormatException;
import dev.weft.ipc.queue.QueueSpec;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Layout of a queue file ({@code queue.<name>}): the common header, a control block with the hot
 * words each on its own cache-line pair, a table of participant records, then the slots.
 *
 * <p>Queue files have layout version {@value #VERSION_MAJOR}.x (the header's version word, see
 * {@link HeaderDescriptor#version(int)}); a queue file of another major version, such as a 1.x file
 * of a Weft version without acknowledgement modes and delivery counts, is rejected with
 * {@link IpcFormatException} naming both versions.
 *
 * <pre>
 *   0 ........ 127    header ({@link HeaderDescriptor}), kind = queue, parameter = 0
 *   128              tail: next position to write (long, a hint; see below)
 *   256              head: next position to read (long, a hint)
 *   384              notEmpty: event count of consumers waiting for a message (int futex word)
 *   512              notFull: event count of producers waiting for room (int futex word)
 *   640              joinWord: event count of joiners (int futex word)
 *   768              state (int: SHUTDOWN | IMMEDIATE), then the parameters, read-mostly:
 *                    capacity, maxMessageSize, stride, flags, records, slotsOffset, maxDeliveries (ints)
 *   896              statistics (longs): tombstones, redeliveries, discarded, abandonedTasks;
 *                    then recordsHighWater (int, at +32), quarantined (long, at +40) and
 *                    deadLettered (long, at +48)
 *   1024 + 64 r      participant record r, r in [0, records)
 *   slotsOffset + stride i   slot i, i in [0, capacity)
 * </pre>
 *
 * <h2>Event-count words</h2>
 * <pre>
 *    31 ........................................ 1   0
 *   +---------------------------------------------+---+
 *   |              sequence (31 bits)             | W |
 *   +---------------------------------------------+---+
 * </pre>
 * {@code W} says that some process may sleep on the word. A waker that sees {@code W} replaces
 * the word with {@code (seq + 1, W = 0)} in one CAS and wakes every sleeper; a sleeper sleeps only
 * while the word still holds the value it published, so no wake-up between its last check and its
 * sleep is lost (the kernel's futex re-check, or the back-off's bounded park).
 *
 * <h2>Slot</h2>
 * <pre>
 *   +0   word (long):
 *         63 ............ 32   31 30   29 .............. 0
 *        +------------------+-------+--------------------+
 *        |    lap (32 bits) | state |  token (30 bits)   |
 *        +------------------+-------+--------------------+
 *        state: FREE 0 (token 0), WRITING 1, FULL 2 (token 0), READING 3
 *   +8   length (int): the message length, or {@link #TOMBSTONE}
 *   +12  deliveries (int): how many takes have handed this message over; 0 when put
 *   +16  payload, up to maxMessageSize bytes; the stride is 16 + maxMessageSize rounded up to 64
 * </pre>
 * Position {@code p} lives in slot {@code p mod capacity} with lap {@code p / capacity}
 * (truncated to 32 bits; laps are compared by their 32-bit difference). A slot is
 * {@code FREE(L)} when position {@code L * capacity + i} may be written. Every slot starts
 * {@code FREE(0)} (a zeroed file).
 *
 * <h2>Commit protocol</h2>
 * <pre>
 *   FREE(L) --producer CAS--&gt; WRITING(L, tok) --copy, length, CAS--&gt; FULL(L)          (put commits)
 *   FULL(L) --consumer CAS--&gt; READING(L, tok) --copy out, CAS--&gt; FREE(L + 1)         (take commits)
 *   FULL(L) --consumer CAS--&gt; READING(L, tok) --copy out, deliveries + 1 ... taskDone CAS--&gt; FREE(L + 1)
 *                                                                     (acknowledgement ON_TASK_DONE)
 * </pre>
 * With {@link #FLAG_ACK_ON_TASK_DONE} a take does not free its slot: it raises the slot's delivery
 * count (a plain write to a slot it owns) and returns, leaving the slot {@code READING(L, tok)}
 * (<em>held</em>) until its {@code taskDone} frees it with one CAS. A held slot is exactly a slot
 * being read whose reader has not finished, so the crash story below covers it unchanged: the
 * holder's death gets it redelivered, with its delivery count, in its own slot; if the count has
 * reached {@code maxDeliveries} (non-zero), the recoverer frees it instead and counts it in
 * {@code deadLettered}.
 * The claimant's participant token enters the slot word in the same CAS that claims it, so a
 * claimed slot always says who claimed it. {@code tail} and {@code head} are advanced by the
 * claimant after its claim and by anybody who finds a claimed slot at them (helping), so a
 * process that dies between its claim and its advance blocks nobody.
 *
 * <h2>Crash story</h2>
 * <ul>
 *   <li>{@code WRITING(L, dead)}: the put never returned. A recoverer takes the slot over (CAS to
 *       its own token), writes the length {@link #TOMBSTONE} and commits {@code FULL(L)};
 *       consumers skip it. No partial payload is ever delivered.</li>
 *   <li>{@code READING(L, dead)}: the take never returned. A recoverer takes the slot over (CAS to
 *       its own token) and puts the message back in the same slot, at the slot's next position
 *       {@code p + capacity}: it commits {@code FULL(L + 1)} with one CAS once the tail has reached
 *       that position, first committing the positions between the tail and it as skip markers if
 *       needed (a message must never sit ahead of the tail). The payload never moves and the slot
 *       has no intermediate state, so a recoverer killed at any point leaves either its own
 *       {@code READING} (recovered again) or the redelivered message: exactly once.</li>
 *   <li>Every other state is consistent at every instant: a dead process leaves at most stale
 *       {@code W} bits (spurious wakes) and unadvanced {@code head}/{@code tail} hints.</li>
 * </ul>
 *
 * <h2>Validation</h2>
 * Every word read from the file is checked before it is used, because any process with write
 * access (or a stray write, or a disk error) can damage the body of the file:
 * <ul>
 *   <li>The parameters (capacity, maxMessageSize, stride, records, slotsOffset) are checked when the
 *       file is opened ({@link #check}) and when a ring attaches ({@link #layoutProblem}), then
 *       kept in final fields: later writes to them are never read.</li>
 *   <li>Indexes need no check: a slot index is {@code position & (capacity - 1)} and a record index
 *       is below {@code records}.</li>
 *   <li>A slot's length must be {@link #TOMBSTONE} or in {@code [0, maxMessageSize]}, and a
 *       {@code FULL} word must carry no token. A claimed slot that fails either check is
 *       <em>quarantined</em>: freed without delivery and counted in {@code quarantined}, so the
 *       ring moves on; it is never put back. A {@code FREE} word's token bits are ignored.</li>
 *   <li>{@code head} and {@code tail} are hints and may lag, never lead: a hint past a position that
 *       its slot shows unclaimed is damage. Both are recomputed from the slot words (the smallest
 *       position that a slot shows not yet claimed by a producer, resp. a consumer), which bounds
 *       the true values from below, so a repaired hint is never ahead. A FREE slot below a claimed
 *       position (a gap: a put went to a tail hint that was ahead) has its lap advanced past the
 *       gap, so that producers and consumers skip it and reach what was committed after it.</li>
 *   <li>The laps of live slots are always within a window of three. A slot more than two laps
 *       from the median lap of a sample of slots, holding the same word in two janitor audits, is
 *       quarantined too: reset to {@code FREE} at its first position at or after the tail.</li>
 * </ul>
 *
 * <h2>Participant records</h2>
 * <pre>
 *   +0  record (long): token (30 bits) &lt;&lt; 34 | taken-not-done count (34 bits); 0 = free
 * </pre>
 * Each process that opens the queue claims a record (CAS 0 to {@code token << 34}). A consumer of
 * a joinable queue increments its count between copying a message out and freeing its slot;
 * {@code taskDone()} decrements it. Janitors clear the records of dead processes after having
 * recovered their slots, adding the count to {@code abandonedTasks}.
 */
public final class QueueDescriptor {

    public static final int TAIL_OFFSET;
    public static final int HEAD_OFFSET;
    public static final int NOT_EMPTY_OFFSET;
    public static final int NOT_FULL_OFFSET;
    public static final int JOIN_WORD_OFFSET;
    public static final int STATE_OFFSET;
    public static final int CAPACITY_OFFSET;
    public static final int MAX_MESSAGE_SIZE_OFFSET;
    public static final int STRIDE_OFFSET;
    public static final int FLAGS_OFFSET;
    public static final int RECORDS_OFFSET;
    public static final int SLOTS_OFFSET_OFFSET;
    public static final int TOMBSTONES_OFFSET;
    public static final int REDELIVERIES_OFFSET;
    public static final int DISCARDED_OFFSET;
    public static final int ABANDONED_OFFSET;
    public static final int RECORDS_HIGH_WATER_OFFSET;
    /** Statistics: slots found damaged and skipped without delivery (long). */
    public static final int QUARANTINED_OFFSET;
    /** Statistics: held messages dropped after {@code maxDeliveries} deliveries (long). */
    public static final int DEAD_LETTERED_OFFSET;
    /** Parameter: the delivery limit of an ON_TASK_DONE queue, 0 for none (int). */
    public static final int MAX_DELIVERIES_OFFSET;
    /** Where the participant records start. */
    public static final int RECORD_TABLE_OFFSET;
    /** Bytes per participant record (one cache line). */
    public static final int RECORD_LENGTH = 64;

    /** Slot word at +0, length at +8, delivery count at +12, payload at +16. */
    public static final int SLOT_WORD = 0;
    public static final int SLOT_LENGTH = 8;
    public static final int SLOT_DELIVERIES = 12;
    public static final int SLOT_PAYLOAD = 16;
    /** Slot strides are multiples of this. */
    public static final int SLOT_ALIGNMENT = 64;
    /** The length of a skipped slot. */
    public static final int TOMBSTONE = -1;

    /** Sleeper flag of the event-count words. */
    public static final int W = 1;
    /** State bits. */
    public static final int SHUTDOWN = 1;
    public static final int IMMEDIATE = 2;
    /** Flag bits. */
    public static final int FLAG_JOINABLE = 1;
    public static final int FLAG_DROP_ON_CONSUMER_DEATH = 2;
    public static final int FLAG_SYNC_ON_COMMIT = 4;
    /** Acknowledgement ON_TASK_DONE: a take holds its slot until taskDone. */
    public static final int FLAG_ACK_ON_TASK_DONE = 8;

    /** Layout major version of queue files (2: acknowledgement modes, delivery counts). */
    public static final int VERSION_MAJOR = 2;
    /** Layout minor version of queue files. */
    public static final int VERSION_MINOR = 0;

    /** Participant records of a domain's queue: one per possible registry entry. */
    public static final int DEFAULT_RECORDS = RegistryDescriptor.CAPACITY;

    static {
        int line = HeaderDescriptor.LINE_PAIR;
        int offset = HeaderDescriptor.HEADER_LENGTH;
        TAIL_OFFSET = offset;
        offset += line;
        HEAD_OFFSET = offset;
        offset += line;
        NOT_EMPTY_OFFSET = offset;
        offset += line;
        NOT_FULL_OFFSET = offset;
        offset += line;
        JOIN_WORD_OFFSET = offset;
        offset += line;
        STATE_OFFSET = offset;
        CAPACITY_OFFSET = offset + 4;
        MAX_MESSAGE_SIZE_OFFSET = offset + 8;
        STRIDE_OFFSET = offset + 12;
        FLAGS_OFFSET = offset + 16;
        RECORDS_OFFSET = offset + 20;
        SLOTS_OFFSET_OFFSET = offset + 24;
        MAX_DELIVERIES_OFFSET = offset + 28;
        offset += line;
        TOMBSTONES_OFFSET = offset;
        REDELIVERIES_OFFSET = offset + 8;
        DISCARDED_OFFSET = offset + 16;
        ABANDONED_OFFSET = offset + 24;
        RECORDS_HIGH_WATER_OFFSET = offset + 32;
        QUARANTINED_OFFSET = offset + 40;
        DEAD_LETTERED_OFFSET = offset + 48;
        offset += line;
        RECORD_TABLE_OFFSET = offset;
    }

    private QueueDescriptor() {}

    /** The slot stride for messages of up to {@code maxMessageSize} bytes. */
    public static int stride(int maxMessageSize) {
        long s = ((long) SLOT_PAYLOAD + maxMessageSize + SLOT_ALIGNMENT - 1) / SLOT_ALIGNMENT * SLOT_ALIGNMENT;
        return s > Integer.MAX_VALUE ? -1 : (int) s;
    }

    /** Where the slots start for a table of {@code records} participant records (a multiple of 128). */
    public static int slotsOffset(int records) {
        int end = RECORD_TABLE_OFFSET + records * RECORD_LENGTH;
        return (end + HeaderDescriptor.LINE_PAIR - 1) / HeaderDescriptor.LINE_PAIR * HeaderDescriptor.LINE_PAIR;
    }

    /**
     * The file length of a queue, or -1 if it does not fit in a mapping (2 GiB).
     */
    public static long fileLength(int capacity, int maxMessageSize, int records) {
        int stride = stride(maxMessageSize);
        if (stride < 0) {
            return -1;
        }
        long length = slotsOffset(records) + (long) capacity * stride;
        return length > Integer.MAX_VALUE - 8 ? -1 : length;
    }

    /** The flags word of a spec. */
    public static int flags(QueueSpec spec, boolean joinable) {
        return (joinable ? FLAG_JOINABLE : 0)
                | (spec.redeliverOnConsumerDeath() ? 0 : FLAG_DROP_ON_CONSUMER_DEATH)
                | (spec.syncOnCommit() ? FLAG_SYNC_ON_COMMIT : 0)
                | (spec.acknowledgement() == QueueSpec.Acknowledgement.ON_TASK_DONE ? FLAG_ACK_ON_TASK_DONE : 0);
    }

    /** The acknowledgement mode recorded in a flags word. */
    public static QueueSpec.Acknowledgement acknowledgement(int flags) {
        return (flags & FLAG_ACK_ON_TASK_DONE) != 0 ? QueueSpec.Acknowledgement.ON_TASK_DONE : QueueSpec.Acknowledgement.ON_TAKE;
    }

    /**
     * Rejects a spec that a queue of this kind cannot have: acknowledgement ON_TASK_DONE on a plain
     * (not joinable) queue.
     */
    public static void checkSpec(String name, QueueSpec spec, boolean joinable) {
        if (!joinable && spec.acknowledgement() == QueueSpec.Acknowledgement.ON_TASK_DONE) {
            throw new IllegalArgumentException("queue '" + name + "': acknowledgement ON_TASK_DONE needs a joinable "
                    + "queue (taskDone acknowledges), was asked for a plain queue");
        }
    }

    /** Checks that a queue with this spec fits in a mapping; the message gives the sizes. */
    public static int checkFileLength(QueueSpec spec, int records) {
        long length = fileLength(spec.capacity(), spec.maxMessageSize(), records);
        if (length < 0) {
            throw new IllegalArgumentException("a queue of capacity " + spec.capacity() + " with messages of up to "
                    + spec.maxMessageSize() + " bytes needs " + ((long) spec.capacity() * Math.max(0, stride(spec.maxMessageSize())))
                    + " bytes of slots, more than the 2 GiB limit of one mapped queue file");
        }
        return (int) length;
    }

    /** Writes the parameters of a new queue into the image prefix of its file. */
    public static void writeParameters(ByteBuffer prefix, QueueSpec spec, boolean joinable, int records) {
        prefix.putInt(CAPACITY_OFFSET, spec.capacity());
        prefix.putInt(MAX_MESSAGE_SIZE_OFFSET, spec.maxMessageSize());
        prefix.putInt(STRIDE_OFFSET, stride(spec.maxMessageSize()));
        prefix.putInt(FLAGS_OFFSET, flags(spec, joinable));
        prefix.putInt(RECORDS_OFFSET, records);
        prefix.putInt(SLOTS_OFFSET_OFFSET, slotsOffset(records));
        prefix.putInt(MAX_DELIVERIES_OFFSET, spec.maxDeliveries());
    }

    /** Bytes of a new file's image that {@link #writeParameters} may touch (the rest is zero). */
    public static int prefixLength() {
        return RECORD_TABLE_OFFSET;
    }

    /**
     * Checks a mapped queue file against the spec asked for; throws naming the first mismatch.
     */
    public static void check(Path file, SharedMemory memory, QueueSpec spec, boolean joinable, int records)
            throws IpcFormatException {
        if (memory.length() < RECORD_TABLE_OFFSET) {
            throw new IpcFormatException(file, "file length expected at least " + RECORD_TABLE_OFFSET
                    + " bytes but was " + memory.length());
        }
        checkField(file, "capacity", spec.capacity(), memory.getIntPlain(CAPACITY_OFFSET));
        checkField(file, "maxMessageSize", spec.maxMessageSize(), memory.getIntPlain(MAX_MESSAGE_SIZE_OFFSET));
        int flags = memory.getIntPlain(FLAGS_OFFSET);
        if (((flags & FLAG_JOINABLE) != 0) != joinable) {
            throw new IpcFormatException(file, "queue kind expected " + (joinable ? "joinable" : "plain")
                    + " but was " + ((flags & FLAG_JOINABLE) != 0 ? "joinable" : "plain"));
        }
        checkFlag(file, "redeliverOnConsumerDeath", spec.redeliverOnConsumerDeath(), (flags & FLAG_DROP_ON_CONSUMER_DEATH) == 0);
        checkFlag(file, "syncOnCommit", spec.syncOnCommit(), (flags & FLAG_SYNC_ON_COMMIT) != 0);
        if (acknowledgement(flags) != spec.acknowledgement()) {
            throw new IpcFormatException(file, "acknowledgement expected " + spec.acknowledgement() + " but was "
                    + acknowledgement(flags));
        }
        checkField(file, "maxDeliveries", spec.maxDeliveries(), memory.getIntPlain(MAX_DELIVERIES_OFFSET));
        checkLayout(file, memory, records);
    }

    /**
     * Checks the derived layout words (stride, records, slots offset, length) of a mapped queue
     * file, whatever its parameters.
     */
    public static void checkLayout(Path file, SharedMemory memory, int records) throws IpcFormatException {
        int capacity = memory.getIntPlain(CAPACITY_OFFSET);
        int max = memory.getIntPlain(MAX_MESSAGE_SIZE_OFFSET);
        if (capacity < 1 || Integer.bitCount(capacity) != 1 || max < 1) {
            throw new IpcFormatException(file, "capacity expected a power of two and maxMessageSize >= 1 but were "
                    + capacity + " and " + max);
        }
        checkField(file, "stride", stride(max), memory.getIntPlain(STRIDE_OFFSET));
        checkField(file, "participant records", records, memory.getIntPlain(RECORDS_OFFSET));
        checkField(file, "slots offset", slotsOffset(records), memory.getIntPlain(SLOTS_OFFSET_OFFSET));
        checkField(file, "file length", fileLength(capacity, max, records), memory.length());
    }

    /** The most participant records a queue file may declare (the registry's capacity, with room to spare). */
    public static final int MAX_RECORDS = 1 << 16;

    /**
     * Checks the parameter words of a queue in {@code memory} against each other and against the
     * mapped length, whatever the queue was opened as (a ring checks them before it trusts them).
     *
     * @return {@code null} if consistent, else what is wrong, naming the field and its value
     */
    public static @Nullable String layoutProblem(SharedMemory memory) {
        if (memory.length() < RECORD_TABLE_OFFSET) {
            return "mapping of " + memory.length() + " bytes is shorter than the queue header (" + RECORD_TABLE_OFFSET + ")";
        }
        int capacity = memory.getIntPlain(CAPACITY_OFFSET);
        int max = memory.getIntPlain(MAX_MESSAGE_SIZE_OFFSET);
        int stride = memory.getIntPlain(STRIDE_OFFSET);
        int records = memory.getIntPlain(RECORDS_OFFSET);
        int slotsOffset = memory.getIntPlain(SLOTS_OFFSET_OFFSET);
        if (capacity < 1 || Integer.bitCount(capacity) != 1) {
            return "capacity expected a power of two but was " + capacity;
        }
        if (max < 1) {
            return "maxMessageSize expected at least 1 but was " + max;
        }
        if (stride != stride(max) || stride < 0) {
            return "stride expected " + stride(max) + " but was " + stride;
        }
        int maxDeliveries = memory.getIntPlain(MAX_DELIVERIES_OFFSET);
        if (maxDeliveries < 0) {
            return "maxDeliveries expected 0 or more but was " + maxDeliveries;
        }
        if (records < 0 || records > MAX_RECORDS) {
            return "participant records expected 0 to " + MAX_RECORDS + " but was " + records;
        }
        if (slotsOffset != slotsOffset(records)) {
            return "slots offset expected " + slotsOffset(records) + " but was " + slotsOffset;
        }
        long length = fileLength(capacity, max, records);
        if (length < 0 || length > memory.length()) {
            return "a queue of capacity " + capacity + " and maxMessageSize " + max + " needs " + length
                    + " bytes but the mapping has " + memory.length();
        }
        return null;
    }

    private static void checkField(Path file, String name, long expected, long actual) throws IpcFormatException {
        if (expected != actual) {
            throw new IpcFormatException(file, name + " expected " + expected + " but was " + actual);
        }
    }

    private static void checkFlag(Path file, String name, boolean expected, boolean actual) throws IpcFormatException {
        if (expected != actual) {
            throw new IpcFormatException(file, name + " expected " + expected + " but was " + actual);
        }
    }

    // ---- slot words ------------------------------------------------------------------------

    public static final int FREE = 0;
    public static final int WRITING = 1;
    public static final int FULL = 2;
    public static final int READING = 3;
    /** Mask of the token in a slot word. */
    public static final int TOKEN_MASK = (1 << 30) - 1;

    public static long slotWord(int lap, int state, int token) {
        return ((long) lap << 32) | ((long) state << 30) | (token & TOKEN_MASK);
    }

    public static int lap(long word) {
        return (int) (word >>> 32);
    }

    public static int state(long word) {
        return (int) (word >>> 30) & 3;
    }

    public static int token(long word) {
        return (int) word & TOKEN_MASK;
    }

    public static String describeSlotWord(long word) {
        String state = switch (state(word)) {
            case FREE -> "FREE";
            case WRITING -> "WRITING";
            case FULL -> "FULL";
            default -> "READING";
        };
        int token = token(word);
        return state + "(lap " + Integer.toUnsignedString(lap(word)) + (token != 0 ? ", token 0x" + Integer.toHexString(token) : "") + ")";
    }

    // ---- participant records ---------------------------------------------------------------

    public static final int RECORD_COUNT_BITS = 34;
    public static final long RECORD_COUNT_MASK = (1L << RECORD_COUNT_BITS) - 1;

    public static long record(int token, long count) {
        return ((long) token << RECORD_COUNT_BITS) | count;
    }

    public static int recordToken(long record) {
        return (int) (record >>> RECORD_COUNT_BITS);
    }

    public static long recordCount(long record) {
        return record & RECORD_COUNT_MASK;
    }

    public static int recordOffset(int r) {
        return RECORD_TABLE_OFFSET + r * RECORD_LENGTH;
    }
}
