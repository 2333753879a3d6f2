package dev.weft.ipc.internal;

import static dev.weft.ipc.internal.SemaphoreDescriptor.AVAILABLE_OFFSET;
import static dev.weft.ipc.internal.SemaphoreDescriptor.BOUND_OFFSET;
import static dev.weft.ipc.internal.SemaphoreDescriptor.ENTRIES;
import static dev.weft.ipc.internal.SemaphoreDescriptor.ENTRY_HELD;
import static dev.weft.ipc.internal.SemaphoreDescriptor.ENTRY_OWNER;
import static dev.weft.ipc.internal.SemaphoreDescriptor.EXCESS_OFFSET;
import static dev.weft.ipc.internal.SemaphoreDescriptor.HIGH_WATER_OFFSET;
import static dev.weft.ipc.internal.SemaphoreDescriptor.JOURNAL_ALL;
import static dev.weft.ipc.internal.SemaphoreDescriptor.JOURNAL_AVAILABLE;
import static dev.weft.ipc.internal.SemaphoreDescriptor.JOURNAL_AVAILABLE_OFFSET;
import static dev.weft.ipc.internal.SemaphoreDescriptor.JOURNAL_ENTRY_SHIFT;
import static dev.weft.ipc.internal.SemaphoreDescriptor.JOURNAL_EXCESS;
import static dev.weft.ipc.internal.SemaphoreDescriptor.JOURNAL_EXCESS_OFFSET;
import static dev.weft.ipc.internal.SemaphoreDescriptor.JOURNAL_HELD;
import static dev.weft.ipc.internal.SemaphoreDescriptor.JOURNAL_HELD_OFFSET;
import static dev.weft.ipc.internal.SemaphoreDescriptor.JOURNAL_OWNER;
import static dev.weft.ipc.internal.SemaphoreDescriptor.JOURNAL_OWNER_OFFSET;
import static dev.weft.ipc.internal.SemaphoreDescriptor.JOURNAL_STATE_OFFSET;
import static dev.weft.ipc.internal.SemaphoreDescriptor.JOURNAL_TAINTED;
import static dev.weft.ipc.internal.SemaphoreDescriptor.JOURNAL_TAINTED_OFFSET;
import static dev.weft.ipc.internal.SemaphoreDescriptor.LATCH_OFFSET;
import static dev.weft.ipc.internal.SemaphoreDescriptor.RECOVERED_PERMITS_OFFSET;
import static dev.weft.ipc.internal.SemaphoreDescriptor.RECOVERIES_OFFSET;
import static dev.weft.ipc.internal.SemaphoreDescriptor.SLEEPERS_OFFSET;
import static dev.weft.ipc.internal.SemaphoreDescriptor.TAINTED_OFFSET;
import static dev.weft.ipc.internal.SemaphoreDescriptor.UNBOUNDED;
import static dev.weft.ipc.internal.SemaphoreDescriptor.WAKE_OFFSET;
import static dev.weft.ipc.internal.SemaphoreDescriptor.entryOffset;

import dev.weft.core.internal.Durations;
import dev.weft.core.internal.LinkedFuture;
import dev.weft.core.internal.WaitEvent;
import dev.weft.core.sync.LockResult;
import dev.weft.ipc.semaphore.IpcSemaphore;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * {@link IpcSemaphore} on a shared mapping ({@link SemaphoreDescriptor}); the bounded variant is
 * {@link MappedBoundedSemaphore}.
 */
public sealed class MappedSemaphore implements IpcSemaphore permits MappedBoundedSemaphore {

    /*
     * Implementation notes
     *
     * Overview
     *   The pool (available, tainted, excess) and one holdings entry per participant slot live in the
     *   mapping. Every change is a short critical section under the latch word, a spin lock whose
     *   value is the token of the participant inside: CAS 0 -> token, then the journalled update
     *   (SemaphoreDescriptor), then a release store of 0. The journal holds the old values of the
     *   changed words only: an acquire of no recovered permit, or a release of permits the caller
     *   holds, changes the available count and the caller's holding, so it makes six stores (the
     *   old count and holding, the journal state, the new count and holding, the empty state)
     *   between one CAS and one release store (writeOwnLocked, kept small so that the JIT may
     *   inline it). The critical section is a few dozen instructions and never calls the kernel,
     *   so an uncontended acquire and release make no system call. A single word cannot hold the
     *   pool and a participant's holding together; the journal makes the multi-word update atomic
     *   with respect to a crash instead (undo logging), and the latch makes it atomic with respect
     *   to the live participants. Waiters for permits sleep on a
     *   separate wake word (an event count) that a releaser increments when it sees the sleepers flag.
     *
     * Invariants (outside the latch)
     *   - available + sum(held) - excess is constant, except for a release beyond every holding of
     *     an unbounded semaphore, which adds; for a bounded semaphore it is the bound.
     *   - 0 <= tainted <= available; held >= 0; a holdings entry with held > 0 names its owner.
     *   - The journal is empty.
     * Non-invariants
     *   - sleepers == 1 does not mean anyone sleeps (a waiter may have left or died): it costs one wake.
     *   - An entry's owner may be dead: its permits are still counted as held until recovered.
     *
     * Linearization points
     *   acquire / tryAcquire: the critical section that takes the permits. release: the critical
     *   section that returns them (or finds the bound passed and changes nothing). Recovery of a dead
     *   holder: the critical section that clears its entry. availablePermits: the volatile read.
     *
     * Memory ordering
     *   latch: CAS to enter (acquire), release store to leave. A releaser reads sleepers after
     *   leaving, and that read may pass its leaving store; no permit is stranded all the same,
     *   because a waiter stores sleepers (volatile) before it enters the latch to retry: if the
     *   waiter's retry comes first in latch order, its store happens-before the releaser's entering
     *   CAS and so before the releaser's read of sleepers, which sees it (or a later waker's reset,
     *   which changes the wake word after the waiter read it); if the releaser's section comes
     *   first, the retry sees the permits. Pool, entry and journal words: written only inside the
     *   latch with release stores, so a crash leaves them in program order (journal before data,
     *   data before the journal is emptied); read inside the latch plainly, outside it with
     *   volatile reads (snapshots). wake: CAS increments, read volatile before the waiter's
     *   recheck. The latch itself is a SharedLatch.
     *
     * Blocking and cancellation
     *   A waiter reads the wake word, publishes the sleepers flag, retries under the latch and sleeps
     *   in the Waiter on the wake word value it read; a release that adds permits after the retry
     *   changes the wake word (or happened before the retry, which then saw it). Permits are taken only
     *   by the waiter itself, inside the latch: an interrupt or a timeout leaves nothing taken. A
     *   waiter probes the liveness of every holder once per liveness slice and recovers dead ones. A
     *   participant waiting for the latch spins, yields, then parks briefly, and after a liveness slice
     *   with one holder probes it; a dead one is replaced by one CAS from its exact token and the
     *   journal is rolled back.
     *
     * Progress
     *   Blocking: a live participant stopped inside the latch (a few instructions) stops the others
     *   until it continues; a dead one stops them for at most one liveness slice.
     */

    private static final String TAKE_JOURNALLED = "semaphore.take.journalled";
    private static final String TAKE_WRITTEN = "semaphore.take.written";
    private static final String RELEASE_JOURNALLED = "semaphore.release.journalled";
    private static final String RELEASE_WRITTEN = "semaphore.release.written";

    private final String name;
    private final SharedMemory memory;
    private final Liveness liveness;
    private final Waiter waiter;
    private final long sliceNanos;
    private final DomainGuard guard;
    private final int token;
    private final int entry;
    final int bound;   // UNBOUNDED or the bound
    private final SharedLatch latch;

    /**
     * Creates a semaphore on {@code memory}, which must hold a checked semaphore layout.
     *
     * @param sliceNanos liveness slice: how often a waiter probes the holders, and how long a
     *     participant waits on one latch holder before probing it
     */
    public MappedSemaphore(String name, SharedMemory memory, Liveness liveness, Waiter waiter, long sliceNanos,
            DomainGuard guard) {
        this.name = Objects.requireNonNull(name);
        this.memory = Objects.requireNonNull(memory);
        this.liveness = Objects.requireNonNull(liveness);
        this.waiter = Objects.requireNonNull(waiter);
        this.sliceNanos = sliceNanos;
        this.guard = Objects.requireNonNull(guard);
        this.token = liveness.token();
        this.entry = RegistryDescriptor.tokenIndex(token);
        if (token == 0 || entry >= ENTRIES) {
            throw new IllegalArgumentException("token must be non-zero with a slot below " + ENTRIES + ", was 0x"
                    + Integer.toHexString(token));
        }
        this.bound = memory.getIntPlain(BOUND_OFFSET);
        this.latch = new SharedLatch(memory, LATCH_OFFSET, liveness, guard, sliceNanos);
    }

    @Override
    public String name() {
        return name;
    }

    /** Whether this semaphore was created bounded. */
    public boolean isBounded() {
        return bound != UNBOUNDED;
    }

    private int checkAcquire(int permits) {
        if (permits < 0) {
            throw new IllegalArgumentException("permits must be >= 0, was " + permits);
        }
        if (bound != UNBOUNDED && permits > bound) {
            throw new IllegalArgumentException("permits must be <= the bound " + bound
                    + " of semaphore '" + name + "' (more could never be acquired), was " + permits);
        }
        return permits;
    }

    // ---- acquire -------------------------------------------------------------------------------

    @Override
    public LockResult acquireForResult(int permits) throws InterruptedException {
        checkAcquire(permits);
        guard.check();
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        LockResult r = take(permits);
        return r != null ? r : acquireSlow(permits, false, 0L);
    }

    @Override
    public LockResult tryAcquireForResult(int permits) {
        checkAcquire(permits);
        guard.check();
        LockResult r = take(permits);
        if (r == null && recoverDeadHolders() > 0) {
            r = take(permits);
        }
        return r != null ? r : LockResult.NOT_ACQUIRED;
    }

    @Override
    public LockResult tryAcquireForResult(int permits, Duration timeout) throws InterruptedException {
        checkAcquire(permits);
        return tryAcquireNanos(permits, Durations.toNanos(timeout));
    }

    @Override
    public LockResult tryAcquireForResult(int permits, long timeout, TimeUnit unit) throws InterruptedException {
        checkAcquire(permits);
        Objects.requireNonNull(unit, "unit");
        return tryAcquireNanos(permits, unit.toNanos(timeout));
    }

    private LockResult tryAcquireNanos(int permits, long nanos) throws InterruptedException {
        guard.check();
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (nanos <= 0) {
            return tryAcquireForResult(permits);
        }
        LockResult r = take(permits);
        return r != null ? r : acquireSlow(permits, true, nanos);
    }

    /** The waiting path of an acquire, recorded as a JFR {@link WaitEvent} when a recording enables it. */
    private LockResult acquireSlow(int permits, boolean timed, long nanos) throws InterruptedException {
        WaitEvent event = WaitEvent.start();
        if (event == null) {
            return acquireSlowLoop(permits, timed, nanos);
        }
        String outcome = WaitEvent.FAILED;
        try {
            LockResult result = acquireSlowLoop(permits, timed, nanos);
            outcome = result.name();
            return result;
        } finally {
            WaitEvent.end(event, isBounded() ? "IpcBoundedSemaphore" : "IpcSemaphore", name, "acquire", outcome);
        }
    }

    private LockResult acquireSlowLoop(int permits, boolean timed, long nanos) throws InterruptedException {
        final SharedMemory m = memory;
        long start = System.nanoTime();
        long deadline = timed ? start + nanos : Long.MAX_VALUE;
        long lastProbe = start;
        while (true) {
            int seen = m.getIntVolatile(WAKE_OFFSET);   // before the retry: a later release changes it
            long waited = System.nanoTime() - start;
            if (waiter.willSleep(waited) && m.getIntVolatile(SLEEPERS_OFFSET) == 0) {
                m.setIntVolatile(SLEEPERS_OFFSET, 1);
            }
            LockResult r = take(permits);
            if (r != null) {
                return r;
            }
            long now = System.nanoTime();
            if (now - lastProbe >= sliceNanos) {
                lastProbe = now;
                if (recoverDeadHolders() > 0) {
                    continue;
                }
            }
            if (timed && now - deadline >= 0) {
                if (recoverDeadHolders() > 0) { // last chance before giving up
                    r = take(permits);
                }
                return r != null ? r : LockResult.NOT_ACQUIRED;
            }
            guard.check(); // a domain closed while we wait: stop waiting
            long sliceEnd = lastProbe + sliceNanos;
            long until = deadline - sliceEnd < 0 ? deadline : sliceEnd;
            if (CrashPoints.ENABLED) {
                CrashPoints.reach("semaphore.sleeping");
            }
            waiter.await(m, WAKE_OFFSET, seen, until, waited);
        }
    }

    /**
     * Takes {@code permits} under the latch if they are available.
     *
     * @return the result, or {@code null} if too few are available (nothing changed)
     */
    private @Nullable LockResult take(int permits) {
        final SharedMemory m = memory;
        enterLatch();
        boolean tainted;
        try {
            long available = checked(m.getLongPlain(AVAILABLE_OFFSET), "available");
            if (available < permits) {
                return null;
            }
            long held = claimOwnEntryLocked();
            long t = checked(m.getLongPlain(TAINTED_OFFSET), "tainted");
            tainted = t > 0 && permits > 0;
            if (tainted) {
                writeLocked("take", entry, available, available - permits, t, t - Math.min(t, permits), 0, 0, token,
                        token, held, held + permits);
            } else {
                writeOwnLocked(TAKE_JOURNALLED, TAKE_WRITTEN, available, available - permits, held, held + permits);
            }
        } finally {
            leaveLatch();
        }
        if (CrashPoints.ENABLED) {
            CrashPoints.reach("semaphore.acquired");
        }
        return tainted ? LockResult.OWNER_DIED : LockResult.ACQUIRED;
    }

    // ---- release -------------------------------------------------------------------------------

    @Override
    public void release() {
        release(1);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The permits come first out of this process's own holding; any beyond it are recorded as
     * released on behalf of other holders ({@link IpcSemaphore}).
     *
     * @throws IllegalStateException also if the domain is closed
     */
    @Override
    public void release(int permits) {
        if (permits < 0) {
            throw new IllegalArgumentException("permits must be >= 0, was " + permits);
        }
        guard.check();
        final SharedMemory m = memory;
        long limit = bound == UNBOUNDED ? Integer.MAX_VALUE : bound;
        long availableBefore;
        enterLatch();
        try {
            availableBefore = checked(m.getLongPlain(AVAILABLE_OFFSET), "available");
            if (availableBefore + permits <= limit) {
                long held = claimOwnEntryLocked();
                if (held >= permits) {
                    writeOwnLocked(RELEASE_JOURNALLED, RELEASE_WRITTEN, availableBefore, availableBefore + permits, held,
                            held - permits);
                } else {
                    long excess = checked(m.getLongPlain(EXCESS_OFFSET), "excess");
                    writeLocked("release", entry, availableBefore, availableBefore + permits, 0, 0, excess,
                            excess + (permits - held), token, token, held, 0);
                }
                availableBefore = -1;
            }
        } finally {
            leaveLatch();
        }
        if (availableBefore >= 0) {
            throw overRelease(permits, availableBefore, limit);
        }
        if (CrashPoints.ENABLED) {
            CrashPoints.reach("semaphore.released");
        }
        wakeSleepers();
    }

    private IllegalStateException overRelease(int permits, long available, long limit) {
        return new IllegalStateException((bound == UNBOUNDED ? "Maximum permit count exceeded" : "BoundedSemaphore released too many times")
                + ": releasing " + permits + " permit(s) of semaphore '" + name + "' to " + available
                + " available would pass " + limit);
    }

    /** Wakes every sleeper if the flag says there may be one (after permits were added). */
    private void wakeSleepers() {
        final SharedMemory m = memory;
        if (m.getIntVolatile(SLEEPERS_OFFSET) != 0 && m.getAndSetInt(SLEEPERS_OFFSET, 0) != 0) {
            int w;
            do {
                w = m.getIntVolatile(WAKE_OFFSET);
            } while (!m.casInt(WAKE_OFFSET, w, w + 1));
            waiter.wakeAll(m, WAKE_OFFSET);
        }
    }

    // ---- recovery ------------------------------------------------------------------------------

    /**
     * Returns the permits of every holder found dead to the pool.
     *
     * @return the number of entries recovered
     */
    int recoverDeadHolders() {
        final SharedMemory m = memory;
        int high = Math.min(m.getIntVolatile(HIGH_WATER_OFFSET), ENTRIES);
        int recovered = 0;
        for (int i = 0; i < high; i++) {
            int base = entryOffset(i);
            int owner = m.getIntVolatile(base + ENTRY_OWNER);
            if (owner == 0 || owner == token || m.getLongVolatile(base + ENTRY_HELD) == 0
                    || !liveness.isDead(owner)) {
                continue;
            }
            enterLatch();
            try {
                if (m.getIntPlain(base + ENTRY_OWNER) == owner && m.getLongPlain(base + ENTRY_HELD) > 0) {
                    recoverEntryLocked(i, 0);
                    recovered++;
                }
            } finally {
                leaveLatch();
            }
        }
        if (recovered > 0) {
            wakeSleepers();
        }
        return recovered;
    }

    /**
     * Clears entry {@code i}, whose owner is dead, returning its permits less the unmatched excess
     * to the pool as tainted permits, and gives the entry to {@code newOwner}. Inside the latch.
     */
    private void recoverEntryLocked(int i, int newOwner) {
        final SharedMemory m = memory;
        int base = entryOffset(i);
        long held = checked(m.getLongPlain(base + ENTRY_HELD), "held");
        long excess = checked(m.getLongPlain(EXCESS_OFFSET), "excess");
        long matched = Math.min(held, excess);
        long back = held - matched;
        long available = checked(m.getLongPlain(AVAILABLE_OFFSET), "available");
        long tainted = checked(m.getLongPlain(TAINTED_OFFSET), "tainted");
        writeLocked("recover", i, available, available + back, tainted, tainted + back, excess, excess - matched,
                m.getIntPlain(base + ENTRY_OWNER), newOwner, held, 0);
        if (held > 0) {
            m.getAndAddLong(RECOVERIES_OFFSET, 1);
            m.getAndAddLong(RECOVERED_PERMITS_OFFSET, back);
        }
        if (CrashPoints.ENABLED) {
            CrashPoints.reach("semaphore.recovered");
        }
    }

    /**
     * This process's holding, inside the latch: claims the entry for this token first, recovering
     * what a previous (necessarily dead) registrant of the same registry slot left in it.
     */
    private long claimOwnEntryLocked() {
        final SharedMemory m = memory;
        int base = entryOffset(entry);
        int owner = m.getIntPlain(base + ENTRY_OWNER);
        if (owner == token) {
            return checked(m.getLongPlain(base + ENTRY_HELD), "held");
        }
        if (m.getIntPlain(HIGH_WATER_OFFSET) <= entry) {
            m.setIntRelease(HIGH_WATER_OFFSET, entry + 1); // monotonic; harmless if rolled back
        }
        // The registry gave this slot to this process, so a different owner of it is dead.
        recoverEntryLocked(entry, token);
        return 0;
    }

    // ---- the latch and the journal ----------------------------------------------------------------

    private void enterLatch() {
        if (latch.enter()) {
            rollBackLocked();
        }
    }

    private void leaveLatch() {
        latch.leaveRelease(); // waiters publish SLEEPERS before they enter: see "Memory ordering"
    }

    /**
     * The common case of {@link #writeLocked}, kept small so that the JIT may inline it into the
     * fast path: changes only the available count and this process's own holding (already claimed),
     * journalling the two. {@code journalled} and {@code written} name the crash points.
     */
    private void writeOwnLocked(String journalled, String written, long oldAvailable, long available, long oldHeld,
            long held) {
        // assert oldAvailable - available == held - oldHeld;
        if (oldAvailable == available) {
            return; // zero permits: nothing changes
        }
        final SharedMemory m = memory;
        m.setLongRelease(JOURNAL_AVAILABLE_OFFSET, oldAvailable);
        m.setLongRelease(JOURNAL_HELD_OFFSET, oldHeld);
        m.setIntRelease(JOURNAL_STATE_OFFSET, entry << JOURNAL_ENTRY_SHIFT | JOURNAL_AVAILABLE | JOURNAL_HELD);
        if (CrashPoints.ENABLED) {
            CrashPoints.reach(journalled);
        }
        m.setLongRelease(AVAILABLE_OFFSET, available);
        m.setLongRelease(entryOffset(entry) + ENTRY_HELD, held);
        if (CrashPoints.ENABLED) {
            CrashPoints.reach(written);
        }
        m.setIntRelease(JOURNAL_STATE_OFFSET, 0);
    }

    /**
     * Changes the pool and holdings entry {@code i} from the {@code old...} values, which must be
     * the current ones, to the new values, inside the latch: writes the journal (the old value of
     * each word that changes, then the state: the entry index and the set of those words), then
     * the new values, then empties the journal. A word whose old and new values are equal is neither journalled nor written, so the
     * common acquire and release, which change only the available count and the caller's holding,
     * journal two words. {@code op} names the crash points ({@code semaphore.<op>.journalled},
     * {@code .written}).
     */
    private void writeLocked(String op, int i, long oldAvailable, long available, long oldTainted, long tainted,
            long oldExcess, long excess, int oldOwner, int owner, long oldHeld, long held) {
        final SharedMemory m = memory;
        final int base = entryOffset(i);
        int changed = (oldAvailable != available ? JOURNAL_AVAILABLE : 0) | (oldTainted != tainted ? JOURNAL_TAINTED : 0)
                | (oldExcess != excess ? JOURNAL_EXCESS : 0) | (oldOwner != owner ? JOURNAL_OWNER : 0)
                | (oldHeld != held ? JOURNAL_HELD : 0);
        if (changed == 0) {
            return;
        }
        if ((changed & JOURNAL_AVAILABLE) != 0) {
            m.setLongRelease(JOURNAL_AVAILABLE_OFFSET, oldAvailable);
        }
        if ((changed & JOURNAL_TAINTED) != 0) {
            m.setLongRelease(JOURNAL_TAINTED_OFFSET, oldTainted);
        }
        if ((changed & JOURNAL_EXCESS) != 0) {
            m.setLongRelease(JOURNAL_EXCESS_OFFSET, oldExcess);
        }
        if ((changed & JOURNAL_OWNER) != 0) {
            m.setIntRelease(JOURNAL_OWNER_OFFSET, oldOwner);
        }
        if ((changed & JOURNAL_HELD) != 0) {
            m.setLongRelease(JOURNAL_HELD_OFFSET, oldHeld);
        }
        m.setIntRelease(JOURNAL_STATE_OFFSET, i << JOURNAL_ENTRY_SHIFT | changed);
        if (CrashPoints.ENABLED) {
            CrashPoints.reach("semaphore." + op + ".journalled");
        }
        if ((changed & JOURNAL_AVAILABLE) != 0) {
            m.setLongRelease(AVAILABLE_OFFSET, available);
        }
        if ((changed & JOURNAL_TAINTED) != 0) {
            m.setLongRelease(TAINTED_OFFSET, tainted);
        }
        if ((changed & JOURNAL_EXCESS) != 0) {
            m.setLongRelease(EXCESS_OFFSET, excess);
        }
        if ((changed & JOURNAL_OWNER) != 0) {
            m.setIntRelease(base + ENTRY_OWNER, owner);
        }
        if ((changed & JOURNAL_HELD) != 0) {
            m.setLongRelease(base + ENTRY_HELD, held);
        }
        if (CrashPoints.ENABLED) {
            CrashPoints.reach("semaphore." + op + ".written");
        }
        m.setIntRelease(JOURNAL_STATE_OFFSET, 0);
    }

    /** Undoes the operation of a participant that died inside the latch; inside the latch. */
    private void rollBackLocked() {
        final SharedMemory m = memory;
        int state = m.getIntVolatile(JOURNAL_STATE_OFFSET);
        if (state == 0) {
            return;
        }
        int changed = state & JOURNAL_ALL;
        int i = state >>> JOURNAL_ENTRY_SHIFT;
        if (changed == 0) {
            throw damaged("journal state expected a non-empty set of words (bits 0x" + Integer.toHexString(JOURNAL_ALL)
                    + ") but was 0x" + Integer.toHexString(state));
        }
        if (i >= ENTRIES) {
            throw damaged("journal entry expected 0.." + (ENTRIES - 1) + " but was " + i);
        }
        int base = entryOffset(i);
        if ((changed & JOURNAL_AVAILABLE) != 0) {
            m.setLongRelease(AVAILABLE_OFFSET, m.getLongVolatile(JOURNAL_AVAILABLE_OFFSET));
        }
        if ((changed & JOURNAL_TAINTED) != 0) {
            m.setLongRelease(TAINTED_OFFSET, m.getLongVolatile(JOURNAL_TAINTED_OFFSET));
        }
        if ((changed & JOURNAL_EXCESS) != 0) {
            m.setLongRelease(EXCESS_OFFSET, m.getLongVolatile(JOURNAL_EXCESS_OFFSET));
        }
        if ((changed & JOURNAL_OWNER) != 0) {
            m.setIntRelease(base + ENTRY_OWNER, m.getIntVolatile(JOURNAL_OWNER_OFFSET));
        }
        if ((changed & JOURNAL_HELD) != 0) {
            m.setLongRelease(base + ENTRY_HELD, m.getLongVolatile(JOURNAL_HELD_OFFSET));
        }
        m.setIntRelease(JOURNAL_STATE_OFFSET, 0);
        m.getAndAddLong(RECOVERIES_OFFSET, 1);
    }

    private long checked(long value, String what) {
        if (value < 0 || value > Integer.MAX_VALUE * 2L * ENTRIES) {
            throw damaged(what + " expected 0.." + (Integer.MAX_VALUE * 2L * ENTRIES) + " but was " + value);
        }
        return value;
    }

    private IllegalStateException damaged(String detail) {
        return new IllegalStateException("semaphore '" + name + "' in " + memory.path() + " is damaged: " + detail);
    }

    // ---- the plain forms, on the result forms ---------------------------------------------------

    @Override
    public void acquire() throws InterruptedException {
        acquireForResult(1);
    }

    @Override
    public void acquire(int permits) throws InterruptedException {
        acquireForResult(permits);
    }

    @Override
    public void acquireUninterruptibly() {
        acquireUninterruptibly(1);
    }

    @Override
    public void acquireUninterruptibly(int permits) {
        checkAcquire(permits);
        boolean interrupted = false;
        while (true) {
            try {
                acquireForResult(permits);
                break;
            } catch (InterruptedException e) {
                interrupted = true; // nothing was taken; wait again, restore the status below
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean tryAcquire() {
        return tryAcquireForResult(1).acquired();
    }

    @Override
    public boolean tryAcquire(int permits) {
        return tryAcquireForResult(permits).acquired();
    }

    @Override
    public boolean tryAcquire(Duration timeout) throws InterruptedException {
        return tryAcquireForResult(1, timeout).acquired();
    }

    @Override
    public boolean tryAcquire(int permits, Duration timeout) throws InterruptedException {
        return tryAcquireForResult(permits, timeout).acquired();
    }

    @Override
    public boolean tryAcquire(long timeout, TimeUnit unit) throws InterruptedException {
        return tryAcquireForResult(1, timeout, unit).acquired();
    }

    @Override
    public boolean tryAcquire(int permits, long timeout, TimeUnit unit) throws InterruptedException {
        return tryAcquireForResult(permits, timeout, unit).acquired();
    }

    @Override
    public CompletableFuture<@Nullable Void> acquireAsync() {
        return acquireAsync(1);
    }

    @Override
    public CompletableFuture<@Nullable Void> acquireAsync(int permits) {
        return LinkedFuture.map(acquireForResultAsync(permits), result -> null);
    }

    /**
     * Takes the permits at once if it can; otherwise on a virtual thread of its own, which holds no
     * carrier while it waits and completes the future. If the future was completed by anyone else
     * first (a cancel, an {@code orTimeout}), the thread is interrupted, and permits it took all
     * the same are released at once, so none is lost or held twice.
     */
    @Override
    public CompletableFuture<LockResult> acquireForResultAsync(int permits) {
        checkAcquire(permits);
        guard.check();
        LockResult now = take(permits);
        if (now != null) {
            return CompletableFuture.completedFuture(now);
        }
        CompletableFuture<LockResult> future = new CompletableFuture<>();
        Thread thread = Thread.ofVirtual().name("weft-ipc-semaphore-" + name).unstarted(() -> {
            LockResult result;
            try {
                result = acquireForResult(permits);
            } catch (InterruptedException e) {
                future.cancel(false); // only a completion by someone else interrupts this thread
                return;
            } catch (Throwable t) {
                future.completeExceptionally(t);
                return;
            }
            if (!future.complete(result)) {
                try {
                    release(permits); // the request was withdrawn while it was being granted
                } catch (IllegalStateException closedOrReleasedMeanwhile) {
                    // closed: the registration ended, so the holding is recoverable by the others
                }
            }
        });
        future.whenComplete((v, t) -> {
            if (Thread.currentThread() != thread) {
                thread.interrupt();
            }
        });
        thread.start();
        return future;
    }

    @Override
    public int availablePermits() {
        return (int) Math.min(Integer.MAX_VALUE, memory.getLongVolatile(AVAILABLE_OFFSET));
    }

    @Override
    public int heldByThisProcess() {
        int base = entryOffset(entry);
        return memory.getIntVolatile(base + ENTRY_OWNER) == token
                ? (int) Math.min(Integer.MAX_VALUE, memory.getLongVolatile(base + ENTRY_HELD)) : 0;
    }

    /** Permits held by every registered slot, dead ones included (tests, diagnostics). */
    public long heldByAll() {
        long sum = 0;
        int high = Math.min(memory.getIntVolatile(HIGH_WATER_OFFSET), ENTRIES);
        for (int i = 0; i < high; i++) {
            sum += memory.getLongVolatile(entryOffset(i) + ENTRY_HELD);
        }
        return sum;
    }

    /** Permits released on behalf of other holders, not yet matched (tests, diagnostics). */
    public long excess() {
        return memory.getLongVolatile(EXCESS_OFFSET);
    }

    /** How many dead holders (and dead latch holders) were recovered, in all processes, ever. */
    public long recoveries() {
        return memory.getLongVolatile(RECOVERIES_OFFSET);
    }

    /** How many permits recovery returned to the pool, in all processes, ever. */
    public long recoveredPermits() {
        return memory.getLongVolatile(RECOVERED_PERMITS_OFFSET);
    }

    /** Wakes every thread asleep on the wake word (domain close), without touching the mapping. */
    void wakeAllWaiters() {
        Waiter.wakeAllSleepers(memory, WAKE_OFFSET);
    }

    @Override
    public String toString() {
        if (guard.isClosed() || memory.isClosed()) {
            return (isBounded() ? "IpcBoundedSemaphore[" : "IpcSemaphore[") + name + ", domain closed]";
        }
        return (isBounded() ? "IpcBoundedSemaphore[" : "IpcSemaphore[") + name + ", permits="
                + memory.getLongVolatile(AVAILABLE_OFFSET) + ", heldHere=" + heldByThisProcess()
                + (isBounded() ? ", bound=" + bound : "") + "]";
    }
}
