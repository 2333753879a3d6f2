package dev.weft.ipc.internal;

import static dev.weft.ipc.internal.LockDescriptor.LOCK_WORD_OFFSET;
import static dev.weft.ipc.internal.LockDescriptor.OWNER_MASK;
import static dev.weft.ipc.internal.LockDescriptor.RECOVERIES_OFFSET;
import static dev.weft.ipc.internal.LockDescriptor.WAITERS;

import dev.weft.core.internal.Durations;
import dev.weft.core.internal.LinkedFuture;
import dev.weft.core.internal.WaitEvent;
import dev.weft.core.sync.LockResult;
import dev.weft.ipc.lock.IpcLock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * {@link IpcLock} on one 32-bit word of a shared mapping ({@link LockDescriptor}).
 */
public final class MappedLock implements IpcLock {

    /*
     * Implementation notes
     *
     * Overview
     *   A futex mutex in the manner of Drepper's "Futexes Are Tricky" (mutex 2) and glibc's robust
     *   mutexes: the word holds the holder's participant token and a WAITERS bit. Acquire is one CAS
     *   0 -> me; release is one getAndSet(0), plus a wake only if WAITERS was set. Deviations: the
     *   token (not a thread id) identifies the holder, so any participant may release (Python
     *   semantics), and a dead holder is detected by a liveness probe instead of the kernel's robust
     *   list (which is per thread and needs glibc's layout).
     *
     * Invariants
     *   - word == 0 <=> free; else (word & OWNER_MASK) is the token that took the lock, set in the same
     *     CAS that took it (or in the recovery CAS).
     *   - A process sleeping on the word, or about to, has made WAITERS set in the value it sleeps on.
     *     A thread that has slept acquires with WAITERS set (there may be other sleepers).
     * Non-invariants
     *   - WAITERS set does not mean someone sleeps (sleepers may have timed out or died): it only costs
     *     a spurious wake.
     *
     * Linearization points
     *   acquire / tryAcquire: the successful CAS (from 0, or from the dead holder's exact value).
     *   release: the getAndSet(0). isLocked: the volatile read.
     *
     * Memory ordering
     *   All word accesses are volatile (CAS, getAndSet, getVolatile): full fences, so the protected
     *   data written before a release is visible after the next acquire in any process, and the
     *   release's read of WAITERS is ordered after its clear (Dekker with the sleeper's CAS of WAITERS
     *   followed by the kernel's re-check of the word in FUTEX_WAIT).
     *   recoveries: getAndAdd (statistics only).
     *
     * Blocking and cancellation
     *   Waiter loop: spin/yield rounds with the plain CAS, then publish WAITERS and sleep in the
     *   Waiter (futex or back-off) until the word changes or a slice ends. Every liveness slice with an
     *   unchanged holder, the holder's token is probed; a dead holder is replaced with one CAS from the
     *   exact observed value (so two recoverers cannot both win) and OWNER_DIED is returned. A timed
     *   wait probes once more at its deadline. Interrupt: InterruptedException from the Waiter, before
     *   anything was acquired; a WAITERS bit may be left (harmless).
     *
     * Progress
     *   Blocking (it is a lock), but a dead holder never blocks the others for
     *   longer than one liveness slice of a waiter.
     */

    private final String name;
    private final SharedMemory memory;
    private final Liveness liveness;
    private final Waiter waiter;
    private final long sliceNanos;
    private final DomainGuard guard;
    private final int token;

    /**
     * Creates a lock on {@code memory}, which must hold a lock layout.
     *
     * @param sliceNanos liveness slice: how long a waiter waits on an unchanged holder before
     *     probing it
     */
    public MappedLock(String name, SharedMemory memory, Liveness liveness, Waiter waiter, long sliceNanos,
            DomainGuard guard) {
        this.name = Objects.requireNonNull(name);
        this.memory = Objects.requireNonNull(memory);
        this.liveness = Objects.requireNonNull(liveness);
        this.waiter = Objects.requireNonNull(waiter);
        this.sliceNanos = sliceNanos;
        this.guard = Objects.requireNonNull(guard);
        this.token = liveness.token();
        if (token == 0 || (token & ~OWNER_MASK) != 0) {
            throw new IllegalArgumentException("token must be a non-zero 30-bit value, was 0x" + Integer.toHexString(token));
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public LockResult acquireForResult() throws InterruptedException {
        guard.check();
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (casWord(0, token)) {
            if (CrashPoints.ENABLED) {
                CrashPoints.reach("lock.acquired");
            }
            return LockResult.ACQUIRED;
        }
        return acquireSlow(false, 0L);
    }

    @Override
    public LockResult tryAcquireForResult() {
        guard.check();
        if (casWord(0, token)) {
            return LockResult.ACQUIRED;
        }
        while (true) {
            int v = getWordVolatile();
            if (v == 0) {
                if (casWord(0, token)) {
                    return LockResult.ACQUIRED;
                }
                continue;
            }
            LockResult r = tryRecover(v);
            if (r != null) {
                return r;
            }
            if (getWordVolatile() == v) {
                return LockResult.NOT_ACQUIRED;
            }
        }
    }

    @Override
    public LockResult tryAcquireForResult(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        return tryAcquireNanos(Durations.toNanos(timeout));
    }

    @Override
    public LockResult tryAcquireForResult(long timeout, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(unit, "unit");
        return tryAcquireNanos(unit.toNanos(timeout));
    }

    private LockResult tryAcquireNanos(long nanos) throws InterruptedException {
        guard.check();
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (nanos <= 0) {
            return tryAcquireForResult();
        }
        if (casWord(0, token)) {
            return LockResult.ACQUIRED;
        }
        return acquireSlow(true, nanos);
    }

    private LockResult acquireSlow(boolean timed, long nanos) throws InterruptedException {
        WaitEvent event = WaitEvent.start();
        String outcome = WaitEvent.FAILED;
        try {
            LockResult result = acquireSlowLoop(timed, nanos);
            outcome = result.name();
            return result;
        } catch (InternalError e) { // a fault on a file cut short, raised after the accessor returned
            throw memory.damagedBy(e);
        } finally {
            WaitEvent.end(event, "IpcLock", name, "acquire", outcome);
        }
    }

    private LockResult acquireSlowLoop(boolean timed, long nanos) throws InterruptedException {
        final SharedMemory memory = this.memory;
        final Waiter waiter = this.waiter;
        long start = System.nanoTime();
        long deadline = timed ? start + nanos : Long.MAX_VALUE;
        int observedOwner = 0;
        long observedSince = start;
        int claimBits = 0; // WAITERS once this thread has slept: there may be other sleepers
        while (true) {
            int v = getWordVolatile();
            if (v == 0) {
                if (casWord(0, token | claimBits)) {
                    if (CrashPoints.ENABLED) {
                        CrashPoints.reach("lock.acquired");
                    }
                    return LockResult.ACQUIRED;
                }
                continue;
            }
            long now = System.nanoTime();
            int owner = v & OWNER_MASK;
            if (owner != observedOwner) {
                observedOwner = owner;
                observedSince = now;
            } else if (now - observedSince >= sliceNanos) {
                observedSince = now;
                LockResult r = tryRecover(v);
                if (r != null) {
                    return r;
                }
                continue;
            }
            if (timed && now - deadline >= 0) {
                LockResult r = tryRecover(v); // last chance before giving up
                return r != null ? r : LockResult.NOT_ACQUIRED;
            }
            long waited = now - start;
            if (waiter.willSleep(waited)) {
                if ((v & WAITERS) == 0) {
                    if (!casWord(v, v | WAITERS)) {
                        continue;
                    }
                    v |= WAITERS;
                }
                claimBits = WAITERS;
                if (CrashPoints.ENABLED) {
                    CrashPoints.reach("lock.waitersSet");
                }
            }
            if (CrashPoints.ENABLED && claimBits != 0) {
                CrashPoints.reach("lock.sleeping");
            }
            guard.check(); // a domain closed while we wait: our token is dead, stop waiting
            long sliceEnd = observedSince + sliceNanos;
            long until = deadline - sliceEnd < 0 ? deadline : sliceEnd;
            waiter.await(memory, LOCK_WORD_OFFSET, v, until, waited);
        }
    }

    /**
     * Takes the lock from its holder if the holder (in {@code v}) is provably dead.
     *
     * @return {@link LockResult#OWNER_DIED} on takeover, {@code null} if the holder is alive, is
     *     this process, or the word changed
     */
    private LockResult tryRecover(int v) {
        int owner = v & OWNER_MASK;
        if (owner == token || !liveness.isDead(owner)) {
            return null;
        }
        // One CAS from the exact dead value: of several recoverers exactly one wins.
        if (casWord(v, token | (v & WAITERS))) {
            if (CrashPoints.ENABLED) {
                CrashPoints.reach("lock.recovered");
            }
            memory.getAndAddLong(RECOVERIES_OFFSET, 1);
            RecoveryEvent.emit("lock '" + name + "'", memory, RecoveryEvent.LOCK_TAKEN_OVER, liveness.describe(owner));
            return LockResult.OWNER_DIED;
        }
        return null;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if the domain is closed: the registration has ended, so the lock
     *     may already belong to a process that took it over, and releasing it then would rob that
     *     process
     */
    @Override
    public void release() {
        guard.check();
        int v = memory.getAndSetInt(LOCK_WORD_OFFSET, 0);
        if (v == 0) {
            throw new IllegalMonitorStateException("release of lock '" + name + "' which is not held");
        }
        if (CrashPoints.ENABLED) {
            CrashPoints.reach("lock.released");
        }
        if ((v & WAITERS) != 0) {
            waiter.wakeOne(memory, LOCK_WORD_OFFSET);
        }
    }

    @Override
    public boolean isLocked() {
        return getWordVolatile() != 0;
    }

    // The contract's plain forms, on the result forms above.

    @Override
    public void acquire() throws InterruptedException {
        acquireForResult();
    }

    @Override
    public void acquireUninterruptibly() {
        boolean interrupted = false;
        while (true) {
            try {
                acquireForResult();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // acquireForResult cleared the status; wait again, restore below
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean tryAcquire() {
        return tryAcquireForResult().acquired();
    }

    @Override
    public boolean tryAcquire(Duration timeout) throws InterruptedException {
        return tryAcquireForResult(timeout).acquired();
    }

    @Override
    public boolean tryAcquire(long timeout, TimeUnit unit) throws InterruptedException {
        return tryAcquireForResult(timeout, unit).acquired();
    }

    @Override
    public CompletableFuture<@Nullable Void> acquireAsync() {
        return LinkedFuture.map(acquireForResultAsync(), result -> null);
    }

    /**
     * Acquires at once if it can; otherwise on a virtual thread of its own, which holds no carrier
     * while it waits and completes the future. If the future was completed by anyone else first
     * (a cancel, an {@code orTimeout}), the thread is interrupted, and a lock it acquired all the
     * same is released at once, so the lock ends with exactly one owner or none.
     */
    @Override
    public CompletableFuture<LockResult> acquireForResultAsync() {
        guard.check();
        LockResult now = tryAcquireForResult();
        if (now.acquired()) {
            return CompletableFuture.completedFuture(now);   // no thread needed
        }
        CompletableFuture<LockResult> future = new CompletableFuture<>();
        Thread thread = Thread.ofVirtual().name("weft-ipc-lock-" + name).unstarted(() -> {
            LockResult result;
            try {
                result = acquireForResult();
            } catch (InterruptedException e) {
                future.cancel(false); // only a completion by someone else interrupts this thread
                return;
            } catch (Throwable t) {
                future.completeExceptionally(t);
                return;
            }
            if (!future.complete(result)) {
                try {
                    release(); // the request was withdrawn while it was being granted
                } catch (IllegalStateException closed) {
                    // the domain closed meanwhile: its registration ended, so the lock is recoverable
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

    /**
     * Always throws: a condition across processes needs its own shared state.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public java.util.concurrent.locks.Condition newCondition() {
        throw new UnsupportedOperationException("the ipc lock '" + name + "' has no conditions");
    }

    /** How many times a waiter took this lock over from a dead holder (all processes, ever). */
    public long recoveries() {
        return memory.getLongVolatile(RECOVERIES_OFFSET);
    }

    /** The raw lock word (for tests and diagnostics). */
    public int word() {
        return getWordVolatile();
    }

    /**
     * Wakes every thread asleep on the lock word (this process's virtual threads included), so that
     * they re-check it and their domain's state, without touching the mapping: used when the
     * domain closes ({@link Waiter#wakeAllSleepers}).
     */
    void wakeAllWaiters() {
        Waiter.wakeAllSleepers(memory, LOCK_WORD_OFFSET);
    }

    @Override
    public String toString() {
        if (guard.isClosed() || memory.isClosed()) {
            return "IpcLock[" + name + ", domain closed]";
        }
        if (memory.isDamaged()) {
            return "IpcLock[" + name + ", DAMAGED: file cut short]";
        }
        int v = getWordVolatile();
        if (v == 0) {
            return "IpcLock[" + name + ", unlocked]";
        }
        int owner = v & OWNER_MASK;
        return "IpcLock[" + name + ", locked by " + (owner == token ? "this process" : liveness.describe(owner))
                + ((v & WAITERS) != 0 ? ", waiters" : "") + "]";
    }

    // Word accessors (the mapping's VarHandles live in SharedMemory).
    private int getWordVolatile() {
        return memory.getIntVolatile(LOCK_WORD_OFFSET);
    }

    private boolean casWord(int expected, int value) {
        return memory.casInt(LOCK_WORD_OFFSET, expected, value);
    }
}
