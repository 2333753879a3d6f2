package dev.weft.ipc.internal;

import java.util.concurrent.locks.LockSupport;

/**
 * A short-hold spin lock on one word of a shared mapping, for critical sections of a few dozen
 * instructions that never call the kernel (the semaphore's pool, the barrier's cycle): 0 means
 * free, otherwise the word holds the token of the participant inside.
 *
 * <p>{@link #enter()} is one CAS when the latch is free. Otherwise it spins, then yields, then parks
 * for {@link #PARK_NANOS} at a time; after one liveness slice with the same holder it probes the
 * holder, and takes the latch over from a dead one with one CAS from its exact token (so of several
 * recoverers exactly one wins), telling the caller, which must then repair what the dead holder may
 * have left half-written. A live holder, even a stopped one, is waited for. {@link #leave()} is a
 * volatile store, ordered before the caller's following volatile reads (the Dekker half that the
 * sleeper flags of the barrier rely on); {@link #leaveRelease()} is a release store, for callers
 * whose flags are always published before their writer enters the latch (the semaphore's).
 */
final class SharedLatch {

    /** Busy spins before yielding. */
    private static final int SPINS = 64;
    /** Yields before parking. */
    private static final int YIELDS = 32;
    /** One park after spinning and yielding: short, since a live holder leaves within instructions. */
    static final long PARK_NANOS = 20_000;

    private final SharedMemory memory;
    private final int offset;
    private final Liveness liveness;
    private final DomainGuard guard;
    private final long sliceNanos;
    private final int token;

    SharedLatch(SharedMemory memory, int offset, Liveness liveness, DomainGuard guard, long sliceNanos) {
        this.memory = memory;
        this.offset = offset;
        this.liveness = liveness;
        this.guard = guard;
        this.sliceNanos = sliceNanos;
        this.token = liveness.token();
    }

    /**
     * Enters the critical section, waiting for the holder to leave (or to be proved dead).
     *
     * @return {@code true} if the latch was taken over from a dead holder: the caller must repair
     * @throws IllegalStateException if the domain is closed while waiting (nothing is held)
     */
    boolean enter() {
        return !memory.casInt(offset, 0, token) && enterContended(); // small, so inlined into callers' fast paths
    }

    /** {@link #enter()} after the first CAS failed. */
    private boolean enterContended() {
        final SharedMemory m = memory;
        int spins = 0;
        int observed = 0;
        long observedSince = 0L;
        while (true) {
            int v = m.getIntVolatile(offset);
            if (v == 0) {
                if (m.casInt(offset, 0, token)) {
                    return false;
                }
                continue;
            }
            if (v != observed) {
                observed = v;
                observedSince = System.nanoTime();
                spins = 0;
            }
            if (spins < SPINS) {
                Thread.onSpinWait();
            } else if (spins < SPINS + YIELDS) {
                Thread.yield();
            } else {
                guard.check();
                if (v != token && System.nanoTime() - observedSince >= sliceNanos) {
                    observedSince = System.nanoTime();
                    if (liveness.isDead(v) && m.casInt(offset, v, token)) {
                        return true;
                    }
                }
                LockSupport.parkNanos(this, PARK_NANOS);
            }
            spins++;
        }
    }

    /** Leaves the critical section. */
    void leave() {
        memory.setIntVolatile(offset, 0);
    }

    /**
     * Leaves the critical section with a release store: the next participant to enter sees every
     * write made inside, but the caller's following reads may be performed before the store is
     * seen by the others (no store-load fence). Enough where every participant whose flag the
     * caller reads after leaving publishes that flag before it enters the latch: the latch's
     * entering CAS then orders the two (the flag is written before a critical section that
     * precedes the caller's, or the caller's writes precede that participant's critical section).
     */
    void leaveRelease() {
        memory.setIntRelease(offset, 0);
    }
}
