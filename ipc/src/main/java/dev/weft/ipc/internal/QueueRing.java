package dev.weft.ipc.internal;

import static dev.weft.ipc.internal.QueueDescriptor.ABANDONED_OFFSET;
import static dev.weft.ipc.internal.QueueDescriptor.CAPACITY_OFFSET;
import static dev.weft.ipc.internal.QueueDescriptor.DEAD_LETTERED_OFFSET;
import static dev.weft.ipc.internal.QueueDescriptor.DISCARDED_OFFSET;
import static dev.weft.ipc.internal.QueueDescriptor.FLAGS_OFFSET;
import static dev.weft.ipc.internal.QueueDescriptor.FLAG_ACK_ON_TASK_DONE;
import static dev.weft.ipc.internal.QueueDescriptor.FLAG_DROP_ON_CONSUMER_DEATH;
import static dev.weft.ipc.internal.QueueDescriptor.FLAG_JOINABLE;
import static dev.weft.ipc.internal.QueueDescriptor.FLAG_SYNC_ON_COMMIT;
import static dev.weft.ipc.internal.QueueDescriptor.FREE;
import static dev.weft.ipc.internal.QueueDescriptor.FULL;
import static dev.weft.ipc.internal.QueueDescriptor.HEAD_OFFSET;
import static dev.weft.ipc.internal.QueueDescriptor.IMMEDIATE;
import static dev.weft.ipc.internal.QueueDescriptor.JOIN_WORD_OFFSET;
import static dev.weft.ipc.internal.QueueDescriptor.MAX_DELIVERIES_OFFSET;
import static dev.weft.ipc.internal.QueueDescriptor.MAX_MESSAGE_SIZE_OFFSET;
import static dev.weft.ipc.internal.QueueDescriptor.NOT_EMPTY_OFFSET;
import static dev.weft.ipc.internal.QueueDescriptor.NOT_FULL_OFFSET;
import static dev.weft.ipc.internal.QueueDescriptor.QUARANTINED_OFFSET;
import static dev.weft.ipc.internal.QueueDescriptor.READING;
import static dev.weft.ipc.internal.QueueDescriptor.RECORDS_HIGH_WATER_OFFSET;
import static dev.weft.ipc.internal.QueueDescriptor.RECORDS_OFFSET;
import static dev.weft.ipc.internal.QueueDescriptor.REDELIVERIES_OFFSET;
import static dev.weft.ipc.internal.QueueDescriptor.SHUTDOWN;
import static dev.weft.ipc.internal.QueueDescriptor.SLOTS_OFFSET_OFFSET;
import static dev.weft.ipc.internal.QueueDescriptor.SLOT_DELIVERIES;
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

import dev.weft.core.internal.WaitEvent;
import dev.weft.core.queue.QueueShutDownException;
import dev.weft.ipc.queue.QueueSpec;
import dev.weft.ipc.queue.QueueStats;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedDeque;
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
     *   - Claimed positions form a prefix [0, T) (producers claim only at the tail hint, which
     *     passes only claimed positions), and so do positions claimed by consumers, [0, H). Hence
     *     the hints never lead: tail <= T, head <= H, and at every instant the laps of all slots
     *     are within two of each other.
     * Non-invariants
     *   - tail - head is not the number of messages (claimed slots in flight, tombstones).
     *   - W set does not mean anybody sleeps.
     *   - Nothing in the file is trusted: another process (or a stray write) may have damaged it.
     *     Lengths and FULL words are checked when a slot is claimed; a slot that fails is
     *     quarantined (freed without delivery, counted), never put back.
     *
     * Linearization points
     *   put: the CAS WRITING(L, me) -> FULL(L). take: the CAS READING(L, me) -> FREE(L + 1) (the
     *   message belongs to the taker from there); with acknowledgement ON_TASK_DONE the take keeps
     *   READING(L, me) (held) and that CAS is the taskDone that acknowledges it. A take that finds the slot at head FREE(L) or
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
     * Damage (see QueueDescriptor, Validation)
     *   An observation that the invariants rule out starts an audit in the thread that made it: at
     *   the tail, a slot more than one lap behind, or FREE one lap behind; at the head, a slot more
     *   than one lap behind, or one lap behind and not READING; at either, a slot more than
     *   CRAWL_LAPS laps ahead of a hint that has not moved (the hint lags by that much: it would
     *   otherwise crawl there one CAS per position); an empty head whose position the tail has
     *   passed, or that is past an unclaimed tail position. The janitor also audits on its
     *   passes (every pass up to 16 Ki slots), which finds what no single word shows: a head hint
     *   that skipped committed messages. An audit reads the hints, then every slot word: for each
     *   slot the smallest position it shows unclaimed by producers (u) and by consumers (v). Each
     *   only grows, so min u and min v, read after the hints, are at least the hints' true values
     *   when read and at most the true values at the end of the scan: a hint above them is
     *   damaged, and a CAS from the value read to them never sets a hint ahead. A FREE slot below
     *   the largest claimed position is a gap (a put went to a tail hint that led): its lap is
     *   advanced past it by one CAS, so both sides skip it. Laps are read relative to the median
     *   lap of a sample of slots; a slot more than two laps from it (an outlier) makes the audit
     *   leave the hints alone, and the janitor quarantines it when it holds the same word in two
     *   audits (a live slot cannot: while its word stays put, every live slot stays in a window of
     *   three laps around it, and so does the median).
     *
     * Acknowledgement ON_TASK_DONE
     *   A take raises the slot's delivery count (release store, while it owns the slot) and returns
     *   with the slot still READING(L, me); this process remembers the position (held, in take
     *   order). taskDone() acknowledges the oldest held position, taskDone(Delivery) the given one:
     *   one CAS READING(L, me) -> FREE(L + 1). The holder's death leaves READING(L, dead), which is
     *   recovered exactly like a take that never returned (redelivered in its own slot, count kept),
     *   except that a message whose count reached maxDeliveries is freed and counted deadLettered
     *   instead. The ack CAS and the recoverer's takeover CAS are from the same word, so exactly one
     *   wins: acknowledged (never redelivered) or redelivered (the late taskDone throws).
     *   A held slot keeps producers from lapping it: unacknowledged messages count against the
     *   capacity, and the oldest one bounds how far ahead the tail can go.
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
    /**
     * Whether this process's last put (take) claimed at once, 1 or 0: only then does the next
     * one look with a compare-and-exchange (see {@link #claimWrite}). A read-modify-write that
     * the interpreter runs on a mapping whose file was cut kills the JVM (SharedMemory's notes),
     * and a read faults safely; so a put or take that finds the queue full or empty, or the file
     * cut, reads first, as one that blocks does, and the read-modify-writes stay where a claim
     * is likely. Kept at {@link #PUTS_CLAIMING} and {@link #TAKES_CLAIMING}, 64 bytes apart and
     * away from this object's fields, which both sides read, and written only when they change.
     * NOTE: plain, racy between threads: only hints.
     */
    private final int[] claimHints = new int[48];
    private static final int PUTS_CLAIMING = 16;
    private static final int TAKES_CLAIMING = 32;
    /** Acknowledgement ON_TASK_DONE: takes hold their slot until taskDone. */
    private final boolean ackOnTaskDone;
    /** Dead-letter limit of an ON_TASK_DONE queue (0: none). */
    private final int maxDeliveries;
    /** Positions this participant took and holds unacknowledged (ON_TASK_DONE), oldest first. */
    private final ConcurrentLinkedDeque<Long> held = new ConcurrentLinkedDeque<>();
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
    /** Janitor passes so far (audits run on every {@link #auditEveryPasses()}-th). */
    private long janitorPasses;
    /** Slots whose lap was an outlier in the last audit, with the word they held then. */
    private final Map<Integer, Long> suspects = new HashMap<>();
    /** Serialises audits of the hints in this process; only ever tried, never waited for. */
    private final ReentrantLock auditLock = new ReentrantLock();
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
        this.ackOnTaskDone = (flags & FLAG_ACK_ON_TASK_DONE) != 0;
        this.maxDeliveries = memory.getIntPlain(MAX_DELIVERIES_OFFSET);
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
        memory.setIntPlain(MAX_DELIVERIES_OFFSET, spec.maxDeliveries());
        memory.setIntVolatile(SLOTS_OFFSET_OFFSET, QueueDescriptor.slotsOffset(records));
    }

    /**
     * Attaches participant {@code liveness.token()} to the queue in {@code memory} (already
     * checked), claiming a participant record.
     *
     * @throws IllegalArgumentException if the parameters in the header are inconsistent
     * @throws IllegalStateException if every record belongs to a live participant
     */
    public static QueueRing attach(String name, SharedMemory memory, Liveness liveness, Waiter waiter, long sliceNanos) {
        String problem = QueueDescriptor.layoutProblem(memory);
        if (problem != null) {
            throw new IllegalArgumentException("queue '" + name + "' in " + memory.path() + " has a damaged header: "
                    + problem);
        }
        int token = liveness.token();
        int records = memory.getIntPlain(RECORDS_OFFSET);
        @Nullable QueueRing recoverer = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            for (int r = 0; r < records; r++) {
                int off = recordOffset(r);
                long rec = memory.getLongVolatile(off);
                if (rec == 0 && memory.casLong(off, 0, record(token, 0))) {
                    raiseHighWater(memory, r + 1);
                    QueueRing ring = new QueueRing(name, memory, liveness, waiter, sliceNanos, r);
                    if (recoverer != null) {
                        // Slots the recovery pass took over but could not put back yet are held
                        // under this participant's token: the new ring's janitor retries them.
                        ring.pending.addAll(recoverer.pending);
                    }
                    return ring;
                }
            }
            if (attempt == 0) {
                // Full: a janitor pass recovers the slots of dead participants and frees their records.
                recoverer = new QueueRing(name, memory, liveness, waiter, sliceNanos, -1);
                recoverer.janitorPass();
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

    /** Whether takes hold their slot until taskDone (acknowledgement ON_TASK_DONE). */
    public boolean acknowledgesOnTaskDone() {
        return ackOnTaskDone;
    }

    /** The dead-letter limit (0: none). */
    public int maxDeliveries() {
        return maxDeliveries;
    }

    /** How many taken messages this process holds unacknowledged (ON_TASK_DONE). */
    public int heldCount() {
        return held.size();
    }

    /** Whether this process holds position {@code pos} unacknowledged (ON_TASK_DONE). */
    public boolean holds(long pos) {
        return held.contains(pos);
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

    /**
     * Throws if this ring was marked damaged: {@link dev.weft.ipc.IpcDamagedException} if its file
     * was cut short, else {@link IllegalStateException} with the cause of the failed janitor pass.
     */
    public void checkNotDamaged() {
        memory.checkIntact();
        Throwable cause = damage;
        if (cause != null) {
            throw new IllegalStateException("queue '" + name + "' is damaged and can no longer be used in this process: "
                    + "its recovery pass failed with " + cause + " (see the cause); crash recovery for it is off. "
                    + "Other queues are not affected. Check the file " + memory.path() + ", then close every "
                    + "handle of its domain in this process and open it again (or use another process)", cause);
        }
    }

    /** Whether {@code length}, read from a claimed slot, is a tombstone or a length a message of this queue can have. */
    private boolean isValidLength(int length) {
        return length == TOMBSTONE || (length >= 0 && length <= maxMessageSize);
    }

    /** Whether {@code length} is the length of a message of this queue. */
    private boolean isMessageLength(int length) {
        return length >= 0 && length <= maxMessageSize;
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
        try {
            if (gate != null || (timed && nanos <= 0)) {
                return putLoop(array, offset, buffer, length, timed, nanos, gate, open);
            }
            // A blocking put: an attempt that does not wait, then, only if the queue is full, the
            // wait, recorded as a JFR wait event when one is enabled.
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            if (putLoop(array, offset, buffer, length, true, 0L, null, open)) {
                return true;
            }
            WaitEvent event = WaitEvent.start();
            String outcome = WaitEvent.FAILED;
            try {
                boolean put = putLoop(array, offset, buffer, length, timed, nanos, null, open);
                outcome = put ? "put" : "timed out";
                return put;
            } finally {
                WaitEvent.end(event, "IpcQueue", name, "put", outcome);
            }
        } catch (InternalError e) { // a fault on a file cut short, raised after the accessor returned
            throw memory.damagedBy(e);
        }
    }

    private boolean putLoop(byte @Nullable [] array, int offset, @Nullable ByteBuffer buffer, int length,
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
            long pos = claimWrite(!waiting && claimHints[PUTS_CLAIMING] != 0);
            setClaimHint(PUTS_CLAIMING, pos >= 0);
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

    /** Records whether a put or take claimed at once, writing the hint only when it changes. */
    private void setClaimHint(int index, boolean claimed) {
        int value = claimed ? 1 : 0;
        if (claimHints[index] != value) {
            claimHints[index] = value;
        }
    }

    /**
     * Claims the slot at the tail for writing.
     *
     * @param optimistic whether the first look at the tail slot is a compare-and-exchange that
     *     claims it if it is free (one transfer of its cache line, where a read and then a CAS take
     *     two); a producer that has found the queue full reads instead, so that it does not take the
     *     line away from the consumer it waits for, and so does the first put after one that did
     *     not claim at once (see {@code claimHints})
     * @return the claimed position, or -1 if the queue is full at the tail
     */
    long claimWrite(boolean optimistic) {
        final SharedMemory m = memory;
        boolean tryClaim = optimistic;
        while (true) {
            long t = getTailVolatile();
            int off = slotOffset(t);
            int lap = lapOf(t);
            long free = slotWord(lap, FREE, 0);
            long w = tryClaim ? m.compareAndExchangeLong(off, free, slotWord(lap, WRITING, token)) : m.getLongVolatile(off);
            boolean claimed = tryClaim && w == free;
            tryClaim = false;
            int d = lap(w) - lap;
            if (d == 0) {
                if (state(w) == FREE) { // NOTE: the token bits of a FREE word are ignored (0 unless damaged)
                    if (claimed || m.casLong(off, w, slotWord(lap, WRITING, token))) {
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
                // Position t was claimed and consumed long ago: the tail lags. Far behind a hint that
                // has not moved, it is damaged (claims happen at the tail): audit, rather than crawl.
                if (d <= CRAWL_LAPS || getTailVolatile() != t || !repairedOrMoved(TAIL_OFFSET, t, off, w)) {
                    casTail(t, t + 1);
                }
            } else if (getTailVolatile() == t) {
                if (d == -1 && state(w) != FREE) {
                    return -1; // the slot still holds position t - capacity: full at this position
                }
                // Position t - capacity unclaimed, yet the tail passed it: the tail hint (or this
                // slot's word) is damaged.
                if (!repairedOrMoved(TAIL_OFFSET, t, off, w)) {
                    return -1;
                }
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
        memory.setIntPlain(slotOffset(pos) + SLOT_DELIVERIES, 0);
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
        try {
            if (timed && nanos <= 0) {
                return claimTakeLoop(timed, nanos, open);
            }
            // A blocking take: an attempt that does not wait, then, only if the queue is empty, the
            // wait, recorded as a JFR wait event when one is enabled.
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            long pos = claimTakeLoop(true, 0L, open);
            if (pos >= 0) {
                return pos;
            }
            WaitEvent event = WaitEvent.start();
            String outcome = WaitEvent.FAILED;
            try {
                pos = claimTakeLoop(timed, nanos, open);
                outcome = pos >= 0 ? "taken" : "timed out";
                return pos;
            } finally {
                WaitEvent.end(event, "IpcQueue", name, "take", outcome);
            }
        } catch (InternalError e) { // a fault on a file cut short, raised after the accessor returned
            throw memory.damagedBy(e);
        }
    }

    private long claimTakeLoop(boolean timed, long nanos, OpenCheck open) throws InterruptedException {
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
            long pos = claimRead(!waiting && claimHints[TAKES_CLAIMING] != 0);
            setClaimHint(TAKES_CLAIMING, pos >= 0);
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
     * Claims the committed slot at the head. A slot whose length is invalid, or whose FULL word
     * carries a token, is quarantined on the way (claimed, freed without delivery, counted).
     *
     * @param optimistic whether the first look at the head slot is a compare-and-exchange that
     *     claims it if it holds a committed message (as in {@link #claimWrite}); a consumer that
     *     has found the queue empty reads instead, so that it does not take the line away from the
     *     producer it waits for, and so does the first take after one that did not claim at once
     * @return the claimed position, whose length is {@link QueueDescriptor#TOMBSTONE} or a valid
     *     message length, or -1 if nothing is committed at the head
     */
    long claimRead(boolean optimistic) {
        final SharedMemory m = memory;
        boolean tryClaim = optimistic;
        while (true) {
            long h = getHeadVolatile();
            int off = slotOffset(h);
            int lap = lapOf(h);
            long full = slotWord(lap, FULL, 0);
            long w = tryClaim ? m.compareAndExchangeLong(off, full, slotWord(lap, READING, token)) : m.getLongVolatile(off);
            boolean claimed = tryClaim && w == full;
            tryClaim = false;
            int d = lap(w) - lap;
            if (d == 0) {
                int st = state(w);
                if (st == FULL) {
                    if (claimed || m.casLong(off, w, slotWord(lap, READING, token))) {
                        if (CrashPoints.ENABLED) {
                            CrashPoints.reach("queue.get.claimed");
                        }
                        casHead(h, h + 1);
                        if (QueueDescriptor.token(w) == 0 && isValidLength(m.getIntPlain(off + SLOT_LENGTH))) {
                            return h;
                        }
                        quarantineClaimed(h); // damaged: never delivered, never put back
                    }
                } else if (st == READING) {
                    casHead(h, h + 1); // claimed by a consumer that has not advanced the head yet: help
                } else if (getHeadVolatile() == h) {
                    // FREE(lap) or WRITING(lap): nothing committed here yet, unless the hints are damaged
                    if (st != FREE || !headStrandedAt(h, off, w) || !repairedOrMoved(HEAD_OFFSET, h, off, w)) {
                        return -1;
                    }
                }
            } else if (d > 0) {
                // Position h was consumed: the head lags (far behind, unmoved: damaged, audit).
                if (d <= CRAWL_LAPS || getHeadVolatile() != h || !repairedOrMoved(HEAD_OFFSET, h, off, w)) {
                    casHead(h, h + 1);
                }
            } else if (getHeadVolatile() == h) {
                if (d == -1 && state(w) == READING) {
                    return -1; // the previous lap is still being read: position h not written yet
                }
                // Position h - capacity not claimed by a consumer, yet the head passed it: damaged.
                if (!repairedOrMoved(HEAD_OFFSET, h, off, w)) {
                    return -1;
                }
            }
        }
    }

    /**
     * After an impossible observation (hint {@code hint} at {@code hintOffset}, slot word {@code w}
     * at {@code off}): audits the hints, and says whether to look again: the audit changed
     * something, or somebody else did (another process's audit, a put, a take) since the
     * observation. {@code false}: still as observed (an audit running in another thread, or slots
     * the audit cannot yet judge); the caller reports full or empty for now.
     */
    private boolean repairedOrMoved(int hintOffset, long hint, int off, long w) {
        return repairHints() || memory.getLongVolatile(hintOffset) != hint || memory.getLongVolatile(off) != w;
    }

    /**
     * Whether the hints contradict an empty head: the slot at head position {@code h} was seen
     * {@code FREE(lapOf(h))} (word {@code w}) and either the tail is past {@code h} (so {@code h}
     * was claimed and cannot still be FREE: the tail led, leaving a gap) or the head is past the
     * first position that no producer has claimed (so the head led).
     */
    private boolean headStrandedAt(long h, int off, long w) {
        long t = getTailVolatile();
        if (t - h > 0) {
            return memory.getLongVolatile(off) == w; // still FREE after the tail was seen past it
        }
        if (h - t > 0) {
            // NOTE: the tail hint may lag behind claimed positions; the head may then be past it.
            // Not if position t itself is unclaimed: then no position from t on was ever claimed.
            long tw = memory.getLongVolatile(slotOffset(t));
            int td = lap(tw) - lapOf(t);
            return td < 0 || (td == 0 && state(tw) == FREE);
        }
        return false;
    }

    /**
     * The length of the message at a claimed position, checked again.
     *
     * @throws IllegalStateException if the length was damaged after the claim (the caller then
     *     {@link #returnClaimed}s the slot, which quarantines it)
     */
    public int claimedLength(long pos) {
        int length = memory.getIntPlain(slotOffset(pos) + SLOT_LENGTH);
        if (!isMessageLength(length)) {
            throw new IllegalStateException("queue '" + name + "': the length of the message at position " + pos
                    + " changed to " + length + " while this process held it (something else writes into "
                    + memory.path() + "); the message is quarantined");
        }
        return length;
    }

    /** Copies the message at a claimed position into a new array. */
    public byte[] copyOut(long pos) {
        int off = slotOffset(pos);
        int length = claimedLength(pos);
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
        int length = claimedLength(pos);
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
        return commitTakeCounted(pos, gate) > 0;
    }

    /**
     * As {@link #commitTake}, returning the message's delivery count (1 on its first delivery), or
     * 0 if {@code gate} refused. With acknowledgement ON_TASK_DONE the slot is not freed: this
     * process holds it until {@link #taskDone()} or {@link #taskDone(long)}.
     */
    public int commitTakeCounted(long pos, @Nullable Gate gate) {
        if (gate != null && !gate.enter()) {
            returnClaimed(pos);
            return 0;
        }
        if (ackOnTaskDone) {
            return holdTaken(pos);
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
        return 1;
    }

    /** ON_TASK_DONE: raises the delivery count of a claimed slot and keeps it, held; returns the count. */
    private int holdTaken(long pos) {
        int off = slotOffset(pos);
        int previous = memory.getIntPlain(off + SLOT_DELIVERIES);
        // NOTE: a count outside [0, MAX) can only come from damage; it is clamped, never trusted.
        int deliveries = previous < 0 ? 1 : previous == Integer.MAX_VALUE ? previous : previous + 1;
        memory.setIntRelease(off + SLOT_DELIVERIES, deliveries); // read by a recoverer after its takeover CAS
        if (CrashPoints.ENABLED) {
            CrashPoints.reach("queue.ack.counted");
        }
        if (memory.getLongVolatile(off) != slotWord(lapOf(pos), READING, token)) {
            throw lostSlot(pos);
        }
        held.addLast(pos);
        return deliveries;
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

    /**
     * Frees a claimed slot found damaged without delivering it, and counts it. (Should this process
     * die first, the recoverer finds the length invalid and quarantines it; a slot claimed because
     * of a token in its FULL word is then redelivered, the token having gone with the claim.)
     */
    private void quarantineClaimed(long pos) {
        int lap = lapOf(pos);
        if (memory.casLong(slotOffset(pos), slotWord(lap, READING, token), slotWord(lap + 1, FREE, 0))) {
            memory.getAndAddLong(QUARANTINED_OFFSET, 1);
            RecoveryEvent.emit(what(), memory, RecoveryEvent.SLOT_QUARANTINED, "");
            signal(NOT_FULL_OFFSET);
            signalAll(JOIN_WORD_OFFSET);
        }
    }

    /** Claims and frees every committed message (immediate shutdown). */
    private void discardAll() {
        while (true) {
            long pos = claimRead(false);
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
                memory.getLongVolatile(DISCARDED_OFFSET), memory.getLongVolatile(ABANDONED_OFFSET),
                memory.getLongVolatile(QUARANTINED_OFFSET), memory.getLongVolatile(DEAD_LETTERED_OFFSET));
    }

    // ---- joinable ----------------------------------------------------------------------------

    /**
     * Marks one task done: this participant's, else another live participant's. With
     * acknowledgement ON_TASK_DONE: acknowledges the oldest message this participant holds.
     */
    public void taskDone() {
        checkNotDamaged();
        if (ackOnTaskDone) {
            Long pos = held.pollFirst();
            if (pos == null) {
                throw new IllegalStateException("taskDone() called with no unacknowledged message of queue '" + name
                        + "' held by this process (acknowledgement ON_TASK_DONE: taskDone() acknowledges the oldest "
                        + "message this process took and has not acknowledged; 0 are held)");
            }
            acknowledge(pos);
            return;
        }
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

    /**
     * ON_TASK_DONE: acknowledges the held message at {@code pos}.
     *
     * @return {@code false} if this process does not hold it (already acknowledged)
     */
    public boolean taskDone(long pos) {
        checkNotDamaged();
        if (!held.remove(pos)) {
            return false;
        }
        acknowledge(pos);
        return true;
    }

    /** Frees a held slot: the acknowledgement (one CAS from this participant's exact word). */
    private void acknowledge(long pos) {
        int off = slotOffset(pos);
        int lap = lapOf(pos);
        if (CrashPoints.ENABLED) {
            CrashPoints.reach("queue.ack.before");
        }
        if (!memory.casLong(off, slotWord(lap, READING, token), slotWord(lap + 1, FREE, 0))) {
            throw new IllegalStateException("queue '" + name + "': the message taken at position " + pos + " was "
                    + "redelivered before its taskDone: another process found this participant dead (was its domain "
                    + "closed?) and took the message back; slot now " + QueueDescriptor.describeSlotWord(memory.getLongVolatile(off)));
        }
        if (CrashPoints.ENABLED) {
            CrashPoints.reach("queue.ack.freed");
        }
        if ((memory.getIntVolatile(NOT_FULL_OFFSET) & W) != 0) {
            signal(NOT_FULL_OFFSET);
        }
        signalAll(JOIN_WORD_OFFSET);
    }

    /** Waits until every task is done; see {@code IpcJoinableQueue.join}. */
    public boolean join(boolean timed, long nanos, OpenCheck open) throws InterruptedException {
        try {
            return joinLoop(timed, nanos, open);
        } catch (InternalError e) { // a fault on a file cut short, raised after the accessor returned
            throw memory.damagedBy(e);
        }
    }

    private boolean joinLoop(boolean timed, long nanos, OpenCheck open) throws InterruptedException {
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
        WaitEvent event = WaitEvent.start();
        if (event == null) {
            return joinWait(timed, deadline, open);
        }
        String outcome = WaitEvent.FAILED;
        try {
            boolean done = joinWait(timed, deadline, open);
            outcome = done ? "joined" : "timed out";
            return done;
        } finally {
            WaitEvent.end(event, "IpcQueue", name, "join", outcome);
        }
    }

    /** The waiting part of a join: until every task is done or (if {@code timed}) the deadline passes. */
    private boolean joinWait(boolean timed, long deadline, OpenCheck open) throws InterruptedException {
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
            if (st == READING || st == WRITING || (st == FULL && !immediate && holdsMessage(off, w))) {
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
            if (st == READING || (st == FULL && !immediate && holdsMessage(off, w))) {
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

    /** Whether the FULL slot at {@code off} (word {@code w}) holds a message that will be delivered. */
    private boolean holdsMessage(int off, long w) {
        return QueueDescriptor.token(w) == 0 && isMessageLength(memory.getIntPlain(off + SLOT_LENGTH));
    }

    private int highWater() {
        return Math.min(records, memory.getIntVolatile(RECORDS_HIGH_WATER_OFFSET));
    }

    // ---- recovery ----------------------------------------------------------------------------

    /**
     * One janitor pass, run about once per liveness slice by one thread of each process: puts back
     * the slots this participant still owns, recovers every slot of each dead participant that has
     * a record (then clears the record), recovers a slot that has stalled the head or the tail
     * for a whole pass with a dead owner (owners without a record), and audits the head and tail
     * hints against the slots (quarantining a slot whose lap stayed an outlier for two passes).
     *
     * <p>Never throws. A pass that fails, with an exception or an error (such as the
     * {@link InternalError} of a fault on a truncated mapping), marks this ring damaged
     * ({@link #damage()}): its later operations in this process fail with
     * {@link IllegalStateException}, later passes skip it, and the failure is counted
     * ({@link #janitorFailures()}) and reported through the {@code dev.weft.ipc} system logger.
     *
     * @return whether anything was recovered or repaired
     */
    public boolean janitorPass() {
        if (damage != null) {
            return false;
        }
        janitorLock.lock();
        try {
            if (!memory.checkFileIntact()) { // one stat: a file cut short is found without a fault
                try {
                    memory.checkIntact();
                } catch (RuntimeException e) {
                    janitorFailed(e);
                }
                wakeSleepersWithoutTouching();
                return false;
            }
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
            if (janitorPasses++ % auditEveryPasses() == 0) {
                any |= audit(true);
            }
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

    /**
     * Wakes every sleeper on this ring's event counts without reading or writing the mapping (a
     * futex wake on the address, which a cut page only makes fail), so that blocked calls re-check
     * and find the ring damaged at once rather than at the end of their slice.
     */
    private void wakeSleepersWithoutTouching() {
        Waiter.wakeAllSleepers(memory, NOT_EMPTY_OFFSET);
        Waiter.wakeAllSleepers(memory, NOT_FULL_OFFSET);
        Waiter.wakeAllSleepers(memory, JOIN_WORD_OFFSET);
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
            if (h == lastHead && hw == lastHeadWord && ownerDead(QueueDescriptor.token(hw))) {
                any |= recoverSlot((int) (h & mask), hw);
            }
        }
        lastHead = h;
        lastHeadWord = hw;
        long t = getTailVolatile();
        long tw = memory.getLongVolatile(slotOffset(t));
        int st = state(tw);
        if ((st == WRITING || st == READING) && lap(tw) - lapOf(t) < 0 && QueueDescriptor.token(tw) != token) {
            if (t == lastTail && tw == lastTailWord && ownerDead(QueueDescriptor.token(tw))) {
                any |= recoverSlot((int) (t & mask), tw);
            }
        }
        lastTail = t;
        lastTailWord = tw;
        return any;
    }

    /** The queue, for recovery events. */
    private String what() {
        return "queue '" + name + "'";
    }

    /** Whether the owner of a claimed slot is gone: token 0 (no participant has it; a damaged word) or a dead one. */
    private boolean ownerDead(int owner) {
        return owner == 0 || liveness.isDead(owner);
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
            RecoveryEvent.emit(what(), memory, RecoveryEvent.SLOT_TOMBSTONED, liveness.describe(QueueDescriptor.token(w)));
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
            RecoveryEvent.emit(what(), memory, RecoveryEvent.TAKE_RECOVERED, liveness.describe(QueueDescriptor.token(w)));
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
        if (!isValidLength(length)) {
            // Damaged: putting it back would hand the same bad slot to every consumer in turn.
            if (memory.casLong(off, mine, slotWord(lap + 1, FREE, 0))) {
                memory.getAndAddLong(QUARANTINED_OFFSET, 1);
                RecoveryEvent.emit(what(), memory, RecoveryEvent.SLOT_QUARANTINED, "");
                signal(NOT_FULL_OFFSET);
                signalAll(JOIN_WORD_OFFSET);
            }
            return true;
        }
        if (dropAllowed && ackOnTaskDone && maxDeliveries > 0 && length != TOMBSTONE
                && memory.getIntPlain(off + SLOT_DELIVERIES) >= maxDeliveries) {
            // Delivered maxDeliveries times and its holder died again: dead-lettered, not put back.
            if (memory.casLong(off, mine, slotWord(lap + 1, FREE, 0))) {
                memory.getAndAddLong(DEAD_LETTERED_OFFSET, 1);
                RecoveryEvent.emit(what(), memory, RecoveryEvent.MESSAGE_DEAD_LETTERED, "");
                if (CrashPoints.ENABLED) {
                    CrashPoints.reach("queue.deadLetter.freed");
                }
                signal(NOT_FULL_OFFSET);
                signalAll(JOIN_WORD_OFFSET);
            }
            return true;
        }
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
                    RecoveryEvent.emit(what(), memory, RecoveryEvent.MESSAGE_REDELIVERED, "");
                    signal(NOT_EMPTY_OFFSET);
                }
                return true;
            }
            long p = claimWrite(false); // a position before p + capacity: the slot at p + capacity is ours
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

    // ---- audit of the head and tail hints (damage) ---------------------------------------

    /**
     * A slot further than this many laps from the reference lap is an outlier. Live slots are
     * always within a window of three laps; the reference (the median of a sample) lies in that
     * window, so a live slot whose word stays put is never further than two from it.
     */
    private static final int OUTLIER_LAPS = 2;
    /**
     * A hint found more than this many laps behind a slot (with the hint unmoved) starts an audit
     * instead of being helped forward one position at a time; below, helping costs at most this
     * many laps of CAS. (Sound hints never lag by a lap; a hint repaired around a slot damaged
     * within the lap window may lag by a few.)
     */
    private static final int CRAWL_LAPS = 8;
    /** About how many slots a janitor pass may read for its audit; larger rings are audited every few passes. */
    private static final int AUDIT_SLOTS_PER_PASS = 1 << 14;
    /** Slots sampled to choose the reference lap. */
    private static final int REFERENCE_SAMPLES = 64;
    /** Outlying slots remembered from one janitor pass to the next (the others wait for later passes). */
    private static final int MAX_SUSPECTS = 1024;
    /** "No reference lap": most sampled slots disagree. */
    private static final long NO_LAP = Long.MIN_VALUE;

    /** How many janitor passes apart the janitor audits this ring: 1 up to {@link #AUDIT_SLOTS_PER_PASS} slots. */
    private int auditEveryPasses() {
        return Math.max(1, capacity / AUDIT_SLOTS_PER_PASS);
    }

    /**
     * Audits the hints after an impossible slot word was seen (a hint past a position that its slot
     * shows unclaimed), unless an audit is already running in this process (that one repairs).
     *
     * @return whether the audit changed anything (the caller then looks again)
     */
    boolean repairHints() {
        return audit(false);
    }

    private boolean audit(boolean janitor) {
        if (!auditLock.tryLock()) {
            return false;
        }
        try {
            return auditLocked(janitor);
        } finally {
            auditLock.unlock();
        }
    }

    /**
     * Recomputes the head and the tail from the slot words and repairs a hint that leads (or lags
     * by more than a lap); advances the FREE slots of a gap below a claimed position past it; in
     * the janitor, quarantines slots whose lap stayed an outlier for two audits. See the notes.
     *
     * @return whether anything was changed
     */
    private boolean auditLocked(boolean janitor) {
        final SharedMemory m = memory;
        final long h0 = getHeadVolatile(); // the hints before the slots: see the notes
        final long t0 = getTailVolatile();
        final long reference = referenceLap(h0, t0);
        if (reference == NO_LAP) {
            return false;
        }
        final int ref = (int) reference;
        // Positions below are relative to position ref * capacity (as longs: no wrap).
        long tMin = Long.MAX_VALUE; // smallest position a slot shows unclaimed by producers
        long hMin = Long.MAX_VALUE; // smallest position a slot shows unclaimed by consumers
        long lastClaimed = Long.MIN_VALUE; // largest position a slot shows claimed by a producer
        int outliers = 0;
        @Nullable Map<Integer, Long> seen = null;
        for (int i = 0; i < capacity; i++) {
            long w = m.getLongVolatile(slotOffsetOfIndex(i));
            int r = lap(w) - ref;
            if (r < -OUTLIER_LAPS || r > OUTLIER_LAPS) {
                outliers++;
                if (janitor) {
                    if (seen == null) {
                        seen = new HashMap<>();
                    }
                    if (seen.size() < MAX_SUSPECTS) {
                        seen.put(i, w);
                    }
                }
                continue;
            }
            int st = state(w);
            long p = (long) r * capacity + i;
            long u = st == FREE ? p : p + capacity;
            long v = st == READING ? p + capacity : p;
            tMin = Math.min(tMin, u);
            hMin = Math.min(hMin, v);
            lastClaimed = Math.max(lastClaimed, u - capacity);
        }
        boolean changed = false;
        if (janitor) {
            if (seen != null && tMin != Long.MAX_VALUE) {
                for (Map.Entry<Integer, Long> e : seen.entrySet()) {
                    Long before = suspects.get(e.getKey());
                    if (before != null && before.longValue() == e.getValue().longValue()) {
                        changed |= quarantineOutlier(e.getKey(), e.getValue(), ref, tMin);
                    }
                }
            }
            suspects.clear();
            if (seen != null) {
                suspects.putAll(seen);
            }
        }
        if (outliers > 0 || tMin == Long.MAX_VALUE) {
            return changed; // min u and min v are no bound without the outliers: next time
        }
        long hRel = relative(h0, ref);
        if ((hRel > hMin || hMin - hRel > capacity) && m.casLong(HEAD_OFFSET, h0, h0 + (hMin - hRel))) {
            changed = true;
        }
        long tRel = relative(t0, ref);
        if ((tRel > tMin || tMin - tRel > capacity) && m.casLong(TAIL_OFFSET, t0, t0 + (tMin - tRel))) {
            changed = true;
        }
        if (lastClaimed > tMin) {
            changed |= skipGaps(lastClaimed, ref);
        }
        return changed;
    }

    /**
     * The median lap of a sample of slots, or {@link #NO_LAP} if most of the sample is not within
     * {@link #OUTLIER_LAPS} of it. When the slots alone have no majority (a ring of two slots, one
     * of them damaged), the laps of the hints {@code h0} and {@code t0} vote too.
     */
    private long referenceLap(long h0, long t0) {
        final SharedMemory m = memory;
        int step = Math.max(1, capacity / REFERENCE_SAMPLES);
        int n = (capacity + step - 1) / step;
        int[] laps = new int[n + 2];
        for (int k = 0; k < n; k++) {
            laps[k] = lap(m.getLongVolatile(slotOffsetOfIndex(k * step)));
        }
        long ref = medianLap(laps, n);
        if (ref == NO_LAP) {
            laps[n] = lapOf(h0);
            laps[n + 1] = lapOf(t0);
            ref = medianLap(laps, n + 2);
        }
        return ref;
    }

    /** The median of {@code laps[0, n)}, compared by 32-bit difference, if most are within {@link #OUTLIER_LAPS} of it. */
    private static long medianLap(int[] laps, int n) {
        int base = laps[0];
        int[] diffs = new int[n];
        for (int k = 0; k < n; k++) {
            diffs[k] = laps[k] - base; // NOTE: laps compare by their 32-bit difference
        }
        Arrays.sort(diffs);
        int median = diffs[n / 2];
        int near = 0;
        for (int d : diffs) {
            int r = d - median;
            if (r >= -OUTLIER_LAPS && r <= OUTLIER_LAPS) {
                near++;
            }
        }
        return 2 * near > n ? base + median : NO_LAP;
    }

    /** Position {@code pos} relative to position {@code ref * capacity} (its lap compared by 32-bit difference). */
    private long relative(long pos, int ref) {
        return (long) (lapOf(pos) - ref) * capacity + (pos & mask);
    }

    /**
     * Closes the gaps below {@code lastClaimed} (relative; a position that a slot showed claimed):
     * positions that their slot shows FREE, yet below a claimed one, which no consumer would ever
     * get past (a put at a tail hint that was ahead, or a slot whose lap was set back). Each such
     * slot's lap is advanced, by one CAS from the word read, to its first position past
     * {@code lastClaimed}: the gap positions count as consumed, so producers and consumers skip
     * them, and nothing has to be committed there.
     *
     * <p>Only damage makes gaps: {@code lastClaimed} was claimed when its slot was read, before the
     * FREE word is read here, and claims are never undone; in a sound ring the claimed positions
     * are a prefix, so no FREE position lies below a claimed one.
     *
     * @return whether any slot was advanced
     */
    private boolean skipGaps(long lastClaimed, int ref) {
        final SharedMemory m = memory;
        boolean any = false;
        for (int i = 0; i < capacity; i++) {
            int off = slotOffsetOfIndex(i);
            long w = m.getLongVolatile(off);
            int r = lap(w) - ref;
            if (state(w) != FREE || r < -OUTLIER_LAPS || r > OUTLIER_LAPS) {
                continue;
            }
            long p = (long) r * capacity + i;
            if (p < lastClaimed) {
                int laps = (int) ((lastClaimed - p + capacity) / capacity); // first p + laps * capacity > lastClaimed
                if (m.casLong(off, w, slotWord(lap(w) + laps, FREE, 0))) {
                    any = true;
                }
            }
        }
        return any;
    }

    /**
     * Resets outlying slot {@code index}, seen holding {@code w} in two audits, to {@code FREE} at
     * its first position at or after {@code tMin} (relative; a position below the tail would leave
     * a gap, one above is skipped by producers and consumers alike), and counts it.
     */
    private boolean quarantineOutlier(int index, long w, int ref, long tMin) {
        long u = tMin + Math.floorMod(index - tMin, (long) capacity);
        int lap = ref + (int) Math.floorDiv(u, (long) capacity);
        if (memory.casLong(slotOffsetOfIndex(index), w, slotWord(lap, FREE, 0))) {
            memory.getAndAddLong(QUARANTINED_OFFSET, 1);
            RecoveryEvent.emit(what(), memory, RecoveryEvent.SLOT_QUARANTINED, "");
            return true;
        }
        return false;
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
        if (cause != null || memory.isDamaged()) { // its memory may fault: show nothing from it
            return "IpcQueue[" + name + ", capacity=" + capacity + ", maxMessageSize=" + maxMessageSize
                    + ", DAMAGED: " + (cause != null ? cause : "file cut short") + "]";
        }
        int s = getStateVolatile();
        QueueStats st = stats();
        return "IpcQueue[" + name + ", capacity=" + capacity + ", maxMessageSize=" + maxMessageSize
                + (joinable ? ", joinable" : "") + ", size~" + size()
                + ((s & SHUTDOWN) != 0 ? ((s & IMMEDIATE) != 0 ? ", shut down (immediate)" : ", shut down") : "")
                + ", head=" + getHeadVolatile() + ", tail=" + getTailVolatile()
                + (st.tombstones() + st.redeliveries() + st.discarded() + st.abandonedTasks() + st.quarantined() > 0
                ? ", tombstones=" + st.tombstones() + ", redeliveries=" + st.redeliveries()
                + ", discarded=" + st.discarded() + ", abandonedTasks=" + st.abandonedTasks()
                + ", quarantined=" + st.quarantined() : "")
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
