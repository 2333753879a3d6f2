/*
 * Goal: when a consumer died holding a message (slot READING with a dead token), two "processes"
 * (separate mappings) recovering at the same time deliver it again exactly once: one takes the slot
 * over with its CAS and puts the message back in place; the other's CAS fails and it does nothing.
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests -Dweft.jcstress.args="-m quick -t dev.weft.stress.ipc.IpcQueue"
 *
 * Observed (2 vCPU AMD EPYC VM shared with other builds, Linux 6.18, Temurin 25.0.3, -m quick,
 * back-off wait back-end, all JIT modes summed):
 *   1, 0, 6, 1   6,640,690   ACCEPTABLE
 *   0, 1, 6, 1   3,673,304   ACCEPTABLE
 *   others               0   FORBIDDEN
 */
package dev.weft.stress.ipc;

import dev.weft.ipc.internal.QueueDescriptor;
import dev.weft.ipc.internal.QueueRing;
import dev.weft.ipc.internal.SharedMemory;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

@JCStressTest
@Outcome(id = "1, 0, 6, 1", expect = Expect.ACCEPTABLE, desc = "A recovered the slot; B found it taken over; the message comes once.")
@Outcome(id = "0, 1, 6, 1", expect = Expect.ACCEPTABLE, desc = "B recovered the slot; A found it taken over; the message comes once.")
@Outcome(expect = Expect.FORBIDDEN, desc = "Both or neither recovered, or the message was lost or duplicated.")
@State
public class IpcQueue_05_SingleRedelivery {

    final QueueRing a;
    final QueueRing b;

    public IpcQueue_05_SingleRedelivery() {
        QueueMappings.Pair pair = QueueMappings.newQueue(2);
        a = pair.a();
        b = pair.b();
        QueueMappings.offer(a, 6);
        // A consumer that is now dead claimed position 0 and advanced the head.
        SharedMemory m = a.memory();
        int slots = m.getIntPlain(QueueDescriptor.SLOTS_OFFSET_OFFSET);
        m.setLongVolatile(slots, QueueDescriptor.slotWord(0, QueueDescriptor.READING, TwoMappings.DEAD_TOKEN));
        m.setLongVolatile(QueueDescriptor.HEAD_OFFSET, 1);
    }

    @Actor
    public void processA(IIII_Result r) {
        r.r1 = a.sweep(TwoMappings.DEAD_TOKEN) ? 1 : 0;
    }

    @Actor
    public void processB(IIII_Result r) {
        r.r2 = b.sweep(TwoMappings.DEAD_TOKEN) ? 1 : 0;
    }

    @Arbiter
    public void after(IIII_Result r) {
        r.r3 = QueueMappings.poll(a);
        r.r4 = (int) a.stats().redeliveries();
        if (QueueMappings.poll(b) != 0) {
            r.r4 = -1; // a duplicate
        }
    }
}
