/*
 * Goal: two "processes" (separate mappings, different tokens) poll a ring holding one message at the
 * same time: exactly one gets it, whole; the other finds the queue empty; afterwards the queue is
 * empty and accepts and delivers the next message (head helping and the FREE(lap + 1) release).
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests -Dweft.jcstress.args="-m quick -t dev.weft.stress.ipc.IpcQueue"
 *
 * Observed (2 vCPU AMD EPYC VM shared with other builds, Linux 6.18, Temurin 25.0.3, -m quick,
 * back-off wait back-end, all JIT modes summed):
 *   7, 0, 8      7,348,579   ACCEPTABLE
 *   0, 7, 8      4,511,655   ACCEPTABLE
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
import org.openjdk.jcstress.infra.results.III_Result;

@JCStressTest
@Outcome(id = "7, 0, 8", expect = Expect.ACCEPTABLE, desc = "A took the message; B found the queue empty; the next message flows.")
@Outcome(id = "0, 7, 8", expect = Expect.ACCEPTABLE, desc = "B took the message; A found the queue empty; the next message flows.")
@Outcome(expect = Expect.FORBIDDEN, desc = "Both or neither took it, it was corrupted, or the queue was left inconsistent.")
@State
public class IpcQueue_02_TwoConsumersOneMessage {

    final QueueRing a;
    final QueueRing b;

    public IpcQueue_02_TwoConsumersOneMessage() {
        QueueMappings.Pair pair = QueueMappings.newQueue(2);
        a = pair.a();
        b = pair.b();
        QueueMappings.offer(a, 7);
    }

    @Actor
    public void processA(III_Result r) {
        r.r1 = QueueMappings.poll(a);
    }

    @Actor
    public void processB(III_Result r) {
        r.r2 = QueueMappings.poll(b);
    }

    @Arbiter
    public void after(III_Result r) {
        if (QueueMappings.poll(a) != 0 || !QueueMappings.offer(b, 8)) {
            r.r3 = -1;
            return;
        }
        r.r3 = QueueMappings.poll(a);
    }
}
