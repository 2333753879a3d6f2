package dev.weft.stress.locks;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.core.sync.Condition;
import dev.weft.core.sync.Lock;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;

/*
 * Goal: the textbook waitFor/signal protocol always terminates: a thread waiting for a flag under
 * the condition wakes when another thread sets the flag and signals under the lock, whether the
 * signal comes before the wait starts, while the waiter is parking, or after it parked. A lost
 * wake-up in the park/unpark handshake, or a signal that reaches nobody while the waiter is
 * between releasing the lock and listing itself, would show as STALE.
 *
 * Run: java -jar stress-tests/target/jcstress.jar -t Condition_02_SignalWakesBlockedWaiter
 *
 * Observed (the build's bounded run: -m quick -sc false, C2 stress options; 2 shared CPUs,
 * loaded, x86_64, Linux, Temurin 25.0.3):
 *           RESULT       SAMPLES     FREQ  EXPECT
 *       TERMINATED           207  100.00%  Acceptable
 */
@JCStressTest(Mode.Termination)
@Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The waiter saw the flag and left.")
@Outcome(id = "STALE", expect = FORBIDDEN, desc = "The waiter was never woken: lost wake-up.")
@State
public class Condition_02_SignalWakesBlockedWaiter {

    private final Lock lock = new Lock();
    private final Condition cond = lock.newCondition();
    private boolean ready;   // guarded by lock

    @Actor
    public void waiter() throws InterruptedException {
        lock.acquire();
        try {
            cond.waitFor(() -> ready);
        } finally {
            lock.release();
        }
    }

    @Signal
    public void setAndSignal() {
        lock.acquireUninterruptibly();
        try {
            ready = true;
            cond.signal();
        } finally {
            lock.release();
        }
    }
}
