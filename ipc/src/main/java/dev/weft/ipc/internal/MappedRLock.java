package dev.weft.ipc.internal;

import static dev.weft.ipc.internal.LockDescriptor.OWNER_MASK;
import static dev.weft.ipc.internal.RLockDescriptor.HOLDS_OFFSET;
import static dev.weft.ipc.internal.RLockDescriptor.OWNER_THREAD_OFFSET;
import static dev.weft.ipc.internal.RLockDescriptor.OWNER_TOKEN_OFFSET;

import dev.weft.core.sync.LockResult;
import dev.weft.ipc.lock.IpcRLock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * {@link IpcRLock} on a shared mapping ({@link RLockDescriptor}): the {@link MappedLock} algorithm
 * on the lock word, plus the owning thread and hold count beside it.
 */
public final class MappedRLock implements IpcRLock {

    /*
     * Implementation notes
     *
     * Overview
     *   The lock word is a MappedLock (same layout, same acquire/release/recovery), so exclusion
     *   between threads and processes and dead-owner recovery are MappedLock's. Ownership by a thread
     *   is recorded beside it (RLockDescriptor): after taking the word the new owner writes its token,
     *   its thread id and a hold count of 1; a re-entrant acquire only increments the count; the last
     *   release clears count, thread and token, then frees the word.
     *
     * Invariants
     *   - The calling thread holds the lock iff the word's owner, the owner token and the owner thread
     *     all name it (see RLockDescriptor for why stale fields never name another thread).
     *   - holds >= 1 while a thread holds it; written only by the owner.
     *
     * Memory ordering
     *   Owner fields: release stores by the owner, volatile reads; the word's CAS and getAndSet order
     *   them with the lock itself. The hold count is read and written only by the owner.
     *
     * Progress
     *   Blocking, as MappedLock.
     */

    private final String name;
    private final SharedMemory memory;
    private final MappedLock word;
    private final DomainGuard guard;
    private final int token;

    /** Creates a re-entrant lock on {@code memory}, which must hold a checked rlock layout. */
    public MappedRLock(String name, SharedMemory memory, Liveness liveness, Waiter waiter, long sliceNanos,
            DomainGuard guard) {
        this.name = Objects.requireNonNull(name);
        this.memory = Objects.requireNonNull(memory);
        this.guard = Objects.requireNonNull(guard);
        this.word = new MappedLock(name, memory, liveness, waiter, sliceNanos, guard);
        this.token = liveness.token();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean isHeldByCurrentThread() {
        return (word.word() & OWNER_MASK) == token
                && memory.getIntVolatile(OWNER_TOKEN_OFFSET) == token
                && memory.getLongVolatile(OWNER_THREAD_OFFSET) == Thread.currentThread().threadId();
    }

    @Override
    public int holdCount() {
        return isHeldByCurrentThread() ? memory.getIntVolatile(HOLDS_OFFSET) : 0;
    }

    @Override
    public boolean isLocked() {
        return word.isLocked();
    }

    /** Takes one more hold if the caller owns the lock. */
    private boolean reenter() {
        if (!isHeldByCurrentThread()) {
            return false;
        }
        int holds = memory.getIntVolatile(HOLDS_OFFSET);
        if (holds == Integer.MAX_VALUE) {
            throw new Error("Maximum lock count exceeded for rlock '" + name + "'");
        }
        memory.setIntRelease(HOLDS_OFFSET, holds + 1);
        return true;
    }

    private LockResult own(LockResult r) {
        if (r.acquired()) {
            memory.setIntRelease(OWNER_TOKEN_OFFSET, token);
            memory.setLongRelease(OWNER_THREAD_OFFSET, Thread.currentThread().threadId());
            memory.setIntRelease(HOLDS_OFFSET, 1);
        }
        return r;
    }

    @Override
    public LockResult acquireForResult() throws InterruptedException {
        guard.check();
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        return reenter() ? LockResult.ACQUIRED : own(word.acquireForResult());
    }

    @Override
    public LockResult tryAcquireForResult() {
        guard.check();
        return reenter() ? LockResult.ACQUIRED : own(word.tryAcquireForResult());
    }

    @Override
    public LockResult tryAcquireForResult(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        guard.check();
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        return reenter() ? LockResult.ACQUIRED : own(word.tryAcquireForResult(timeout));
    }

    private LockResult tryAcquireForResult(long timeout, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(unit, "unit");
        guard.check();
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        return reenter() ? LockResult.ACQUIRED : own(word.tryAcquireForResult(timeout, unit));
    }

    @Override
    public void acquire() throws InterruptedException {
        acquireForResult();
    }

    @Override
    public void acquireUninterruptibly() {
        guard.check();
        if (!reenter()) {
            boolean interrupted = Thread.interrupted();
            while (true) {
                try {
                    own(word.acquireForResult());
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // nothing held; wait again, restore the status below
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
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
    public void release() {
        guard.check();
        if (!isHeldByCurrentThread()) {
            int v = word.word();
            throw new IllegalMonitorStateException("cannot release rlock '" + name + "': the calling thread "
                    + Thread.currentThread() + " does not hold it (" + (v == 0 ? "it is free" : "another thread holds it")
                    + ")");
        }
        int holds = memory.getIntVolatile(HOLDS_OFFSET);
        if (holds > 1) {
            memory.setIntRelease(HOLDS_OFFSET, holds - 1);
            return;
        }
        memory.setIntRelease(HOLDS_OFFSET, 0);
        memory.setLongRelease(OWNER_THREAD_OFFSET, 0L);
        memory.setIntRelease(OWNER_TOKEN_OFFSET, 0);
        word.release();
    }

    /**
     * Always throws: conditions across processes are not supported on this lock.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public java.util.concurrent.locks.Condition newCondition() {
        throw new UnsupportedOperationException("the ipc rlock '" + name + "' has no conditions");
    }

    /** How many times a waiter took this lock over from a dead owner (all processes, ever). */
    public long recoveries() {
        return word.recoveries();
    }

    /** Wakes every thread asleep on the lock word (domain close). */
    void wakeAllWaiters() {
        word.wakeAllWaiters();
    }

    @Override
    public String toString() {
        if (guard.isClosed() || memory.isClosed()) {
            return "IpcRLock[" + name + ", domain closed]";
        }
        int v = word.word();
        if (v == 0) {
            return "IpcRLock[" + name + ", unlocked]";
        }
        return "IpcRLock[" + name + ", locked" + (isHeldByCurrentThread() ? " by the calling thread, holds="
                + memory.getIntVolatile(HOLDS_OFFSET) : "") + "]";
    }
}
