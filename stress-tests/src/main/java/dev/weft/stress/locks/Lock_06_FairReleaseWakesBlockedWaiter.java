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
 * Goal (fair mode: the strict FIFO hand-off path; Lock_03_ReleaseWakesBlockedWaiter covers the default
 * barging mode): a thread blocked in acquire() is always woken by the release that hands it the lock.
 * The releaser skips unpark() when the waiter has not parked yet (a Dekker handshake on the
 * waiter's 'parked' and 'status' fields); a wrong handshake would leave the waiter parked
 * forever, which jcstress reports as STALE.
 *
 * Run: java -jar stress-tests/target/jcstress.jar -t Lock_06_FairReleaseWakesBlockedWaiter
 *
 * Observed (the build's bounded run: -m quick -sc false, C2 stress options; 2 shared CPUs,
 * loaded, x86_64, Linux, Temurin 25.0.3):
 *           RESULT       SAMPLES     FREQ  EXPECT
 *       TERMINATED           206  100.00%  Acceptable
 */
@JCStressTest(org.openjdk.jcstress.annotations.Mode.Termination)
@Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The release woke the waiter, which acquired the lock.")
@Outcome(id = "STALE", expect = FORBIDDEN, desc = "The waiter stayed parked: lost wake-up.")
@State
public class Lock_06_FairReleaseWakesBlockedWaiter {

    private final Lock lock = Lock.fair();

    public Lock_06_FairReleaseWakesBlockedWaiter() {
        lock.acquireUninterruptibly();
    }

    @Actor
    public void waiter() throws InterruptedException {
        lock.acquire();
    }

    @Signal
    public void release() {
        lock.release();
    }
}
