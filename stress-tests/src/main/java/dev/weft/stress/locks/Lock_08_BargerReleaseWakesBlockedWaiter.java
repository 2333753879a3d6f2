package dev.weft.stress.locks;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.core.sync.Lock;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;

/*
 * Goal (default mode): a thread blocked in acquire() is woken even when a barger takes the lock
 * that a release freed for it. The lock is held from the state's constructor; the signal
 * releases it and at once barges with tryAcquire(), releasing again if it got the lock. The
 * waiter must end up holding the lock: each release that leaves permits with a parked head wakes
 * it (the waiter's 'parked' flag against the releaser's state CAS, a Dekker handshake), and a
 * barger's release repeats that. A lost wake-up leaves the waiter parked, which jcstress reports
 * as STALE.
 *
 * Run: java -jar stress-tests/target/jcstress.jar -t Lock_08_BargerReleaseWakesBlockedWaiter
 *
 * Observed (the build's bounded run: -m quick -sc false, C2 stress options; 2 shared CPUs,
 * loaded, x86_64, Linux, Temurin 25.0.3):
 *           RESULT       SAMPLES     FREQ  EXPECT
 *       TERMINATED           383  100.00%  Acceptable
 */
@JCStressTest(org.openjdk.jcstress.annotations.Mode.Termination)
@Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The waiter acquired the lock.")
@Outcome(id = "STALE", expect = FORBIDDEN, desc = "The waiter stayed parked: lost wake-up.")
@State
public class Lock_08_BargerReleaseWakesBlockedWaiter {

    private final Lock lock = new Lock();

    public Lock_08_BargerReleaseWakesBlockedWaiter() {
        lock.acquireUninterruptibly();
    }

    @Actor
    public void waiter() throws InterruptedException {
        lock.acquire();
    }

    @Signal
    public void releaseThenBarge() {
        lock.release();
        if (lock.tryAcquire()) {
            lock.release();
        }
    }
}
