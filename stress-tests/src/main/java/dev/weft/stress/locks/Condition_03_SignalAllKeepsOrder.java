package dev.weft.stress.locks;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.core.sync.Condition;
import dev.weft.core.sync.Lock;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/*
 * Goal: waiters woken by one signalAll take the lock back in the order they were listed, a
 * blocking waiter included, although it runs on in its own thread. The waiter actor waits for a
 * flag in the usual loop around awaitUninterruptibly (a blocking waiter). The signaller actor
 * lists an asynchronous waiter with awaitAsync, notes whether the blocking waiter was listed
 * before it, then sets the flag and calls signalAll under the lock. Whoever gets the lock first
 * takes turn 1. If both were listed, the one listed first must get the lock first; if the
 * blocking waiter was not listed when the signal came, it never waited, and either order is fine
 * (its own acquire may be queued ahead of the signal). The lock must be free at the end. A
 * condition whose woken blocking waiters ask for the lock from their own threads, after waking,
 * shows "1, 2, 0" in about a third of the samples.
 *
 * Run: java -jar stress-tests/target/jcstress.jar -t Condition_03_SignalAllKeepsOrder
 *
 * Observed (the build's bounded run: -m quick -sc false, C2 stress options; 2 shared CPUs,
 * loaded, x86_64, Linux, Temurin 25.0.3):
 *           RESULT       SAMPLES     FREQ  EXPECT
 *          0, 1, 0             3    0.02%  Acceptable
 *          0, 2, 0         9,160   47.25%  Acceptable
 *          1, 1, 0        10,214   52.68%  Acceptable
 *          2, 2, 0            11    0.06%  Acceptable
 */
@JCStressTest
@Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "The blocking waiter came after the signal and did not wait; it took the lock before the async waiter.")
@Outcome(id = "0, 2, 0", expect = ACCEPTABLE, desc = "The blocking waiter came after the signal and did not wait; the async waiter took the lock first.")
@Outcome(id = "1, 1, 0", expect = ACCEPTABLE, desc = "The blocking waiter was listed first and took the lock back first.")
@Outcome(id = "2, 2, 0", expect = ACCEPTABLE, desc = "The async waiter was listed first and took the lock back first.")
@Outcome(id = "1, 2, 0", expect = FORBIDDEN, desc = "The blocking waiter was listed first, but the async waiter took the lock back first.")
@Outcome(id = "2, 1, 0", expect = FORBIDDEN, desc = "The async waiter was listed first, but the blocking waiter took the lock back first.")
@Outcome(expect = FORBIDDEN, desc = "A waiter did not run, or the lock was left held.")
@State
public class Condition_03_SignalAllKeepsOrder {

    /** At most this many spins waiting for the blocking waiter to be listed. */
    private static final int HEAD_START_SPINS = 2_000;

    private final Lock lock = new Lock();
    private final Condition cond = lock.newCondition();
    private boolean go;            // guarded by lock
    private int turns;             // guarded by lock
    private int blockingTurn;      // guarded by lock
    private int asyncTurn;         // guarded by lock
    /** At the signal, the blocking waiter was 0: not listed, 1: listed first, 2: listed second. */
    private int listing;

    @Actor
    public void blockingWaiter() {
        lock.acquireUninterruptibly();
        try {
            while (!go) {
                cond.awaitUninterruptibly();
            }
            blockingTurn = ++turns;
        } finally {
            lock.release();
        }
    }

    @Actor
    public void signaller() {
        // Give the blocking waiter a head start, so that it is often listed first: the case in
        // which it must take the lock back before the async waiter, although the signaller
        // itself queues the async waiter's request. Bounded, so never a wait for the other actor.
        for (int i = 0; i < HEAD_START_SPINS && !cond.hasWaiters(); i++) {
            Thread.onSpinWait();
        }
        lock.acquireUninterruptibly();
        // Only a holder of the lock lists itself, so the list is stable while we hold it.
        boolean blockingListedFirst = cond.waiterCount() == 1;
        cond.awaitAsync().thenRun(() -> {  // releases the lock; runs holding it again
            asyncTurn = ++turns;
            lock.release();
        });
        lock.acquireUninterruptibly();
        try {
            if (blockingListedFirst) {
                listing = 1;
            } else if (cond.waiterCount() == 2) {
                listing = 2;
            }
            go = true;
            cond.signalAll();
        } finally {
            lock.release();
        }
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r1 = listing;
        // 1: the blocking waiter had the lock first, 2: the async waiter did, 0: a waiter did not run.
        r.r2 = blockingTurn == 1 && asyncTurn == 2 ? 1 : asyncTurn == 1 && blockingTurn == 2 ? 2 : 0;
        r.r3 = lock.isLocked() ? 1 : 0;
    }
}
