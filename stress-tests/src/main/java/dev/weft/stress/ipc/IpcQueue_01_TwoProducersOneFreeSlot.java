/*
 * Goal: two "processes" (separate mappings, different tokens) offer a message at the same time into
 * a ring of capacity 2 that has exactly one free slot: exactly one offer succeeds, the other sees the
 * queue full, and the queue then holds the old message followed by the winner's, uncorrupted. Checks
 * the slot-claim CAS and the full test (an older lap at the tail), with tail helping in between.
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests -Dweft.jcstress.args="-m quick -t dev.weft.stress.ipc.IpcQueue"
 *
 * Observed (2 vCPU AMD EPYC VM shared with other builds, Linux 6.18, Temurin 25.0.3, -m quick,
 * back-off wait back-end, all JIT modes summed):
 *   1, 0, 9, 1   7,557,069   ACCEPTABLE
 *   0, 1, 9, 2   4,714,387   ACCEPTABLE
 *   others               0   FORBIDDEN
 */
package dev.weft.stress.ipc;

import dev.weft.ipc.internal.QueueRing;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

@JCStressTest
@Outcome(id = "1, 0, 9, 1", expect = Expect.ACCEPTABLE, desc = "A's offer took the free slot; B found the queue full.")
@Outcome(id = "0, 1, 9, 2", expect = Expect.ACCEPTABLE, desc = "B's offer took the free slot; A found the queue full.")
@Outcome(expect = Expect.FORBIDDEN, desc = "Both or neither succeeded, a message was lost, reordered or corrupted.")
@State
public class IpcQueue_01_TwoProducersOneFreeSlot {

    final QueueRing a;
    final QueueRing b;

    public IpcQueue_01_TwoProducersOneFreeSlot() {
        QueueMappings.Pair pair = QueueMappings.newQueue(2);
        a = pair.a();
        b = pair.b();
        QueueMappings.offer(a, 9); // one of the two slots is taken
    }

    @Actor
    public void processA(IIII_Result r) {
        r.r1 = QueueMappings.offer(a, 1) ? 1 : 0;
    }

    @Actor
    public void processB(IIII_Result r) {
        r.r2 = QueueMappings.offer(b, 2) ? 1 : 0;
    }

    @Arbiter
    public void drain(IIII_Result r) {
        r.r3 = QueueMappings.poll(a);
        r.r4 = QueueMappings.poll(a);
        if (QueueMappings.poll(b) != 0) {
            r.r4 = -100; // a third message: forbidden
        }
    }
}
