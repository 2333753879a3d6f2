package dev.weft.ipc.internal;

import static dev.weft.ipc.internal.ConditionDescriptor.ARRIVALS_OFFSET;
import static dev.weft.ipc.internal.ConditionDescriptor.FREE;
import static dev.weft.ipc.internal.ConditionDescriptor.LATCH_OFFSET;
import static dev.weft.ipc.internal.ConditionDescriptor.PASSED_ON_OFFSET;
import static dev.weft.ipc.internal.ConditionDescriptor.SIGNALLED;
import static dev.weft.ipc.internal.ConditionDescriptor.SLEEPERS_OFFSET;
import static dev.weft.ipc.internal.ConditionDescriptor.SLOTS;
import static dev.weft.ipc.internal.ConditionDescriptor.SLOT_OWNER;
import static dev.weft.ipc.internal.ConditionDescriptor.SLOT_SEQUENCE;
import static dev.weft.ipc.internal.ConditionDescriptor.SLOT_STATE;
import static dev.weft.ipc.internal.ConditionDescriptor.WAITING;
import static dev.weft.ipc.internal.ConditionDescriptor.WAITING_OFFSET;
import static dev.weft.ipc.internal.ConditionDescriptor.WAKE_OFFSET;
import static dev.weft.ipc.internal.ConditionDescriptor.slotOffset;

import dev.weft.core.internal.Durations;
import dev.weft.core.internal.WaitEvent;
import dev.weft.core.sync.LockResult;
import dev.weft.ipc.lock.AwaitResult;
import dev.weft.ipc.lock.IpcCondition;
import dev.weft.ipc.lock.IpcLock;
import java.time.Duration;
import java.util.Date;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * {@link IpcCondition} on a shared mapping ({@link ConditionDescriptor}), bound to a
 * {@link MappedLock}.
 */
public final class MappedCondition implements IpcCondition {

    /*
     * Implementation notes
     *
     * Overview
     *   Waiter slots in the mapping under a SharedLatch, as the barrier's. await lists a WAITING slot
     *   (with an arrival sequence number) before it releases the lock, so a signal made by whoever
     *   takes the lock next finds it. signal(n) marks the n oldest WAITING slots SIGNALLED and bumps
     *   the wake word; waiters sleep on the wake word and look at their own slot. Giving up (timeout,
     *   interrupt, cancel) frees the slot under the latch only if it is still WAITING; a SIGNALLED slot
     *   is consumed by its waiter, or passed on (cancel, dead owner) to the oldest WAITING slot.
     *
     * Invariants (outside the latch)
     *   - waiting == number of WAITING slots.
     *   - A SIGNALLED slot stands for one signal owed to its owner; it is freed only by the owner
     *     (which consumes it) or by a pass-on.
     *
     * Linearization points
     *   await: listing (latch), then the lock release. signal: its critical section. Giving up: the
     *   critical section that frees a WAITING slot.
     *
     * Memory ordering
     *   Slot state: volatile stores of SIGNALLED, volatile reads by the owner (Dekker with the
     *   sleepers flag, as in MappedBarrier). Lock hand-off: MappedLock's.
     *
     * Blocking and cancellation
     *   See IpcCondition. Every liveness slice a waiter probes the owners of the non-free slots:
     *   a dead WAITING owner's slot is freed; a dead SIGNALLED owner's signal is passed on.
     *
     * Progress
     *   Blocking.
     */

    private final String name;
    private final SharedMemory memory;
    private final MappedLock lock;
    private final Liveness liveness;
    private final Waiter waiter;
    private final long sliceNanos;
    private final DomainGuard guard;
    private final int token;
    private final SharedLatch latch;

    /** Creates a condition on {@code memory}, which must hold a checked condition layout bound to {@code lock}. */
    public MappedCondition(String name, SharedMemory memory, MappedLock lock, Liveness liveness, Waiter waiter,
            long sliceNanos, DomainGuard guard) {
        this.name = Objects.requireNonNull(name);
        this.memory = Objects.requireNonNull(memory);
        this.lock = Objects.requireNonNull(lock);
        this.liveness = Objects.requireNonNull(liveness);
        this.waiter = Objects.requireNonNull(waiter);
        this.sliceNanos = sliceNanos;
        this.guard = Objects.requireNonNull(guard);
        this.token = liveness.token();
        this.latch = new SharedLatch(memory, LATCH_OFFSET, liveness, guard, sliceNanos);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public IpcLock lock() {
        return lock;
    }

    private void checkHeld(String operation) {
        guard.check();
        if (!lock.isLocked()) {
            throw new IllegalMonitorStateException(operation + " on condition '" + name + "' without holding its lock '"
                    + lock.name() + "'");
        }
    }

    /** The outcome of one wait: whether a signal chose it, and how the lock was re-acquired. */
    private record Outcome(boolean signalled, LockResult reacquired) {}

    /**
     * Lists, releases the lock, waits for a signal (or the deadline), then re-acquires the lock.
     *
     * @throws InterruptedException if interrupted before a signal chose this waiter (the lock is
     *     held again)
     */
    private Outcome awaitCore(boolean timed, long nanos) throws InterruptedException {
        checkHeld("await");
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        WaitEvent event = WaitEvent.start();
        String outcome = WaitEvent.FAILED;
        try {
            long start = System.nanoTime();
            int base = list();
            lock.release();
            boolean signalled = false;
            InterruptedException interrupted = null;
            try {
                signalled = waitForSignal(base, timed, start, nanos, true);
            } catch (InterruptedException e) {
                interrupted = e;
            }
            LockResult r = reacquire();
            if (interrupted != null) {
                throw interrupted;
            }
            outcome = outcome(signalled, r);
            return new Outcome(signalled, r);
        } finally {
            WaitEvent.end(event, "IpcCondition", name, "await", outcome);
        }
    }

    /** A wait's outcome as a JFR wait event states it. */
    private static String outcome(boolean signalled, LockResult reacquired) {
        return (signalled ? "signalled" : "timed out") + (reacquired == LockResult.OWNER_DIED ? ", OWNER_DIED" : "");
    }

    /** Re-acquires the lock, waiting as long as needed and ignoring interrupts (restored after). */
    private LockResult reacquire() {
        boolean interrupted = Thread.interrupted();
        try {
            while (true) {
                try {
                    return lock.acquireForResult();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Lists a waiting slot and returns its offset; waits for a free slot if all are in use. */
    private int list() {
        final SharedMemory m = memory;
        while (true) {
            enter();
            try {
                long seq = m.getLongPlain(ARRIVALS_OFFSET);
                int first = (int) Long.remainderUnsigned(seq, SLOTS);
                for (int k = 0; k < SLOTS; k++) {
                    int base = slotOffset((first + k) % SLOTS);
                    if (m.getIntPlain(base + SLOT_STATE) == FREE) {
                        m.setIntRelease(base + SLOT_OWNER, token);
                        m.setLongRelease(base + SLOT_SEQUENCE, seq);
                        m.setIntRelease(base + SLOT_STATE, WAITING);
                        m.setLongRelease(ARRIVALS_OFFSET, seq + 1);
                        m.setIntRelease(WAITING_OFFSET, m.getIntPlain(WAITING_OFFSET) + 1);
                        return base;
                    }
                }
            } finally {
                latch.leave();
            }
            probeDeadWaiters(); // every slot in use: free those of dead waiters, else wait for one
            Thread.yield();
            guard.check();
        }
    }

    /**
     * Waits until the slot at {@code base} is signalled (true), or the deadline passes with the slot
     * still waiting (false, the slot freed).
     *
     * @throws InterruptedException if interrupted while the slot was still waiting (the slot freed)
     */
    private boolean waitForSignal(int base, boolean timed, long start, long nanos, boolean interruptible)
            throws InterruptedException {
        final SharedMemory m = memory;
        // Clamped: a deadline start + Long.MIN_VALUE would overflow and never pass.
        final long deadline = start + Math.max(nanos, 0L);
        long lastProbe = start;
        boolean reInterrupt = false;
        if (CrashPoints.ENABLED) {
            CrashPoints.reach("condition.waiting");
        }
        while (true) {
            int seen = m.getIntVolatile(WAKE_OFFSET);
            long waited = System.nanoTime() - start;
            if (waiter.willSleep(waited) && m.getIntVolatile(SLEEPERS_OFFSET) == 0) {
                m.setIntVolatile(SLEEPERS_OFFSET, 1);
            }
            if (m.getIntVolatile(base + SLOT_STATE) == SIGNALLED) {
                if (CrashPoints.ENABLED) {
                    CrashPoints.reach("condition.signalled");
                }
                m.setIntRelease(base + SLOT_STATE, FREE);
                if (reInterrupt) {
                    Thread.currentThread().interrupt();
                }
                return true;
            }
            long now = System.nanoTime();
            if (now - lastProbe >= sliceNanos) {
                lastProbe = now;
                probeDeadWaiters();
                continue;
            }
            if (timed && now - deadline >= 0) {
                if (leave(base)) {
                    if (CrashPoints.ENABLED) {
                        CrashPoints.reach("condition.timedout");
                    }
                    return false;
                }
                continue; // signalled meanwhile
            }
            if (guard.isClosed()) {
                leaveQuietly(base);
                guard.check();
            }
            long sliceEnd = lastProbe + sliceNanos;
            long until = timed && deadline - sliceEnd < 0 ? deadline : sliceEnd;
            try {
                waiter.await(m, WAKE_OFFSET, seen, until, waited);
            } catch (InterruptedException e) {
                if (interruptible && leave(base)) {
                    throw e;
                }
                reInterrupt = true; // signalled first, or uninterruptible: the status is set again on return
            }
        }
    }

    private void leaveQuietly(int base) {
        try {
            leave(base);
        } catch (IllegalStateException closed) {
            // the domain is closed: our token is dead, and the others free the slot
        }
    }

    /** Frees the slot if it is still waiting. */
    private boolean leave(int base) {
        final SharedMemory m = memory;
        enter();
        try {
            if (m.getIntPlain(base + SLOT_STATE) != WAITING) {
                return false;
            }
            m.setIntRelease(base + SLOT_STATE, FREE);
            m.setIntRelease(WAITING_OFFSET, m.getIntPlain(WAITING_OFFSET) - 1);
            return true;
        } finally {
            latch.leave();
        }
    }

    /** Gives the signal of a slot that will not consume it to the next waiter; frees the slot. */
    private void passOn(int base) {
        enter();
        try {
            if (memory.getIntPlain(base + SLOT_STATE) == SIGNALLED) {
                memory.setIntRelease(base + SLOT_STATE, FREE);
                memory.getAndAddLong(PASSED_ON_OFFSET, 1);
                signalLocked(1);
            }
        } finally {
            latch.leave();
        }
        wakeSleepers();
    }

    /** Enters the latch; recounts the waiting slots if a dead holder may have left the count wrong. */
    private void enter() {
        if (latch.enter()) {
            int waiting = 0;
            for (int i = 0; i < SLOTS; i++) {
                if (memory.getIntPlain(slotOffset(i) + SLOT_STATE) == WAITING) {
                    waiting++;
                }
            }
            memory.setIntRelease(WAITING_OFFSET, waiting);
        }
    }

    /** Signals the {@code n} oldest waiting slots; inside the latch. */
    private void signalLocked(int n) {
        final SharedMemory m = memory;
        for (int done = 0; done < n; done++) {
            int oldest = -1;
            long oldestSeq = Long.MAX_VALUE;
            for (int i = 0; i < SLOTS; i++) {
                int base = slotOffset(i);
                if (m.getIntPlain(base + SLOT_STATE) == WAITING) {
                    long seq = m.getLongPlain(base + SLOT_SEQUENCE);
                    if (seq < oldestSeq) {
                        oldestSeq = seq;
                        oldest = base;
                    }
                }
            }
            if (oldest < 0) {
                break;
            }
            m.setIntVolatile(oldest + SLOT_STATE, SIGNALLED);
            m.setIntRelease(WAITING_OFFSET, m.getIntPlain(WAITING_OFFSET) - 1);
        }
        int w;
        do {
            w = m.getIntVolatile(WAKE_OFFSET);
        } while (!m.casInt(WAKE_OFFSET, w, w + 1));
    }

    private void wakeSleepers() {
        final SharedMemory m = memory;
        if (m.getIntVolatile(SLEEPERS_OFFSET) != 0 && m.getAndSetInt(SLEEPERS_OFFSET, 0) != 0) {
            waiter.wakeAll(m, WAKE_OFFSET);
        }
    }

    /** Frees the slots of dead waiting owners and passes on the signals of dead signalled ones. */
    private void probeDeadWaiters() {
        final SharedMemory m = memory;
        for (int i = 0; i < SLOTS; i++) {
            int base = slotOffset(i);
            int state = m.getIntVolatile(base + SLOT_STATE);
            if (state == FREE) {
                continue;
            }
            int owner = m.getIntVolatile(base + SLOT_OWNER);
            if (owner == token || !liveness.isDead(owner)) {
                continue;
            }
            if (state == WAITING) {
                enter();
                try {
                    if (m.getIntPlain(base + SLOT_STATE) == WAITING && m.getIntPlain(base + SLOT_OWNER) == owner) {
                        m.setIntRelease(base + SLOT_STATE, FREE);
                        m.setIntRelease(WAITING_OFFSET, m.getIntPlain(WAITING_OFFSET) - 1);
                    }
                } finally {
                    latch.leave();
                }
            } else if (m.getIntVolatile(base + SLOT_OWNER) == owner) {
                passOn(base);
            }
        }
    }

    // ---- the forms ----------------------------------------------------------------------------

    @Override
    public LockResult awaitForResult() throws InterruptedException {
        return awaitCore(false, 0L).reacquired();
    }

    @Override
    public AwaitResult awaitForResult(Duration timeout) throws InterruptedException {
        return awaitForResultNanos(Durations.toNanos(timeout));
    }

    @Override
    public AwaitResult awaitForResult(long timeout, TimeUnit unit) throws InterruptedException {
        return awaitForResultNanos(unit.toNanos(timeout));
    }

    private AwaitResult awaitForResultNanos(long nanos) throws InterruptedException {
        Outcome o = awaitCore(true, nanos);
        return AwaitResult.of(o.signalled(), o.reacquired());
    }

    @Override
    public void await() throws InterruptedException {
        awaitCore(false, 0L);
    }

    @Override
    public void awaitUninterruptibly() {
        checkHeld("await");
        WaitEvent event = WaitEvent.start();
        String outcome = WaitEvent.FAILED;
        try {
            int base = list();
            lock.release();
            try {
                waitForSignal(base, false, System.nanoTime(), 0L, false);
            } catch (InterruptedException impossible) {
                throw new AssertionError(impossible);
            }
            outcome = outcome(true, reacquire());
        } finally {
            WaitEvent.end(event, "IpcCondition", name, "await", outcome);
        }
    }

    @Override
    public long awaitNanos(long nanosTimeout) throws InterruptedException {
        long start = System.nanoTime();
        long nanos = Math.max(nanosTimeout, 0L); // nanosTimeout - elapsed could overflow
        awaitCore(true, nanos);
        return nanos - (System.nanoTime() - start);
    }

    @Override
    public boolean await(long time, TimeUnit unit) throws InterruptedException {
        return awaitCore(true, unit.toNanos(time)).signalled();
    }

    @Override
    public boolean await(Duration timeout) throws InterruptedException {
        return awaitCore(true, Durations.toNanos(timeout)).signalled();
    }

    @Override
    public boolean awaitUntil(Date deadline) throws InterruptedException {
        return awaitCore(true, Durations.nanosUntil(deadline)).signalled();
    }

    @Override
    public void waitFor(BooleanSupplier predicate) throws InterruptedException {
        Objects.requireNonNull(predicate, "predicate");
        while (!predicate.getAsBoolean()) {
            await();
        }
    }

    @Override
    public boolean waitFor(BooleanSupplier predicate, Duration timeout) throws InterruptedException {
        return waitForNanos(predicate, Durations.toNanos(timeout));
    }

    @Override
    public boolean waitFor(BooleanSupplier predicate, long timeout, TimeUnit unit) throws InterruptedException {
        return waitForNanos(predicate, unit.toNanos(timeout));
    }

    private boolean waitForNanos(BooleanSupplier predicate, long nanos) throws InterruptedException {
        Objects.requireNonNull(predicate, "predicate");
        if (predicate.getAsBoolean()) {
            return true;
        }
        if (nanos <= 0L) {
            return false; // and no deadline: now + Long.MIN_VALUE would overflow
        }
        long deadline = System.nanoTime() + nanos;
        while (true) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return false;
            }
            awaitCore(true, remaining);
            if (predicate.getAsBoolean()) {
                return true;
            }
        }
    }

    @Override
    public CompletableFuture<@Nullable Void> awaitAsync() {
        checkHeld("awaitAsync");
        int base = list();
        lock.release();
        CompletableFuture<@Nullable Void> future = new CompletableFuture<>();
        Thread thread = Thread.ofVirtual().name("weft-ipc-condition-" + name).unstarted(() -> {
            try {
                waitForSignal(base, false, System.nanoTime(), 0L, true);
            } catch (InterruptedException e) {
                future.cancel(false); // the slot was freed: nothing owed
                return;
            } catch (Throwable t) {
                future.completeExceptionally(t);
                return;
            }
            if (future.isDone()) {
                // withdrawn as the signal arrived: pass it on, take no lock
                passOnConsumed();
                return;
            }
            reacquire();
            Thread.interrupted(); // a cancel racing the re-acquire: decided by complete() below
            if (!future.complete(null)) {
                lock.release(); // withdrawn while the lock was being re-acquired
                passOnConsumed();
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

    /** Passes on a signal that this process consumed but will not use. */
    private void passOnConsumed() {
        enter();
        try {
            memory.getAndAddLong(PASSED_ON_OFFSET, 1);
            signalLocked(1);
        } finally {
            latch.leave();
        }
        wakeSleepers();
    }

    @Override
    public void signal() {
        signal(1);
    }

    @Override
    public void signal(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, was " + n);
        }
        checkHeld("signal");
        if (n == 0 || memory.getIntVolatile(WAITING_OFFSET) == 0) {
            return;
        }
        enter();
        try {
            signalLocked(n);
        } finally {
            latch.leave();
        }
        wakeSleepers();
    }

    @Override
    public void signalAll() {
        signal(Integer.MAX_VALUE);
    }

    @Override
    public int waiterCount() {
        return memory.getIntVolatile(WAITING_OFFSET);
    }

    /** Signals passed on from withdrawn or dead waiters (all processes, ever). */
    public long passedOn() {
        return memory.getLongVolatile(PASSED_ON_OFFSET);
    }

    /** Wakes every thread asleep on the wake word (domain close). */
    void wakeAllWaiters() {
        Waiter.wakeAllSleepers(memory, WAKE_OFFSET);
    }

    @Override
    public String toString() {
        if (guard.isClosed() || memory.isClosed()) {
            return "IpcCondition[" + name + ", domain closed]";
        }
        return "IpcCondition[" + name + ", lock=" + lock.name() + ", waiters=" + waiterCount() + "]";
    }
}
