package dev.weft.ipc.internal;

import static dev.weft.ipc.internal.QueueDescriptor.ABANDONED_OFFSET;
import static dev.weft.ipc.internal.QueueDescriptor.CAPACITY_OFFSET;
import static dev.weft.ipc.internal.QueueDescriptor.DISCARDED_OFFSET;
import static dev.weft.ipc.internal.QueueDescriptor.FLAGS_OFFSET;
import static dev.weft.ipc.internal.QueueDescriptor.FLAG_DROP_ON_CONSUMER_DEATH;
import static dev.weft.ipc.internal.QueueDescriptor.FLAG_JOINABLE;
import static dev.weft.ipc.internal.QueueDescriptor.FLAG_SYNC_ON_COMMIT;
import static dev.weft.ipc.internal.QueueDescriptor.FREE;
import static dev.weft.ipc.internal.QueueDescriptor.FULL;
import static dev.weft.ipc.internal.QueueDescriptor.HEAD_OFFSET;
import static dev.weft.ipc.internal.QueueDescriptor.IMMEDIATE;
import static dev.weft.ipc.internal.QueueDescriptor.JOIN_WORD_OFFSET;
import static dev.weft.ipc.internal.QueueDescriptor.MAX_MESSAGE_SIZE_OFFSET;
import static dev.weft.ipc.internal.QueueDescriptor.NOT_EMPTY_OFFSET;
import static dev.weft.ipc.internal.QueueDescriptor.NOT_FULL_OFFSET;
import static dev.weft.ipc.internal.QueueDescriptor.READING;
import static dev.weft.ipc.internal.QueueDescriptor.RECORDS_HIGH_WATER_OFFSET;
import static dev.weft.ipc.internal.QueueDescriptor.RECORDS_OFFSET;
import static dev.weft.ipc.internal.QueueDescriptor.REDELIVERIES_OFFSET;
import static dev.weft.ipc.internal.QueueDescriptor.SHUTDOWN;
import static dev.weft.ipc.internal.QueueDescriptor.SLOTS_OFFSET_OFFSET;
import static dev.weft.ipc.internal.QueueDescriptor.SLOT_LENGTH;
import static dev.weft.ipc.internal.QueueDescriptor.SLOT_PAYLOAD;
import static dev.weft.ipc.internal.QueueDescriptor.STATE_OFFSET;
import static dev.weft.ipc.internal.QueueDescriptor.STRIDE_OFFSET;
import static dev.weft.ipc.internal.QueueDescriptor.TAIL_OFFSET;
import static dev.weft.ipc.internal.QueueDescriptor.TOMBSTONE;
import static dev.weft.ipc.internal.QueueDescriptor.TOMBSTONES_OFFSET;
import static dev.weft.ipc.internal.QueueDescriptor.W;
import static dev.weft.ipc.internal.QueueDescriptor.WRITING;
import static dev.weft.ipc.internal.QueueDescriptor.lap;
import static dev.weft.ipc.internal.QueueDescriptor.record;
import static dev.weft.ipc.internal.QueueDescriptor.recordCount;
import static dev.weft.ipc.internal.QueueDescriptor.recordOffset;
import static dev.weft.ipc.internal.QueueDescriptor.recordToken;
import static dev.weft.ipc.internal.QueueDescriptor.slotWord;
import static dev.weft.ipc.internal.QueueDescriptor.state;

import dev.weft.core.queue.QueueShutDownException;
import dev.weft.ipc.queue.QueueSpec;
import dev.weft.ipc.queue.QueueStats;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The queue algorithm on one shared mapping ({@link QueueDescriptor}), as seen by one participant
 * (one token): shared by every handle on the queue in this process.
 */
public final class QueueRing {

    /*
     * Implementation notes
     *
     * Overview
     *   A bounded MPMC ring in the manner of Vyukov's bounded queue (as adapted in JCTools'
     *   MpmcArrayQueue), changed so that every claim is made on the slot word itself and carries
     *   the claimant's participant token: slot word = lap:32 | state:2 | token:30. Vyukov claims
     *   positions with a CAS on the shared producer/consumer index and writes the cell's sequence
     *   later, so a process killed in between leaves a cell that blocks everybody and says nothing
     *   about who claimed it. Here tail and head are only hints: a producer claims the slot at the
     *   tail with CAS FREE(L) -> WRITING(L, me) and then advances the tail; anybody who finds a
     *   claimed slot at the tail (or head) advances it (helping). A process that dies anywhere leaves
     *   a self-describing slot, which a janitor recovers once the owner is proved dead (see
     *   QueueDescriptor's crash story).
     *
     * Diagram (capacity 4; positions 5..8 in flight)
     *   slot:   0            1              2              3
     *          FULL(2)      WRITING(1,P)   FULL(1)        READING(1,C)
     *           ^ tail=8 would need FREE(2): full there      ^ head=8 (helped past 7)
     *
     * Invariants
     *   - A slot's lap only grows (by one per consumed position); positions below head have been
     *     claimed by a consumer (READING) or consumed (FREE of a later lap).
     *   - tail and head only grow, each by one CAS from the exact value read, and only past a slot
     *     that is claimed (WRITING/FULL/READING of that lap, or a later lap).
     *   - A token in a slot word was written by the CAS that claimed the slot; only that token, or
     *     a recoverer after proving it dead and CASing its own token in, changes the slot again.
     *   - A joinable queue's unfinished tasks = FULL slots that are not tombstones + READING slots
     *     + the counts of live participants' records; the count of a consumer is raised before it
     *     frees the slot, so a message is always in at least one of the three.
     * Non-invariants
     *   - tail - head is not the number of messages (claimed slots in flight, tombstones).
     *   - W set does not mean anybody sleeps.
     *
     * Linearization points
     *   put: the CAS WRITING(L, me) -> FULL(L). take: the CAS READING(L, me) -> FREE(L + 1) (the
     *   message belongs to the taker from there). A take that finds the slot at head FREE(L) or
     *   WRITING(L) is empty at its read of the slot word; a put that finds an older lap at the tail
     *   is full at that read. taskDone: the CAS of the record. shutdown: the CAS of the state word.
     *
     * Memory ordering
     *   Slot words, head, tail, state, event counts and records: volatile reads and CAS (full
     *   fences). Payload and length: plain, published by the commit CAS and acquired by the
     *   consumer's volatile read and CAS of the FULL word. A waker's read of W follows its commit CAS
     *   and a sleeper's re-check follows its CAS of W: the Dekker pair that prevents lost wake-ups.
     *   Statistics: getAndAdd, read volatile. A message never moves between slots (a redelivery
     *   reuses its slot), so a joiner that scans the slots and then the records cannot miss one.
     *
     * Blocking and cancellation
     *   Producers wait on notFull, consumers on notEmpty, joiners on joinWord, all through the
     *   domain's Waiter (spin, then futex or back-off; virtual threads through the relay), each
     *   sleep bounded by the liveness slice. Nothing is claimed while waiting, so an interrupt or a
     *   timeout leaves nothing behind but possibly a W bit. Asynchronous operations pass a Gate that
     *   the waiting thread must enter before its commit: a cancelled put tombstones its claimed
     *   slot, a cancelled take puts its message back as a redelivery.
     *
     * Progress
     *   Blocking, like Vyukov's queue: a live producer stopped between claim and commit holds up
     *   consumers at its position, and a live consumer stopped while reading holds up producers when
     *   they wrap around to its slot. Dead ones are recovered by the janitor within about two
     *   liveness slices. Helping makes the hints lock-free.
     *
     * Revision notes
     *   Deviations from the reference design: commits are CAS (not stores) from the owner's exact
     *   word, so a process that was declared dead (its domain closed under it) fails its commit
     *   instead of overwriting a recovered slot; a dead consumer's message is always redelivered in
     *   its own slot (padding the positions up to it with skip markers when the tail is behind), never
     *   copied, so redelivery is exactly once even when the recoverer dies too; join counts come from
     *   the ring and per-participant records instead of a shared counter, so no kill point can leave
     *   join waiting forever; all recovery runs in one janitor thread per process (blocked threads only
     *   wait); waiters are woken one at a time (wake-one event counts), except joiners.
     */

    /** The hook of an asynchronous operation: entered just before the commit, refused if cancelled. */
    public interface Gate {
        /** @return {@code true} to commit, {@code false} if the operation was withdrawn */
        boolean enter();
    }

    /** Throws if the caller's handle is no longer usable. */
    public interface OpenCheck {
        void check();
    }

    private static final OpenCheck ALWAYS_OPEN = () -> { };

    /** How long past the deadline a "huge" timeout is treated as untimed. */
    private static final long UNTIMED_ABOVE_NANOS = Long.MAX_VALUE / 4;

    private final String name;
    private final SharedMemory memory;
    private final Liveness liveness;
    private final Waiter waiter;
    private final long sliceNanos;
    private final int token;
    private final int capacity;
    private final long mask;
    private final int shift;
    private final int stride;
    private final int slotsOffset;
    private final int maxMessageSize;
    private final boolean joinable;
    private final boolean dropOnConsumerDeath;
    private final boolean syncOnCommit;
    private final int records;
    private final int recordOffset;
    /** Slots this participant holds as READING and must still put back (the tail was blocked). */
    private final ConcurrentLinkedQueue<Long> pending = new ConcurrentLinkedQueue<>();

    /** Serialises janitor passes on this ring (the janitor thread, a caller of {@link #janitorPass()}). */
    private final ReentrantLock janitorLock = new ReentrantLock();
    // Janitor-only state, guarded by janitorLock.
    private long lastHead = -1;
    private long lastHeadWord;
    private long lastTail = -1;
    private long lastTailWord;
    /** Janitor passes of this ring that ended with an exception or error (diagnostics). */
    private final AtomicLong janitorFailures = new AtomicLong();
    private volatile @Nullable Throwable lastJanitorError;
    /**
     * Why this ring can no longer be used in this process, or {@code null}: set, once, when a
     * janitor pass on it failed (e.g. a fault on a truncated mapping).
     */
    private volatile @Nullable Throwable damage;

    private QueueRing(String name, SharedMemory memory, Liveness liveness, Waiter waiter, long sliceNanos, int recordIndex) {
        this.name = name;
        this.memory = memory;
        this.liveness = liveness;
        this.waiter = waiter;
        this.sliceNanos = sliceNanos;
        this.token = liveness.token();
        this.capacity = memory.getIntPlain(CAPACITY_OFFSET);
        this.mask = capacity - 1L;
        this.shift = Integer.numberOfTrailingZeros(capacity);
        this.stride = memory.getIntPlain(STRIDE_OFFSET);
        this.slotsOffset = memory.getIntPlain(SLOTS_OFFSET_OFFSET);
        this.maxMessageSize = memory.getIntPlain(MAX_MESSAGE_SIZE_OFFSET);
        int flags = memory.getIntPlain(FLAGS_OFFSET);
        this.joinable = (flags & FLAG_JOINABLE) != 0;
        this.dropOnConsumerDeath = (flags & FLAG_DROP_ON_CONSUMER_DEATH) != 0;
        this.syncOnCommit = (flags & FLAG_SYNC_ON_COMMIT) != 0;
        this.records = memory.getIntPlain(RECORDS_OFFSET);
        this.recordOffset = recordIndex < 0 ? -1 : recordOffset(recordIndex); // -1: a janitor-only instance
    }

    /**
     * Writes the parameters of a new, empty queue into a zeroed region (tests and stress tests
     * build queues this way; the domain writes them into the file image instead).
     */
    public static void format(SharedMemory memory, QueueSpec spec, boolean joinable, int records) {
        int length = QueueDescriptor.checkFileLength(spec, records);
        if (memory.length() < length) {
            throw new IllegalArgumentException("a queue of " + spec + " needs " + length + " bytes, the region has "
                    + memory.length());
        }
        memory.setIntPlain(CAPACITY_OFFSET, spec.capacity());
        memory.setIntPlain(MAX_MESSAGE_SIZE_OFFSET, spec.maxMessageSize());
        memory.setIntPlain(STRIDE_OFFSET, QueueDescriptor.stride(spec.maxMessageSize()));
        memory.setIntPlain(FLAGS_OFFSET, QueueDescriptor.flags(spec, joinable));
        memory.setIntPlain(RECORDS_OFFSET, records);
        memory.setIntVolatile(SLOTS_OFFSET_OFFSET, QueueDescriptor.slotsOffset(records));
    }

    /**
     * Attaches participant {@code liveness.token()} to the queue in {@code memory} (already
     * checked), claiming a participant record.
     *
     * @throws IllegalStateException if every record belongs to a live participant
     */
    public static QueueRing attach(String name, SharedMemory memory, Liveness liveness, Waiter waiter, long sliceNanos) {
        int token = liveness.token();
        int records = memory.getIntPlain(RECORDS_OFFSET);
        for (int attempt = 0; attempt < 2; attempt++) {
            for (int r = 0; r < records; r++) {
                int off = recordOffset(r);
                long rec = memory.getLongVolatile(off);
                if (rec == 0 && memory.casLong(off, 0, record(token, 0))) {
                    raiseHighWater(memory, r + 1);
                    return new QueueRing(name, memory, liveness, waiter, sliceNanos, r);
                }
            }
            if (attempt == 0) {
                // Full: a janitor pass recovers the slots of dead participants and frees their records.
                new QueueRing(name, memory, liveness, waiter, sliceNanos, -1).janitorPass();
            }
        }
        throw new IllegalStateException("queue '" + name + "' has no free participant record: all " + records
                + " are held by live processes");
    }

    private static void raiseHighWater(SharedMemory memory, int n) {
        while (true) {
            int hw = memory.getIntVolatile(RECORDS_HIGH_WATER_OFFSET);
            if (hw >= n || memory.casInt(RECORDS_HIGH_WATER_OFFSET, hw, n)) {
                return;
            }
        }
    }

    // ---- parameters --------------------------------------------------------------------------

    public String name() {
        return name;
    }

    public int capacity() {
        return capacity;
    }

    public int maxMessageSize() {
        return maxMessageSize;
    }

    public boolean joinable() {
        return joinable;
    }

    public SharedMemory memory() {
        return memory;
    }

    public int token() {
        return token;
    }

    /** The last exception or error a janitor pass ended with, if any (diagnostics). */
    public @Nullable Throwable lastJanitorError() {
        return lastJanitorError;
    }

    /** How many janitor passes of this ring failed (diagnostics; at most one marks it damaged). */
    public long janitorFailures() {
        return janitorFailures.get();
    }

    /** Why this ring can no longer be used in this process, or {@code null} if it can. */
    public @Nullable Throwable damage() {
        return damage;
    }

    /**
     * Marks this ring unusable in this process: every later operation on it throws
     * {@link IllegalStateException} with {@code cause}, and janitor passes skip it. The first cause
     * is kept.
     */
    void markDamaged(Throwable cause) {
        if (damage == null) {
            damage = cause;
        }
    }

    /** Throws if this ring was marked damaged. */
    public void checkNotDamaged() {
        Throwable cause = damage;
        if (cause != null) {
            throw new IllegalStateException("queue '" + name + "' is damaged and can no longer be used in this process: "
                    + "its recovery pass failed with " + cause + " (see the cause); crash recovery for it is off. "
                    + "Other queues are not affected. Check the file " + memory.path() + ", then close every "
                    + "handle of its domain in this process and open it again (or use another process)", cause);
        }
    }

    private int slotOffset(long position) {
        return slotsOffset + (int) (position & mask) * stride;
    }

    private int slotOffsetOfIndex(int index) {
        return slotsOffset + index * stride;
    }

    private int lapOf(long position) {
        return (int) (position >>> shift);
    }

    // ---- producer side -----------------------------------------------------------------------

    /**
     * Puts {@code length} bytes, from {@code array[offset...]} or, if {@code array} is null, from
     * {@code buffer} at its position (which is not moved).
     *
     * @param timed whether {@code nanos} bounds the wait
     * @param nanos the wait; with {@code timed}, {@code <= 0} means do not wait
     * @return {@code true} if committed; {@code false} on timeout or if {@code gate} refused
     */
    public boolean put(byte @Nullable [] array, int offset, @Nullable ByteBuffer buffer, int length,
            boolean timed, long nanos, @Nullable Gate gate, OpenCheck open) throws InterruptedException {
        if (length > maxMessageSize) {
            throw new IllegalArgumentException("message of " + length + " bytes is longer than the maximum message size "
                    + maxMessageSize + " of queue '" + name + "'");
        }
        boolean blocking = !timed || nanos > 0;
        if (timed && nanos > UNTIMED_ABOVE_NANOS) {
            timed = false;
        }
        if (blocking && Thread.interrupted()) {
            throw new InterruptedException();
        }
        long start = 0L;
        long deadline = 0L;
        boolean waiting = false;
        while (true) {
            open.check();
            checkNotDamaged();
            if ((getStateVolatile() & SHUTDOWN) != 0) {
                throw shutDown();
            }
            long pos = claimWrite();
            if (pos >= 0) {
                try {
                    writePayload(pos, array, offset, buffer, length);
                } catch (RuntimeException | Error e) {
                    abandonWrite(pos);
                    throw e;
                }
                return commitWrite(pos, gate);
            }
            if (!blocking) {
                return false;
            }
            long now = System.nanoTime();
            if (!waiting) {
                waiting = true;
                start = now;
                deadline = now + nanos;
            } else if (timed && now - deadline >= 0) {
                return false;
            }
            waitRound(NOT_FULL_OFFSET, "queue.put.sleeping", now, start, deadline, timed);
        }
    }

    /**
     * Claims the slot at the tail for writing.
     *
     * @return the claimed position, or -1 if the queue is full at the tail
     */
    long claimWrite() {
        final SharedMemory m = memory;
        while (true) {
            long t = getTailVolatile();
            int off = slotOffset(t);
            int lap = lapOf(t);
            long w = m.getLongVolatile(off);
            int d = lap(w) - lap;
            if (d == 0) {
                if (w == slotWord(lap, FREE, 0)) {
                    if (m.casLong(off, w, slotWord(lap, WRITING, token))) {
                        if (CrashPoints.ENABLED) {
                            CrashPoints.reach("queue.put.claimed");
                        }
                        casTail(t, t + 1);
                        if (CrashPoints.ENABLED) {
                            CrashPoints.reach("queue.put.tailAdvanced");
                        }
                        return t;
                    }
                } else {
                    casTail(t, t + 1); // claimed by a producer that has not advanced the tail yet: help
                }
            } else if (d > 0) {
                casTail(t, t + 1); // position t was claimed and consumed long ago: the tail lags
            } else if (getTailVolatile() == t) {
                return -1; // the slot still holds an older lap: full at this position
            }
        }
    }

    private void writePayload(long pos, byte @Nullable [] array, int offset, @Nullable ByteBuffer buffer, int length) {
        int base = slotOffset(pos) + SLOT_PAYLOAD;
        int first = CrashPoints.ENABLED ? length / 2 : length;
        if (array != null) {
            memory.putBytes(base, array, offset, first);
        } else {
            memory.putBytes(base, Objects.requireNonNull(buffer), buffer.position(), first);
        }
        if (CrashPoints.ENABLED) {
            CrashPoints.reach("queue.put.midCopy");
            if (array != null) {
                memory.putBytes(base + first, array, offset + first, length - first);
            } else {
                memory.putBytes(base + first, Objects.requireNonNull(buffer), buffer.position() + first, length - first);
            }
        }
        memory.setIntPlain(slotOffset(pos) + SLOT_LENGTH, length);
        if (CrashPoints.ENABLED) {
            CrashPoints.reach("queue.put.copied");
        }
    }

    private boolean commitWrite(long pos, @Nullable Gate gate) {
        if (gate != null && !gate.enter()) {
            abandonWrite(pos);
            return false;
        }
        int off = slotOffset(pos);
        int lap = lapOf(pos);
        if (!memory.casLong(off, slotWord(lap, WRITING, token), slotWord(lap, FULL, 0))) {
            throw lostSlot(pos);
        }
        if (syncOnCommit) {
            memory.force(off, stride);
        }
        if (CrashPoints.ENABLED) {
            CrashPoints.reach("queue.put.committed");
        }
        if ((memory.getIntVolatile(NOT_EMPTY_OFFSET) & W) != 0) {
            signal(NOT_EMPTY_OFFSET);
        }
        return true;
    }

    /** Turns a slot this participant is writing into a tombstone (consumers skip it). */
    private void abandonWrite(long pos) {
        int off = slotOffset(pos);
        int lap = lapOf(pos);
        memory.setIntPlain(off + SLOT_LENGTH, TOMBSTONE);
        if (memory.casLong(off, slotWord(lap, WRITING, token), slotWord(lap, FULL, 0))) {
            memory.getAndAddLong(TOMBSTONES_OFFSET, 1);
            signal(NOT_EMPTY_OFFSET);
        }
    }

    private IllegalStateException lostSlot(long pos) {
        return new IllegalStateException("queue '" + name + "': slot of position " + pos + " was recovered by another "
                + "process, which found this participant dead (was its domain closed during the operation?); now "
                + QueueDescriptor.describeSlotWord(memory.getLongVolatile(slotOffset(pos))));
    }

    // ---- consumer side -----------------------------------------------------------------------

    /**
     * Waits for and claims the next message (tombstones are skipped).
     *
     * @return the claimed position (the caller must then copy it out and {@link #commitTake}, or
     *     {@link #returnClaimed} it), or -1 on timeout / when empty and not blocking
     */
    public long claimTake(boolean timed, long nanos, OpenCheck open) throws InterruptedException {
        boolean blocking = !timed || nanos > 0;
        if (timed && nanos > UNTIMED_ABOVE_NANOS) {
            timed = false;
        }
        if (blocking && Thread.interrupted()) {
            throw new InterruptedException();
        }
        long start = 0L;
        long deadline = 0L;
        boolean waiting = false;
        while (true) {
            open.check();
            checkNotDamaged();
            int state = getStateVolatile();
            if ((state & IMMEDIATE) != 0) {
                discardAll();
                throw shutDown();
            }
            long pos = claimRead();
            if (pos >= 0) {
                if (memory.getIntPlain(slotOffset(pos) + SLOT_LENGTH) == TOMBSTONE) {
                    freeClaimed(pos);
                    continue;
                }
                return pos;
            }
            if ((state & SHUTDOWN) != 0) {
                throw shutDown();
            }
            if (!blocking) {
                return -1;
            }
            long now = System.nanoTime();
            if (!waiting) {
                waiting = true;
                start = now;
                deadline = now + nanos;
            } else if (timed && now - deadline >= 0) {
                return -1;
            }
            waitRound(NOT_EMPTY_OFFSET, "queue.get.sleeping", now, start, deadline, timed);
        }
    }

    /**
     * Claims the committed slot at the head.
     *
     * @return the claimed position, or -1 if nothing is committed at the head
     */
    long claimRead() {
        final SharedMemory m = memory;
        while (true) {
            long h = getHeadVolatile();
            int off = slotOffset(h);
            int lap = lapOf(h);
            long w = m.getLongVolatile(off);
            int d = lap(w) - lap;
            if (d == 0) {
                int st = state(w);
                if (st == FULL) {
                    if (m.casLong(off, w, slotWord(lap, READING, token))) {
                        if (CrashPoints.ENABLED) {
                            CrashPoints.reach("queue.get.claimed");
                        }
                        casHead(h, h + 1);
                        return h;
                    }
                } else if (st == READING) {
                    casHead(h, h + 1); // claimed by a consumer that has not advanced the head yet: help
                } else if (getHeadVolatile() == h) {
                    return -1; // FREE(lap) or WRITING(lap): nothing committed here yet
                }
            } else if (d > 0) {
                casHead(h, h + 1); // position h was consumed: the head lags
            } else if (getHeadVolatile() == h) {
                return -1; // the previous lap is still being read: position h not written yet
            }
        }
    }

    /** The length of the message at a claimed position. */
    public int claimedLength(long pos) {
        return memory.getIntPlain(slotOffset(pos) + SLOT_LENGTH);
    }

    /** Copies the message at a claimed position into a new array. */
    public byte[] copyOut(long pos) {
        int off = slotOffset(pos);
        int length = memory.getIntPlain(off + SLOT_LENGTH);
        byte[] message = new byte[length];
        int first = CrashPoints.ENABLED ? length / 2 : length;
        memory.getBytes(off + SLOT_PAYLOAD, message, 0, first);
        if (CrashPoints.ENABLED) {
            CrashPoints.reach("queue.get.midCopy");
            memory.getBytes(off + SLOT_PAYLOAD + first, message, first, length - first);
            CrashPoints.reach("queue.get.copied");
        }
        return message;
    }

    /** Copies the message at a claimed position into {@code dst} (position advanced); returns its length. */
    public int copyOut(long pos, ByteBuffer dst) {
        int off = slotOffset(pos);
        int length = memory.getIntPlain(off + SLOT_LENGTH);
        int first = CrashPoints.ENABLED ? length / 2 : length;
        memory.getBytes(off + SLOT_PAYLOAD, dst, first);
        if (CrashPoints.ENABLED) {
            CrashPoints.reach("queue.get.midCopy");
            memory.getBytes(off + SLOT_PAYLOAD + first, dst, length - first);
            CrashPoints.reach("queue.get.copied");
        }
        return length;
    }

    /**
     * Commits a take: counts the task (joinable queues) and frees the slot.
     *
     * @return {@code true} if committed, {@code false} if {@code gate} refused (the message was
     *     then put back for another consumer)
     */
    public boolean commitTake(long pos, @Nullable Gate gate) {
        if (gate != null && !gate.enter()) {
            returnClaimed(pos);
            return false;
        }
        if (joinable && !addToOwnRecord(1)) {
            throw lostSlot(pos);
        }
        int off = slotOffset(pos);
        int lap = lapOf(pos);
        if (!memory.casLong(off, slotWord(lap, READING, token), slotWord(lap + 1, FREE, 0))) {
            if (joinable) {
                addToOwnRecord(-1);
            }
            throw lostSlot(pos);
        }
        if (CrashPoints.ENABLED) {
            CrashPoints.reach("queue.get.freed");
        }
        if ((memory.getIntVolatile(NOT_FULL_OFFSET) & W) != 0) {
            signal(NOT_FULL_OFFSET);
        }
        return true;
    }

    /**
     * Gives back a message this participant claimed but will not hand over (a cancelled or failed
     * take): it is put back for another consumer, now or by the janitor.
     */
    public void returnClaimed(long pos) {
        int index = (int) (pos & mask);
        int lap = lapOf(pos);
        if (!redeliverOwned(index, lap, false)) {
            pending.add(pendingKey(index, lap, false));
        }
    }

    /** Slots this participant holds and has yet to put back (diagnostics, tests). */
    public int pendingRedeliveries() {
        return pending.size();
    }

    private void freeClaimed(long pos) {
        int lap = lapOf(pos);
        if (memory.casLong(slotOffset(pos), slotWord(lap, READING, token), slotWord(lap + 1, FREE, 0))) {
            signal(NOT_FULL_OFFSET);
        }
    }

    /** Claims and frees every committed message (immediate shutdown). */
    private void discardAll() {
        while (true) {
            long pos = claimRead();
            if (pos < 0) {
                break;
            }
            if (memory.getIntPlain(slotOffset(pos) + SLOT_LENGTH) != TOMBSTONE) {
                memory.getAndAddLong(DISCARDED_OFFSET, 1);
            }
            freeClaimed(pos);
        }
        signalAll(JOIN_WORD_OFFSET);
    }

    private boolean addToOwnRecord(long delta) {
        while (true) {
            long rec = memory.getLongVolatile(recordOffset);
            if (recordToken(rec) != token) {
                return false; // our record was cleared: we were declared dead
            }
            if (memory.casLong(recordOffset, rec, rec + delta)) {
                return true;
            }
        }
    }

    // ---- waiting -----------------------------------------------------------------------------

    /**
     * One round of waiting on the event count at {@code offset}: publishes the sleeper flag (and
     * returns, so that the caller re-checks before sleeping), or waits for a change, a wake-up, a
     * slice or the deadline.
     */
    private void waitRound(int offset, String point, long now, long start, long deadline, boolean timed)
            throws InterruptedException {
        long waited = now - start;
        int v = memory.getIntVolatile(offset);
        boolean sleeping = waiter.willSleep(waited);
        if (sleeping && (v & W) == 0) {
            memory.casInt(offset, v, v | W);
            return;
        }
        if (CrashPoints.ENABLED && sleeping) {
            CrashPoints.reach(point);
        }
        long until = now + sliceNanos;
        if (timed && deadline - until < 0) {
            until = deadline;
        }
        waiter.await(memory, offset, v, until, waited);
    }

    /**
     * Wakes one sleeper of an event count if its sleeper flag is set (producers on notFull, consumers
     * on notEmpty: one freed slot or one message is work for one waiter, so waking all would only
     * make the others sleep again). The word gets a new sequence number with {@code W} kept, so a
     * sleeper that published {@code W} but has not gone to sleep yet does not sleep on the old value;
     * if the wake found nobody asleep, {@code W} is cleared (a sleeper racing with that re-publishes
     * it, because the value it was about to sleep on changed).
     */
    private void signal(int offset) {
        while (true) {
            int v = memory.getIntVolatile(offset);
            if ((v & W) == 0) {
                return;
            }
            if (memory.casInt(offset, v, v + 2)) {
                if (waiter.wake(memory, offset, 1) == 0) {
                    memory.casInt(offset, v + 2, (v + 4) & ~W);
                }
                return;
            }
        }
    }

    /** Wakes every sleeper of an event count if its sleeper flag is set (joiners: each re-checks). */
    private void signalAll(int offset) {
        while (true) {
            int v = memory.getIntVolatile(offset);
            if ((v & W) == 0) {
                return;
            }
            if (memory.casInt(offset, v, (v + 2) & ~W)) {
                waiter.wakeAll(memory, offset);
                return;
            }
        }
    }

    /** Changes an event count unconditionally (so that every waiter re-checks) and wakes its sleepers. */
    private void bump(int offset) {
        int v;
        do {
            v = memory.getIntVolatile(offset);
        } while (!memory.casInt(offset, v, (v + 2) & ~W));
        if ((v & W) != 0) {
            waiter.wakeAll(memory, offset);
        }
    }

    /**
     * Makes every waiter on this queue, in every process, re-check its condition (a handle closed).
     * Does nothing on a damaged ring, whose memory may fault (its waiters re-check within a slice).
     */
    public void wakeAllWaiters() {
        if (damage != null) {
            return;
        }
        bump(NOT_EMPTY_OFFSET);
        bump(NOT_FULL_OFFSET);
        bump(JOIN_WORD_OFFSET);
    }

    // ---- shutdown ----------------------------------------------------------------------------

    /** Shuts the queue down for every process (see {@code IpcQueue.shutdown}). */
    public void shutdown(boolean immediate) {
        int bits = SHUTDOWN | (immediate ? IMMEDIATE : 0);
        while (true) {
            int s = getStateVolatile();
            if ((s & bits) == bits || memory.casInt(STATE_OFFSET, s, s | bits)) {
                break;
            }
        }
        if (immediate) {
            discardAll();
        }
        wakeAllWaiters();
    }

    public boolean isShutdown() {
        return (getStateVolatile() & SHUTDOWN) != 0;
    }

    private QueueShutDownException shutDown() {
        return new QueueShutDownException("queue '" + name + "' is shut down"
                + ((getStateVolatile() & IMMEDIATE) != 0 ? " (immediately)" : ""));
    }

    // ---- estimates ---------------------------------------------------------------------------

    public int size() {
        long h = getHeadVolatile();
        long t = getTailVolatile();
        return (int) Math.max(0, Math.min(capacity, t - h));
    }

    public boolean isEmpty() {
        long h = getHeadVolatile();
        long w = memory.getLongVolatile(slotOffset(h));
        return !(lap(w) == lapOf(h) && state(w) == FULL);
    }

    public boolean isFull() {
        long t = getTailVolatile();
        long w = memory.getLongVolatile(slotOffset(t));
        return lap(w) - lapOf(t) < 0;
    }

    public QueueStats stats() {
        return new QueueStats(memory.getLongVolatile(TOMBSTONES_OFFSET), memory.getLongVolatile(REDELIVERIES_OFFSET),
                memory.getLongVolatile(DISCARDED_OFFSET), memory.getLongVolatile(ABANDONED_OFFSET));
    }

    // ---- joinable ----------------------------------------------------------------------------

    /** Marks one task done: this participant's, else another live participant's. */
    public void taskDone() {
        checkNotDamaged();
        int hw = highWater();
        for (int r = -1; r < hw; r++) {
            int off = r < 0 ? recordOffset : recordOffset(r);
            if (r >= 0 && off == recordOffset) {
                continue;
            }
            while (true) {
                long rec = memory.getLongVolatile(off);
                int owner = recordToken(rec);
                if (recordCount(rec) == 0 || owner == 0 || (owner != token && liveness.isDead(owner))) {
                    break;
                }
                if (memory.casLong(off, rec, rec - 1)) {
                    if (recordCount(rec) == 1) {
                        signalAll(JOIN_WORD_OFFSET);
                    }
                    return;
                }
            }
        }
        throw new IllegalStateException("taskDone() called more times than messages were taken from queue '" + name
                + "' (by this process or another live one)");
    }

    /** Waits until every task is done; see {@code IpcJoinableQueue.join}. */
    public boolean join(boolean timed, long nanos, OpenCheck open) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        open.check();
        checkNotDamaged();
        if (allTasksDone()) {
            return true;
        }
        if (timed && nanos <= 0) {
            return false;
        }
        if (timed && nanos > UNTIMED_ABOVE_NANOS) {
            timed = false;
        }
        long deadline = System.nanoTime() + nanos;
        while (true) {
            open.check();
            checkNotDamaged();
            int v = memory.getIntVolatile(JOIN_WORD_OFFSET);
            if ((v & W) == 0) {
                if (!memory.casInt(JOIN_WORD_OFFSET, v, v | W)) {
                    continue;
                }
                v |= W;
            }
            if (allTasksDone()) {
                return true;
            }
            long now = System.nanoTime();
            if (timed && now - deadline >= 0) {
                return false;
            }
            if (CrashPoints.ENABLED) {
                CrashPoints.reach("queue.join.sleeping");
            }
            long until = now + sliceNanos;
            if (timed && deadline - until < 0) {
                until = deadline;
            }
            waiter.await(memory, JOIN_WORD_OFFSET, v, until, Long.MAX_VALUE / 2); // joiners never spin
        }
    }

    /** Whether every task is done: no message in the ring or being taken, no live participant's count. */
    public boolean allTasksDone() {
        if (anyLiveCount()) {
            return false; // quick reject
        }
        boolean immediate = (getStateVolatile() & IMMEDIATE) != 0;
        for (int i = 0; i < capacity; i++) {
            int off = slotOffsetOfIndex(i);
            long w = memory.getLongVolatile(off);
            int st = state(w);
            if (st == READING || st == WRITING
                    || (st == FULL && !immediate && memory.getIntPlain(off + SLOT_LENGTH) != TOMBSTONE)) {
                return false;
            }
        }
        return !anyLiveCount(); // a consumer raises its count before freeing its slot: read after the scan
    }

    private boolean anyLiveCount() {
        int hw = highWater();
        for (int r = 0; r < hw; r++) {
            long rec = memory.getLongVolatile(recordOffset(r));
            int owner = recordToken(rec);
            if (recordCount(rec) > 0 && owner != 0 && (owner == token || !liveness.isDead(owner))) {
                return true;
            }
        }
        return false;
    }

    /** Messages in the ring plus live participants' pending tasks (an estimate). */
    public long unfinishedTasks() {
        boolean immediate = (getStateVolatile() & IMMEDIATE) != 0;
        long n = 0;
        for (int i = 0; i < capacity; i++) {
            int off = slotOffsetOfIndex(i);
            long w = memory.getLongVolatile(off);
            int st = state(w);
            if (st == READING || (st == FULL && !immediate && memory.getIntPlain(off + SLOT_LENGTH) != TOMBSTONE)) {
                n++;
            }
        }
        int hw = highWater();
        for (int r = 0; r < hw; r++) {
            long rec = memory.getLongVolatile(recordOffset(r));
            int owner = recordToken(rec);
            if (recordCount(rec) > 0 && owner != 0 && (owner == token || !liveness.isDead(owner))) {
                n += recordCount(rec);
            }
        }
        return n;
    }

    private int highWater() {
        return Math.min(records, memory.getIntVolatile(RECORDS_HIGH_WATER_OFFSET));
    }

    // ---- recovery ----------------------------------------------------------------------------

    /**
     * One janitor pass, run about once per liveness slice by one thread of each process: puts back
     * the slots this participant still owns, recovers every slot of each dead participant that has
     * a record (then clears the record), and recovers a slot that has stalled the head or the tail
     * for a whole pass with a dead owner (owners without a record).
     *
     * <p>Never throws. A pass that fails, with an exception or an error (such as the
     * {@link InternalError} of a fault on a truncated mapping), marks this ring damaged
     * ({@link #damage()}): its later operations in this process fail with
     * {@link IllegalStateException}, later passes skip it, and the failure is counted
     * ({@link #janitorFailures()}) and reported through the {@code dev.weft.ipc} system logger.
     *
     * @return whether anything was recovered
     */
    public boolean janitorPass() {
        if (damage != null) {
            return false;
        }
        janitorLock.lock();
        try {
            boolean any = retryPending();
            int hw = highWater();
            for (int r = 0; r < hw; r++) {
                int off = recordOffset(r);
                long rec = memory.getLongVolatile(off);
                int owner = recordToken(rec);
                if (owner == 0 || owner == token || !liveness.isDead(owner)) {
                    continue;
                }
                any |= sweep(owner);
                clearRecord(off, owner);
            }
            any |= checkStalls();
            if (any) {
                signal(NOT_EMPTY_OFFSET);
                signal(NOT_FULL_OFFSET);
                signalAll(JOIN_WORD_OFFSET);
            }
            return any;
        } catch (Throwable e) { // NOTE: errors too: one damaged mapping must not end recovery of the others
            janitorFailed(e);
            return false;
        } finally {
            janitorLock.unlock();
        }
    }

    /** Records, counts and reports a failed janitor pass, and marks this ring damaged. */
    void janitorFailed(Throwable e) {
        lastJanitorError = e;
        janitorFailures.incrementAndGet();
        boolean first = damage == null;
        markDamaged(e);
        if (first) {
            System.getLogger("dev.weft.ipc").log(System.Logger.Level.ERROR, "weft-ipc: the recovery pass of queue '"
                    + name + "' (" + memory.path() + ") failed; the queue is marked damaged in this process and its "
                    + "operations will fail; other queues are not affected", e);
        }
    }

    private boolean retryPending() {
        boolean any = false;
        for (Iterator<Long> it = pending.iterator(); it.hasNext(); ) {
            long key = it.next();
            if (redeliverOwned(pendingIndex(key), pendingLap(key), pendingDropAllowed(key))) {
                it.remove();
                any = true;
            }
        }
        return any;
    }

    /** Recovers every slot claimed by {@code dead} (never this participant); returns whether it recovered any. */
    public boolean sweep(int dead) {
        if (dead == token) {
            return false;
        }
        boolean any = false;
        for (int i = 0; i < capacity; i++) {
            int off = slotOffsetOfIndex(i);
            long w = memory.getLongVolatile(off);
            int st = state(w);
            if ((st == WRITING || st == READING) && QueueDescriptor.token(w) == dead) {
                any |= recoverSlot(i, w);
            }
        }
        return any;
    }

    private void clearRecord(int off, int dead) {
        while (true) {
            long rec = memory.getLongVolatile(off);
            if (recordToken(rec) != dead) {
                return;
            }
            if (memory.casLong(off, rec, 0)) {
                long abandoned = recordCount(rec);
                if (abandoned > 0) {
                    memory.getAndAddLong(ABANDONED_OFFSET, abandoned);
                }
                return;
            }
        }
    }

    private boolean checkStalls() {
        boolean any = false;
        long h = getHeadVolatile();
        long hw = memory.getLongVolatile(slotOffset(h));
        if (state(hw) == WRITING && lap(hw) == lapOf(h) && QueueDescriptor.token(hw) != token) {
            if (h == lastHead && hw == lastHeadWord && liveness.isDead(QueueDescriptor.token(hw))) {
                any |= recoverSlot((int) (h & mask), hw);
            }
        }
        lastHead = h;
        lastHeadWord = hw;
        long t = getTailVolatile();
        long tw = memory.getLongVolatile(slotOffset(t));
        int st = state(tw);
        if ((st == WRITING || st == READING) && lap(tw) - lapOf(t) < 0 && QueueDescriptor.token(tw) != token) {
            if (t == lastTail && tw == lastTailWord && liveness.isDead(QueueDescriptor.token(tw))) {
                any |= recoverSlot((int) (t & mask), tw);
            }
        }
        lastTail = t;
        lastTailWord = tw;
        return any;
    }

    /**
     * Recovers slot {@code index} holding {@code w}, claimed by a dead participant: a write in
     * progress becomes a tombstone, a read in progress is put back (or dropped, by policy).
     *
     * @return whether this call took the slot over
     */
    boolean recoverSlot(int index, long w) {
        int off = slotOffsetOfIndex(index);
        int lap = lap(w);
        int st = state(w);
        if (st == WRITING) {
            if (!memory.casLong(off, w, slotWord(lap, WRITING, token))) {
                return false;
            }
            if (CrashPoints.ENABLED) {
                CrashPoints.reach("queue.recover.takenOver");
            }
            memory.setIntPlain(off + SLOT_LENGTH, TOMBSTONE);
            memory.casLong(off, slotWord(lap, WRITING, token), slotWord(lap, FULL, 0));
            memory.getAndAddLong(TOMBSTONES_OFFSET, 1);
            signal(NOT_EMPTY_OFFSET);
            signalAll(JOIN_WORD_OFFSET);
            return true;
        }
        if (st == READING) {
            if (!memory.casLong(off, w, slotWord(lap, READING, token))) {
                return false;
            }
            if (CrashPoints.ENABLED) {
                CrashPoints.reach("queue.recover.takenOver");
            }
            if (!redeliverOwned(index, lap, true)) {
                pending.add(pendingKey(index, lap, true));
            }
            return true;
        }
        return false;
    }

    /**
     * Puts back the message of slot {@code index}, which this participant holds as
     * {@code READING(lap, me)}, at position {@code p + capacity} ({@code p} being its old position):
     * the next position of the same slot, so the payload never moves.
     *
     * <p>While the slot holds lap {@code lap}, producers find an older lap there and stop, so the
     * tail is at most {@code p + capacity}. If it is exactly there, one CAS
     * {@code READING(lap, me) -> FULL(lap + 1)} commits the message again and the tail is advanced
     * past it. Otherwise the positions from the tail up to {@code p + capacity} are claimed and
     * committed as skip markers (tombstones not counted in the statistics; consumers skip them)
     * until the tail gets there: a message must not be committed ahead of the tail, where consumers
     * would reach it only after producers had filled the gap. Nothing is copied and there is no
     * intermediate state of the message's slot, so a recoverer killed at any point leaves either
     * its own {@code READING} (recovered again, exactly once) or the redelivered message.
     *
     * @param dropAllowed whether the queue's drop-on-consumer-death policy applies (a dead
     *     consumer's message; not a cancelled take)
     * @return {@code true} if done (or the slot is no longer ours), {@code false} if a slow live
     *     consumer of an older position keeps the tail from getting there (try again later)
     */
    private boolean redeliverOwned(int index, int lap, boolean dropAllowed) {
        int off = slotOffsetOfIndex(index);
        long mine = slotWord(lap, READING, token);
        if (memory.getLongVolatile(off) != mine) {
            return true; // recovered by someone else, which found this participant dead (its domain closed)
        }
        int length = memory.getIntPlain(off + SLOT_LENGTH);
        if (length == TOMBSTONE || (dropAllowed && dropOnConsumerDeath)) {
            if (memory.casLong(off, mine, slotWord(lap + 1, FREE, 0))) {
                if (length != TOMBSTONE) {
                    memory.getAndAddLong(DISCARDED_OFFSET, 1);
                }
                signal(NOT_FULL_OFFSET);
                signalAll(JOIN_WORD_OFFSET);
            }
            return true;
        }
        while (true) {
            long t = getTailVolatile();
            if ((int) (t & mask) == index && lapOf(t) == lap + 1) {
                if (memory.casLong(off, mine, slotWord(lap + 1, FULL, 0))) {
                    if (CrashPoints.ENABLED) {
                        CrashPoints.reach("queue.redeliver.committed");
                    }
                    casTail(t, t + 1); // others help if this process dies first
                    if (syncOnCommit) {
                        memory.force(off, stride);
                    }
                    memory.getAndAddLong(REDELIVERIES_OFFSET, 1);
                    signal(NOT_EMPTY_OFFSET);
                }
                return true;
            }
            long p = claimWrite(); // a position before p + capacity: the slot at p + capacity is ours
            if (p < 0) {
                long now = getTailVolatile();
                if ((int) (now & mask) == index && lapOf(now) == lap + 1) {
                    continue; // producers just got there
                }
                return false;
            }
            padWrite(p);
            if (CrashPoints.ENABLED) {
                CrashPoints.reach("queue.redeliver.padded");
            }
        }
    }

    /** Commits a claimed position as a skip marker (not counted as a tombstone). */
    private void padWrite(long pos) {
        int off = slotOffset(pos);
        int lap = lapOf(pos);
        memory.setIntPlain(off + SLOT_LENGTH, TOMBSTONE);
        if (memory.casLong(off, slotWord(lap, WRITING, token), slotWord(lap, FULL, 0))) {
            signal(NOT_EMPTY_OFFSET);
        }
    }

    private static long pendingKey(int index, int lap, boolean dropAllowed) {
        return ((long) lap << 32) | ((long) index << 1) | (dropAllowed ? 1 : 0);
    }

    private static int pendingIndex(long key) {
        return (int) (key & 0xFFFF_FFFFL) >>> 1;
    }

    private static int pendingLap(long key) {
        return (int) (key >>> 32);
    }

    private static boolean pendingDropAllowed(long key) {
        return (key & 1) != 0;
    }

    // ---- diagnostics -------------------------------------------------------------------------

    /** The raw word of slot {@code index} (tests, diagnostics). */
    public long slotWordAt(int index) {
        return memory.getLongVolatile(slotOffsetOfIndex(index));
    }

    public long head() {
        return getHeadVolatile();
    }

    public long tail() {
        return getTailVolatile();
    }

    /** This participant's record (token and count), for tests. */
    public long ownRecord() {
        return memory.getLongVolatile(recordOffset);
    }

    @Override
    public String toString() {
        Throwable cause = damage;
        if (cause != null) { // its memory may fault: show nothing from it
            return "IpcQueue[" + name + ", capacity=" + capacity + ", maxMessageSize=" + maxMessageSize
                    + ", DAMAGED: " + cause + "]";
        }
        int s = getStateVolatile();
        QueueStats st = stats();
        return "IpcQueue[" + name + ", capacity=" + capacity + ", maxMessageSize=" + maxMessageSize
                + (joinable ? ", joinable" : "") + ", qsize~" + size()
                + ((s & SHUTDOWN) != 0 ? ((s & IMMEDIATE) != 0 ? ", shut down (immediate)" : ", shut down") : "")
                + ", head=" + getHeadVolatile() + ", tail=" + getTailVolatile()
                + (st.tombstones() + st.redeliveries() + st.discarded() + st.abandonedTasks() > 0
                ? ", tombstones=" + st.tombstones() + ", redeliveries=" + st.redeliveries()
                + ", discarded=" + st.discarded() + ", abandonedTasks=" + st.abandonedTasks() : "")
                + "]";
    }

    // ---- word accessors (the mapping's VarHandles live in SharedMemory) -----------------------

    private long getTailVolatile() {
        return memory.getLongVolatile(TAIL_OFFSET);
    }

    private void casTail(long expected, long value) {
        memory.casLong(TAIL_OFFSET, expected, value);
    }

    private long getHeadVolatile() {
        return memory.getLongVolatile(HEAD_OFFSET);
    }

    private void casHead(long expected, long value) {
        memory.casLong(HEAD_OFFSET, expected, value);
    }

    private int getStateVolatile() {
        return memory.getIntVolatile(STATE_OFFSET);
    }

    static OpenCheck alwaysOpen() {
        return ALWAYS_OPEN;
    }
}
