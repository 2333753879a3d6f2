package dev.weft.stress.engine;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.core.internal.WaitEngine;
import dev.weft.core.internal.WaitNode;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;

/*
 * Goal: the engine's wake-up handshake. A thread waits (uninterruptibly, without spinning) on a
 * node of its own; the signal grants it and calls signal(), which unparks only if the waiter
 * announced parking. The waiter announces, then re-reads the status; the granter writes the
 * status, then reads the announcement. A wrong handshake leaves the waiter parked, which
 * jcstress reports as STALE.
 *
 * Run: java -jar stress-tests/target/jcstress.jar -t WaitEngine_02_GrantWakesParked
 *
 * Observed (the build's bounded run: -m quick -sc false, C2 stress options; 2 shared CPUs,
 * loaded, x86_64, Linux, Temurin 25.0.3):
 *           RESULT       SAMPLES     FREQ  EXPECT
 *       TERMINATED           192  100.00%  Acceptable
 */
@JCStressTest(org.openjdk.jcstress.annotations.Mode.Termination)
@Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The grant woke the waiter.")
@Outcome(id = "STALE", expect = FORBIDDEN, desc = "The waiter stayed parked: lost wake-up.")
@State
public class WaitEngine_02_GrantWakesParked {

    /** A node made for the waiting actor's thread when it starts waiting. */
    static final class Node extends WaitNode<Void> {
        Node() {
            super();
        }
    }

    static final WaitEngine.Site<Node> SITE = node -> node.cancel();

    private volatile Node node;

    @Actor
    public void waiter() throws InterruptedException {
        Node n = new Node();
        node = n;
        WaitEngine.await(SITE, n, WaitEngine.UNINTERRUPTIBLE, 0L);
    }

    @Signal
    public void grant() {
        Node n;
        while ((n = node) == null) {
            Thread.onSpinWait();
        }
        n.grant();
        n.signal();
    }
}
