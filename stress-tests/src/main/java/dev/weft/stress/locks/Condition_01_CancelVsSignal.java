package dev.weft.stress.locks;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.core.sync.Condition;
import dev.weft.core.sync.Lock;
import java.util.concurrent.CompletableFuture;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/*
 * Goal: no lost wake-up when a signal races with the cancellation of the waiter it chooses
 * (CPython gh-112202, fixed in 3.13). Two asynchronous waiters are listed in the state's
 * constructor. One actor takes the lock, signals once and releases; the other cancels the first
 * waiter. Whatever the order, one waiter must wake holding the lock: the first (its cancel
 * failed), or the second (the first was withdrawn before the signal, or was chosen and then
 * cancelled, and passed the signal on). The lock must be held exactly once, for the woken waiter.
 *
 * Run: java -jar stress-tests/target/jcstress.jar -t Condition_01_CancelVsSignal
 *
 * Observed (the build's bounded run: -m quick -sc false, C2 stress options; 2 shared CPUs,
 * loaded, x86_64, Linux, Temurin 25.0.3):
 *           RESULT       SAMPLES     FREQ  EXPECT
 *       0, 1, 0, 1       282,783   71.53%  Acceptable
 *       1, 0, 1, 1       112,562   28.47%  Acceptable
 */
@JCStressTest
@Outcome(id = "0, 1, 0, 1", expect = ACCEPTABLE, desc = "The signal woke the first waiter before the cancel; it holds the lock.")
@Outcome(id = "1, 0, 1, 1", expect = ACCEPTABLE, desc = "The first waiter was cancelled (before or after being chosen); the second woke and holds the lock.")
@Outcome(expect = FORBIDDEN, desc = "Lost wake-up (first cancelled, second still waiting), or the lock is free or held for nobody.")
@State
public class Condition_01_CancelVsSignal {

    private final Lock lock = new Lock();
    private final Condition cond = lock.newCondition();
    private final CompletableFuture<?> first;
    private final CompletableFuture<?> second;
    private int cancelled;

    public Condition_01_CancelVsSignal() {
        first = listen();
        second = listen();
    }

    private CompletableFuture<?> listen() {
        lock.acquireUninterruptibly();
        return cond.awaitAsync();   // releases the lock
    }

    @Actor
    public void signaller() {
        lock.acquireUninterruptibly();
        try {
            cond.signal();
        } finally {
            lock.release();
        }
    }

    @Actor
    public void canceller() {
        cancelled = first.cancel(false) ? 1 : 0;
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        r.r1 = cancelled;
        r.r2 = woke(first);
        r.r3 = woke(second);
        r.r4 = lock.isLocked() ? 1 : 0;
    }

    private static int woke(CompletableFuture<?> f) {
        return f.isDone() && !f.isCompletedExceptionally() ? 1 : 0;
    }
}
