package dev.weft.ipc.internal;

import static dev.weft.ipc.internal.BarrierDescriptor.ABORTED;
import static dev.weft.ipc.internal.BarrierDescriptor.ARRIVALS_OFFSET;
import static dev.weft.ipc.internal.BarrierDescriptor.BROKEN;
import static dev.weft.ipc.internal.BarrierDescriptor.BROKEN_OFFSET;
import static dev.weft.ipc.internal.BarrierDescriptor.DEATHS_OFFSET;
import static dev.weft.ipc.internal.BarrierDescriptor.FREE;
import static dev.weft.ipc.internal.BarrierDescriptor.GENERATION_OFFSET;
import static dev.weft.ipc.internal.BarrierDescriptor.INTACT;
import static dev.weft.ipc.internal.BarrierDescriptor.LATCH_OFFSET;
import static dev.weft.ipc.internal.BarrierDescriptor.PARTIES_OFFSET;
import static dev.weft.ipc.internal.BarrierDescriptor.PARTY_DIED;
import static dev.weft.ipc.internal.BarrierDescriptor.PASSED;
import static dev.weft.ipc.internal.BarrierDescriptor.SLEEPERS_OFFSET;
import static dev.weft.ipc.internal.BarrierDescriptor.SLOTS;
import static dev.weft.ipc.internal.BarrierDescriptor.SLOT_INDEX;
import static dev.weft.ipc.internal.BarrierDescriptor.SLOT_OWNER;
import static dev.weft.ipc.internal.BarrierDescriptor.SLOT_SEQUENCE;
import static dev.weft.ipc.internal.BarrierDescriptor.SLOT_STATE;
import static dev.weft.ipc.internal.BarrierDescriptor.WAITING;
import static dev.weft.ipc.internal.BarrierDescriptor.WAITING_OFFSET;
import static dev.weft.ipc.internal.BarrierDescriptor.WAKE_OFFSET;
import static dev.weft.ipc.internal.BarrierDescriptor.slotOffset;

import dev.weft.core.internal.Durations;
import dev.weft.core.internal.WaitEvent;
import dev.weft.ipc.barrier.IpcBarrier;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link IpcBarrier} on a shared mapping ({@link BarrierDescriptor}).
 */
public final class MappedBarrier implements IpcBarrier {

    /*
     * Implementation notes
     *
     * Overview
     *   Core's Barrier, with the list of waiting parties replaced by slots in the mapping and its
     *   ReentrantLock by a SharedLatch. An arrival lists itself in a free slot (WAITING, its token, an
     *   arrival sequence number), or, as the last party, trips the cycle: it gives every WAITING slot
     *   its index (rank by sequence number) and marks it PASSED. Abort and reset mark the WAITING slots
     *   BROKEN. Leaving (interrupt, timeout) frees the slot if it is still WAITING. Every change is
     *   made under the latch and followed by an increment of the wake word, on which parties sleep.
     *
     * Invariants (outside the latch)
     *   - waiting == number of WAITING slots < parties; broken != INTACT implies waiting == 0.
     *   - A slot is owned by one party from its arrival until it has read its outcome (it then frees
     *     the slot), or until the owner is found dead.
     *
     * Linearization points
     *   await: the critical section that lists, trips or throws because broken. leave: the critical
     *   section that frees a WAITING slot. abort, reset, break by a dead party: their critical section.
     *
     * Memory ordering
     *   Slot state: volatile store of PASSED/BROKEN (after the plain index) and volatile read by its
     *   owner: the Dekker pair with the owner's volatile store of sleepers, against the tripper's
     *   volatile read of sleepers after leaving the latch. Other cycle words: inside the latch; read
     *   outside it with volatile reads (snapshots). wake: CAS increments, read before the state.
     *
     * Blocking and cancellation
     *   A party reads the wake word, publishes the sleepers flag, reads its slot state, and sleeps in
     *   the Waiter on the wake word value it read. Once per liveness slice it probes the owners of the
     *   WAITING slots and breaks the barrier if one is dead. An interrupt or a timeout leaves only if
     *   the slot is still WAITING under the latch; otherwise the outcome stands (index returned, or
     *   broken reported, with the interrupt status set again).
     *
     * Progress
     *   Blocking. A participant that dies inside the latch is detected within one liveness slice and
     *   breaks the barrier (SharedLatch takeover).
     */

    private final String name;
    private final SharedMemory memory;
    private final Liveness liveness;
    private final Waiter waiter;
    private final long sliceNanos;
    private final DomainGuard guard;
    private final int token;
    private final int parties;
    private final SharedLatch latch;

    /** Creates a barrier on {@code memory}, which must hold a checked barrier layout. */
    public MappedBarrier(String name, SharedMemory memory, Liveness liveness, Waiter waiter, long sliceNanos,
            DomainGuard guard) {
        this.name = Objects.requireNonNull(name);
        this.memory = Objects.requireNonNull(memory);
        this.liveness = Objects.requireNonNull(liveness);
        this.waiter = Objects.requireNonNull(waiter);
        this.sliceNanos = sliceNanos;
        this.guard = Objects.requireNonNull(guard);
        this.token = liveness.token();
        this.parties = memory.getIntPlain(PARTIES_OFFSET);
        if (parties < 1 || parties > BarrierDescriptor.MAX_PARTIES) {
            throw new IllegalStateException("barrier '" + name + "' in " + memory.path() + " is damaged: parties expected 1.."
                    + BarrierDescriptor.MAX_PARTIES + " but was " + parties);
        }
        this.latch = new SharedLatch(memory, LATCH_OFFSET, liveness, guard, sliceNanos);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int await() throws InterruptedException, BrokenBarrierException {
        try {
            return awaitCore(false, 0L);
        } catch (TimeoutException impossible) {
            throw new AssertionError(impossible);
        }
    }

    @Override
    public int await(Duration timeout) throws InterruptedException, BrokenBarrierException, TimeoutException {
        return awaitCore(true, Durations.toNanos(timeout));
    }

    @Override
    public int await(long timeout, TimeUnit unit) throws InterruptedException, BrokenBarrierException, TimeoutException {
        return awaitCore(true, unit.toNanos(timeout));
    }

    private int awaitCore(boolean timed, long nanos) throws InterruptedException, BrokenBarrierException, TimeoutException {
        guard.check();
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        final SharedMemory m = memory;
        final long start = System.nanoTime();
        final long deadline = timed ? start + nanos : 0L;
        int slot;
        while (true) {
            boolean tripped = false;
            slot = -1;
            enter();
            try {
                int broken = m.getIntPlain(BROKEN_OFFSET);
                if (broken != INTACT) {
                    throw brokenException(broken, "on arrival");
                }
                int waiting = m.getIntPlain(WAITING_OFFSET);
                if (waiting + 1 >= parties) {
                    tripLocked();
                    tripped = true;
                } else {
                    if (timed && nanos <= 0L) {
                        throw new TimeoutException("Barrier did not trip: " + (waiting + 1) + " of " + parties
                                + " parties would have been waiting, and the timeout was " + nanos + " ns");
                    }
                    slot = listLocked();
                }
            } finally {
                latch.leave();
            }
            if (tripped) {
                wakeSleepers();
                return parties - 1;
            }
            if (slot >= 0) {
                break;
            }
            freeDeadSlots(); // every slot is in transit: wait for parties to collect their outcome
            Thread.yield();
            guard.check();
        }
        if (CrashPoints.ENABLED) {
            CrashPoints.reach("barrier.waiting");
        }
        WaitEvent event = WaitEvent.start();
        if (event == null) {
            return awaitListed(slotOffset(slot), timed, nanos, start, deadline);
        }
        String outcome = WaitEvent.FAILED;
        try {
            int index = awaitListed(slotOffset(slot), timed, nanos, start, deadline);
            outcome = "passed";
            return index;
        } catch (BrokenBarrierException e) {
            outcome = "broken";
            throw e;
        } catch (TimeoutException e) {
            outcome = "timed out";
            throw e;
        } finally {
            WaitEvent.end(event, "IpcBarrier", name, "await", outcome);
        }
    }

    /**
     * The wait of a party listed at slot offset {@code base} until the cycle trips or breaks, or
     * (if {@code timed}) the deadline passes.
     */
    private int awaitListed(int base, boolean timed, long nanos, long start, long deadline)
            throws InterruptedException, BrokenBarrierException, TimeoutException {
        final SharedMemory m = memory;
        boolean reInterrupt = false;
        long lastProbe = start;
        while (true) {
            int seen = m.getIntVolatile(WAKE_OFFSET);
            long waited = System.nanoTime() - start;
            if (waiter.willSleep(waited) && m.getIntVolatile(SLEEPERS_OFFSET) == 0) {
                m.setIntVolatile(SLEEPERS_OFFSET, 1);
            }
            int state = m.getIntVolatile(base + SLOT_STATE);
            if (state == PASSED) {
                int index = m.getIntPlain(base + SLOT_INDEX);
                m.setIntRelease(base + SLOT_STATE, FREE);
                if (reInterrupt) {
                    Thread.currentThread().interrupt();
                }
                return index;
            }
            if (state == BROKEN) {
                m.setIntRelease(base + SLOT_STATE, FREE);
                if (reInterrupt) {
                    Thread.currentThread().interrupt();
                }
                throw brokenException(m.getIntVolatile(BROKEN_OFFSET), "while waiting");
            }
            long now = System.nanoTime();
            if (now - lastProbe >= sliceNanos) {
                lastProbe = now;
                breakIfAPartyDied();
                continue;
            }
            if (timed && now - deadline >= 0) {
                if (leave(base)) {
                    throw new TimeoutException("Barrier did not trip within " + nanos + " ns (overshoot "
                            + (now - deadline) + " ns): " + this);
                }
                continue; // tripped or broken meanwhile
            }
            guard.check();
            long sliceEnd = lastProbe + sliceNanos;
            long until = timed && deadline - sliceEnd < 0 ? deadline : sliceEnd;
            try {
                waiter.await(m, WAKE_OFFSET, seen, until, waited);
            } catch (InterruptedException e) {
                if (leave(base)) {
                    throw e;
                }
                reInterrupt = true; // the cycle tripped or broke first
            }
        }
    }

    private BrokenBarrierException brokenException(int reason, String when) {
        String why = switch (reason) {
            case ABORTED -> "aborted";
            case PARTY_DIED -> "broken: a party died while waiting";
            default -> "reset";
        };
        return new BrokenBarrierException("Barrier '" + name + "' " + why + " (" + when + ")");
    }

    /** Lists this party in a free slot; returns the slot, or -1 if none is free. Inside the latch. */
    private int listLocked() {
        final SharedMemory m = memory;
        long seq = m.getLongPlain(ARRIVALS_OFFSET);
        int first = (int) Long.remainderUnsigned(seq, SLOTS);
        for (int k = 0; k < SLOTS; k++) {
            int i = (first + k) % SLOTS;
            int base = slotOffset(i);
            if (m.getIntPlain(base + SLOT_STATE) == FREE) {
                m.setIntRelease(base + SLOT_OWNER, token);
                m.setLongRelease(base + SLOT_SEQUENCE, seq);
                m.setIntRelease(base + SLOT_STATE, WAITING);
                m.setLongRelease(ARRIVALS_OFFSET, seq + 1);
                m.setIntRelease(WAITING_OFFSET, m.getIntPlain(WAITING_OFFSET) + 1);
                return i;
            }
        }
        return -1;
    }

    /** Releases every waiting party with its index (rank by arrival) and starts the next cycle. */
    private void tripLocked() {
        final SharedMemory m = memory;
        int n = m.getIntPlain(WAITING_OFFSET);
        long[] order = new long[Math.max(0, Math.min(n, SLOTS))];
        int found = 0;
        for (int i = 0; i < SLOTS && found < order.length; i++) {
            int base = slotOffset(i);
            if (m.getIntPlain(base + SLOT_STATE) == WAITING) {
                // sequence in the high bits, slot in the low 10: sorting ranks by arrival
                order[found++] = (m.getLongPlain(base + SLOT_SEQUENCE) << 10) | i;
            }
        }
        Arrays.sort(order, 0, found);
        for (int rank = 0; rank < found; rank++) {
            int base = slotOffset((int) (order[rank] & (SLOTS - 1)));
            m.setIntRelease(base + SLOT_INDEX, rank);
            m.setIntVolatile(base + SLOT_STATE, PASSED);
        }
        m.setIntRelease(WAITING_OFFSET, 0);
        m.setIntRelease(GENERATION_OFFSET, m.getIntPlain(GENERATION_OFFSET) + 1);
        bumpWake();
        if (CrashPoints.ENABLED) {
            CrashPoints.reach("barrier.tripped");
        }
    }

    /** Fails every waiting party and records {@code reason}; inside the latch. */
    private void breakLocked(int reason) {
        final SharedMemory m = memory;
        m.setIntRelease(BROKEN_OFFSET, reason);
        for (int i = 0; i < SLOTS; i++) {
            int base = slotOffset(i);
            if (m.getIntPlain(base + SLOT_STATE) == WAITING) {
                m.setIntVolatile(base + SLOT_STATE, BROKEN);
            }
        }
        m.setIntRelease(WAITING_OFFSET, 0);
        m.setIntRelease(GENERATION_OFFSET, m.getIntPlain(GENERATION_OFFSET) + 1);
        bumpWake();
    }

    /** Makes the party of the slot at {@code base} leave, if it is still waiting. */
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

    /** Enters the latch; a dead previous holder may have left the cycle half-changed: break it. */
    private void enter() {
        if (latch.enter()) {
            breakLocked(PARTY_DIED);
            memory.getAndAddLong(DEATHS_OFFSET, 1);
        }
    }

    /** Breaks the barrier if the owner of a waiting slot is dead; frees dead owners' finished slots. */
    private void breakIfAPartyDied() {
        final SharedMemory m = memory;
        boolean died = false;
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
            enter();
            try {
                int now = m.getIntPlain(base + SLOT_STATE);
                if (m.getIntPlain(base + SLOT_OWNER) == owner) {
                    if (now == WAITING) {
                        breakLocked(PARTY_DIED);
                        m.getAndAddLong(DEATHS_OFFSET, 1);
                        died = true;
                    }
                    if (m.getIntPlain(base + SLOT_STATE) != FREE) {
                        m.setIntRelease(base + SLOT_STATE, FREE);
                    }
                }
            } finally {
                latch.leave();
            }
        }
        if (died) {
            wakeSleepers();
        }
    }

    /** Frees the finished slots of dead owners (when every slot is in use). */
    private void freeDeadSlots() {
        breakIfAPartyDied();
    }

    private void bumpWake() {
        final SharedMemory m = memory;
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

    /**
     * Arrives on a virtual thread of its own, which holds no carrier while it waits. Cancelling the
     * future (or completing it any other way) interrupts that thread, which leaves the cycle unless
     * it tripped first (then the party was counted and the future stays cancelled).
     */
    @Override
    public CompletableFuture<Integer> awaitAsync() {
        guard.check();
        CompletableFuture<Integer> future = new CompletableFuture<>();
        Thread thread = Thread.ofVirtual().name("weft-ipc-barrier-" + name).unstarted(() -> {
            try {
                future.complete(await());
            } catch (InterruptedException e) {
                future.cancel(false); // only a completion by someone else interrupts this thread
            } catch (Throwable t) {
                future.completeExceptionally(t);
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
    public void abort() {
        guard.check();
        enter();
        try {
            breakLocked(ABORTED);
        } finally {
            latch.leave();
        }
        wakeSleepers();
    }

    @Override
    public void reset() {
        guard.check();
        enter();
        try {
            breakLocked(INTACT);
        } finally {
            latch.leave();
        }
        wakeSleepers();
    }

    @Override
    public int parties() {
        return parties;
    }

    @Override
    public int waiterCount() {
        return memory.getIntVolatile(WAITING_OFFSET);
    }

    @Override
    public boolean isBroken() {
        return memory.getIntVolatile(BROKEN_OFFSET) != INTACT;
    }

    /** How many times a dead party broke this barrier (all processes, ever). */
    public long deaths() {
        return memory.getLongVolatile(DEATHS_OFFSET);
    }

    /** Wakes every thread asleep on the wake word (domain close), without touching the mapping. */
    void wakeAllWaiters() {
        Waiter.wakeAllSleepers(memory, WAKE_OFFSET);
    }

    @Override
    public String toString() {
        if (guard.isClosed() || memory.isClosed()) {
            return "IpcBarrier[" + name + ", domain closed]";
        }
        return "IpcBarrier[" + name + ", parties=" + parties
                + (isBroken() ? ", broken" : ", waiting=" + waiterCount()) + "]";
    }
}
