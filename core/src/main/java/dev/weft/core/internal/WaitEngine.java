package dev.weft.core.internal;

import java.util.concurrent.locks.LockSupport;

/**
 * The one blocking wait of Weft's primitives: a thread waits on its {@link WaitNode} until the
 * node is granted or the primitive says it may finish by itself, spinning first where that pays,
 * then parking; with interruptible, uninterruptible and timed modes, and one rule for giving up.
 * The asynchronous form needs no engine: the node is (or holds) the future, and a grant completes
 * it.
 *
 * <p>The primitive supplies a {@link Site}: its readiness test (for a primitive whose waiters
 * finish by their own action, such as a barging lock whose head claims free permits), the action
 * itself, the give-up (withdraw the node under the primitive's own rules), and whether to spin or
 * to yield before parking.
 *
 * <p>Not API: exported only to Weft's own modules.
 */
public final class WaitEngine {

    /*
     * The wait loop.
     *   spin (if the site says so), or else yield (if the site says so, platform threads only),
     *   then loop:
     *     granted, or ready and finished by the site -> return true
     *     timed and past the deadline -> give up: withdrawn -> return false; else granted: true
     *     announce parked; re-check granted / ready; park (timed: at most the time left)
     *     withdraw the announcement
     *     interrupted: uninterruptible -> remember, re-assert on return; else give up:
     *       withdrawn -> throw InterruptedException; else granted: re-assert, return true
     *     else spin again if the site says so (woken early, or spuriously)
     *
     * No lost wake-up: the announcement (a volatile write) comes before the re-check (volatile
     * reads of the status and of whatever ready() reads); whoever grants or makes the node ready
     * writes first and reads the announcement after (WaitNode.signal, WaitNode.takeParked).
     *
     * Cancellation rule: a give-up and a grant are decided by one CAS each on the status word
     * (or, for a primitive that changes statuses under its own lock, in one critical section);
     * exactly one wins. The loser of a give-up owns what was granted: an interrupt is re-asserted
     * and the wait reports success; a timeout reports success.
     *
     * Spinning: SPIN_NANOS of Thread.onSpinWait, checking the node and the site every spin and
     * the clock and the interrupt status every 64 spins. A hand-off to a spinning waiter costs a
     * few cache-line transfers; to a parked one, an unpark plus the scheduler's wake-up latency,
     * several to tens of microseconds; 10 us is about one park/unpark round trip, so a waiter
     * that spins in vain wastes at most what parking at once would have cost. Whether to spin is
     * the site's decision (spinning only helps waiters that can run beside the holder:
     * WaitEngine.spinPays gives the usual rule).
     *
     * Yielding: a site that does not spin may instead have the thread yield YIELDS_BEFORE_PARK
     * times, re-checking the node after each yield, before it first parks (not after later
     * wake-ups); the site decides per node, so per kind of thread. It suits a primitive whose
     * waiter is decided by a thread that needs a processor to run, as the other side of a queue
     * on a busy machine: the yield often lets that thread run first, which saves the park and its
     * unpark (about +45% throughput for AsyncQueue's 1P1C on platform threads on 2 cores with its
     * lock-based store, docs/queue.md); on an idle core a yield returns at once, so it costs a few
     * hundred nanoseconds per wait. A virtual thread's yield hands its carrier to the next virtual
     * thread the scheduler has queued, often the deciding side, and costs far less than a park
     * and the unpark that resubmits it (AsyncQueue's ring mode, 2P2C on virtual threads: about
     * +30-75%). Platform threads of the same side can do each other harm: they yield to each other
     * and keep the deciding side waiting (AsyncQueue's ring mode therefore has platform threads
     * park at once).
     */

    /** The wait responds to interrupts: withdraws and throws. */
    public static final int INTERRUPTIBLE = 0;
    /** The wait defers interrupts until it returns. */
    public static final int UNINTERRUPTIBLE = 1;
    /** As INTERRUPTIBLE, and gives up at a deadline. */
    public static final int TIMED = 2;

    /** Number of CPUs. */
    public static final int NCPU = Runtime.getRuntime().availableProcessors();

    /** How long a waiter spins before it parks; see the notes. */
    public static final long SPIN_NANOS = 10_000L;

    /** How many times a yielding platform thread yields before it first parks; see the notes. */
    public static final int YIELDS_BEFORE_PARK = 2;

    private WaitEngine() {}

    /** A primitive's side of a wait. */
    public interface Site<N extends WaitNode<?>> {

        /**
         * Whether {@code node} may finish its wait by the primitive's own action now (for
         * example: it is at the head of a barging queue and enough permits are free). Called
         * after the node announced parking, so it must read the state that the primitive's
         * wakers write before they look at the announcement. The default: never.
         */
        default boolean ready(N node) {
            return false;
        }

        /**
         * Finishes the wait of a {@link #ready} node by the primitive's own action.
         *
         * @return whether the node now owns what it waited for (by this action, or granted)
         */
        default boolean finish(N node) {
            return node.status() == WaitNode.GRANTED;
        }

        /**
         * Withdraws the node.
         *
         * @return true if withdrawn (it owns nothing), false if it was granted first (the wait
         *     then succeeds, even if the grant has not reached the node's status yet: a
         *     primitive that detaches nodes under its lock and grants them after unlocking
         *     answers false for a detached node)
         */
        boolean giveUp(N node);

        /** Whether the node should spin before it parks (now, or after a wake-up). */
        default boolean spin(N node) {
            return false;
        }

        /**
         * Whether the node, when it does not {@link #spin}, should yield its processor (a virtual
         * thread: its carrier) {@link #YIELDS_BEFORE_PARK} times before it first parks. Called in
         * the waiting thread, so the answer may depend on its kind. The default: no.
         */
        default boolean yieldFirst(N node) {
            return false;
        }
    }

    /**
     * The usual rule for spinning: only with more than one CPU, and for a virtual thread (whose
     * spinning holds its carrier) only at the head of the queue.
     *
     * @param position the waiter's place in its queue, 1 for the head
     * @param maxPosition the furthest place from which a platform thread spins
     */
    public static boolean spinPays(Thread t, int position, int maxPosition) {
        return NCPU > 1 && (t.isVirtual() ? position == 1 : position <= maxPosition);
    }

    /**
     * As {@link #await(Site, WaitNode, int, long)}, recording a {@link WaitEvent} for a wait that
     * lasts past the event's threshold while a recording enables it.
     *
     * @param primitive the kind of object waited on, e.g. {@code Lock}
     * @param operation what waits, e.g. {@code acquire}
     * @param owner the object waited on, named in the event by its kind and identity hash
     */
    public static <N extends WaitNode<?>> boolean await(String primitive, String operation, Object owner, Site<N> site,
            N node, int mode, long deadline) throws InterruptedException {
        WaitEvent event = WaitEvent.start();
        if (event == null) {
            return await(site, node, mode, deadline);
        }
        String outcome = WaitEvent.FAILED;
        try {
            boolean done = await(site, node, mode, deadline);
            outcome = done ? "granted" : "timed out";
            return done;
        } finally {
            WaitEvent.endLocal(event, primitive, owner, operation, outcome);
        }
    }

    /**
     * Waits on {@code node}, which the caller has made visible to its wakers, in {@code mode}.
     *
     * @param deadline the {@link System#nanoTime()} deadline, for TIMED
     * @return true once the node owns what it waited for; false if TIMED and the deadline passed
     *     (the node was withdrawn)
     * @throws InterruptedException if interrupted (INTERRUPTIBLE, TIMED) and the node was
     *     withdrawn; the interrupt status is cleared
     */
    public static <N extends WaitNode<?>> boolean await(Site<N> site, N node, int mode, long deadline)
            throws InterruptedException {
        final boolean timed = mode == TIMED;
        if (site.spin(node)) {
            spin(site, node, timed, deadline);
        } else if (site.yieldFirst(node)) {
            for (int i = YIELDS_BEFORE_PARK; i > 0 && node.status() == WaitNode.WAITING && !site.ready(node); i--) {
                Thread.yield();
            }
        }
        boolean deferredInterrupt = false;
        for (;;) {
            if (node.status() == WaitNode.GRANTED || (site.ready(node) && site.finish(node))) {
                if (deferredInterrupt) {
                    Thread.currentThread().interrupt();
                }
                return true;
            }
            long remaining = 0L;
            if (timed) {
                remaining = deadline - System.nanoTime();
                if (remaining <= 0L) {
                    if (site.giveUp(node)) {
                        return false;
                    }
                    // Granted before the timeout could withdraw the node: the wait succeeded.
                    if (deferredInterrupt) {
                        Thread.currentThread().interrupt();
                    }
                    return true;
                }
            }
            node.setParked(true);
            if (node.status() == WaitNode.WAITING && !site.ready(node)) {
                if (timed) {
                    LockSupport.parkNanos(site, remaining);
                } else {
                    LockSupport.park(site);
                }
            }
            node.setParked(false);
            if (Thread.interrupted()) {
                if (mode == UNINTERRUPTIBLE) {
                    deferredInterrupt = true;
                } else if (site.giveUp(node)) {
                    throw new InterruptedException();
                } else {
                    // Granted before the interrupt could withdraw the node: keep what was
                    // granted and leave the interrupt for the caller to see.
                    Thread.currentThread().interrupt();
                    return true;
                }
            } else if (site.spin(node)) {
                spin(site, node, timed, deadline);
            }
        }
    }

    /**
     * Watches the node for up to {@link #SPIN_NANOS} (and not past a TIMED deadline) for a grant
     * or readiness; returns early on either or on an interrupt, which the caller then handles.
     */
    private static <N extends WaitNode<?>> void spin(Site<N> site, N node, boolean timed, long deadline) {
        final long start = System.nanoTime();
        final Thread self = Thread.currentThread();
        int i = 0;
        while (node.status() == WaitNode.WAITING && !site.ready(node)) {
            Thread.onSpinWait();
            if ((++i & 63) == 0) {   // every 64 spins: a few microseconds at most
                long now = System.nanoTime();
                if (now - start >= SPIN_NANOS || (timed && now - deadline >= 0L) || self.isInterrupted()) {
                    return;
                }
            }
        }
    }
}
