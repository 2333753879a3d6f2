package dev.weft.stress.engine;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.core.internal.WaitEngine;
import dev.weft.core.internal.WaitNode;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/*
 * Goal: the engine's cancellation rule. A thread waits on a node with a deadline a microsecond
 * away (so the timeout races the grant), spinning first; the other actor grants the node and
 * signals it. Exactly one side wins: the wait reports success if and only if the grant
 * succeeded; a lost grant (granted but the wait timed out) or a double owner (the wait succeeded
 * and the grant failed) is forbidden.
 *
 * Run: java -jar stress-tests/target/jcstress.jar -t WaitEngine_01_GrantVsTimeout
 *
 * Observed (the build's bounded run: -m quick -sc false, C2 stress options; 2 shared CPUs,
 * loaded, x86_64, Linux, Temurin 25.0.3):
 *           RESULT       SAMPLES     FREQ  EXPECT
 *             0, 0        31,735   35.96%  Acceptable
 *             1, 1        56,509   64.04%  Acceptable
 */
@JCStressTest
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "The grant came first: the wait owns it.")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "The timeout withdrew the node first: the grant failed.")
@Outcome(expect = FORBIDDEN, desc = "A grant was lost or the wait succeeded without one.")
@State
public class WaitEngine_01_GrantVsTimeout {

    /** A node whose give-up is the engine's status CAS alone. */
    static final class Node extends WaitNode<Void> {
        Node() {
            super(null);
        }
    }

    /** The site: withdraw = cancel the status; spin first. */
    static final WaitEngine.Site<Node> SITE = new WaitEngine.Site<>() {
        @Override
        public boolean giveUp(Node node) {
            return node.cancel();
        }

        @Override
        public boolean spin(Node node) {
            return true;
        }
    };

    private final Node node = new Node();

    @Actor
    public void waiter(II_Result r) {
        try {
            r.r1 = WaitEngine.await(SITE, node, WaitEngine.TIMED, System.nanoTime() + 1_000L) ? 1 : 0;
        } catch (InterruptedException e) {
            r.r1 = -1;
        }
    }

    @Actor
    public void granter(II_Result r) {
        r.r2 = node.grant() ? 1 : 0;
        node.signal();
    }
}
