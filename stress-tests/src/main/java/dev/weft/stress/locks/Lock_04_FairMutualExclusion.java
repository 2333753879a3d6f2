package dev.weft.stress.locks;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.core.sync.Lock;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

/*
 * Goal (fair mode: the strict FIFO hand-off path; Lock_01_MutualExclusion covers the default
 * barging mode): the lock gives mutual exclusion whichever way it is acquired. Two actors increment a
 * plain (non-volatile, non-atomic) counter inside the lock: one takes the lock with the blocking
 * acquire(), the other with acquireAsync().join(); a lost update would show as a count of 1.
 * The release/acquire pair must also make the first increment visible to the second.
 *
 * Run: java -jar stress-tests/target/jcstress.jar -t Lock_04_FairMutualExclusion
 *
 * Observed (the build's bounded run: -m quick -sc false, C2 stress options; 2 shared CPUs,
 * loaded, x86_64, Linux, Temurin 25.0.3):
 *           RESULT       SAMPLES     FREQ  EXPECT
 *                2        63,924  100.00%  Acceptable
 */
@JCStressTest
@Outcome(id = "2", expect = ACCEPTABLE, desc = "Both increments happened, one after the other.")
@Outcome(expect = FORBIDDEN, desc = "An increment was lost: both actors were inside the lock at once, or one did not see the other's write.")
@State
public class Lock_04_FairMutualExclusion {

    private final Lock lock = Lock.fair();
    private int counter;

    @Actor
    public void blocking() {
        lock.acquireUninterruptibly();
        try {
            counter = counter + 1;
        } finally {
            lock.release();
        }
    }

    @Actor
    public void async() {
        lock.acquireAsync().join();
        try {
            counter = counter + 1;
        } finally {
            lock.release();
        }
    }

    @Arbiter
    public void arbiter(I_Result r) {
        r.r1 = counter;
    }
}
