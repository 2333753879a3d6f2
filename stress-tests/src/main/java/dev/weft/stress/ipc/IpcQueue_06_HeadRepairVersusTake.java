/*
 * Goal: a head hint damaged ahead of a committed message (it hides message 1; message 2 is at the
 * head) is repaired by one "process" (a janitor pass: an audit of the hints against the slots) while
 * the other takes from the queue, itself running into the damage and repairing in line. Every
 * message is delivered exactly once, whole; none stays hidden (after a last, quiet audit).
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests -Dweft.jcstress.skip=false -Dweft.jcstress.args="-m quick -t dev.weft.stress.ipc.IpcQueue_0[67]"
 *
 * Observed (2 vCPU AMD EPYC VM shared with other builds, Linux 6.18, Temurin 25.0.3, -m quick,
 * back-off wait back-end, all JIT modes summed):
 *   2, 1, 3      4,383,878   ACCEPTABLE
 *   2, 0, 3      3,423,808   ACCEPTABLE
 *   1, 0, 3         14,631   ACCEPTABLE
 *   1, 2, 3          1,259   ACCEPTABLE
 *   0, _, 3              0   ACCEPTABLE (B holding a message as A looks: not seen)
 *   others               0   FORBIDDEN
 */
package dev.weft.stress.ipc;

import dev.weft.ipc.internal.QueueDescriptor;
import dev.weft.ipc.internal.QueueRing;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

@JCStressTest
@Outcome(id = "2, 1, 3", expect = Expect.ACCEPTABLE, desc = "A took message 2 at the damaged head, then message 1 once the head was repaired (by B's audit or its own).")
@Outcome(id = "1, 2, 3", expect = Expect.ACCEPTABLE, desc = "B's audit repaired the head before A's first take: A took both, in put order.")
@Outcome(id = "2, 0, 3", expect = Expect.ACCEPTABLE, desc = "A took message 2; message 1 went to B (or, still held by B's take, to the final drain).")
@Outcome(id = "1, 0, 3", expect = Expect.ACCEPTABLE, desc = "The head was repaired first; A took message 1, message 2 went to B or to the final drain.")
@Outcome(id = "0, 1, 3", expect = Expect.ACCEPTABLE, desc = "B held message 2 when A first looked; A then took message 1.")
@Outcome(id = "0, 2, 3", expect = Expect.ACCEPTABLE, desc = "B held message 1 when A first looked; A then took message 2.")
@Outcome(id = "0, 0, 3", expect = Expect.ACCEPTABLE, desc = "A found nothing it could take twice (B held a message each time); the rest went to B and the final drain.")
@Outcome(expect = Expect.FORBIDDEN, desc = "A message was lost, delivered twice, torn, or stayed hidden after a quiet audit.")
@State
public class IpcQueue_06_HeadRepairVersusTake {

    final QueueRing a;
    final QueueRing b;
    volatile int bTook;

    public IpcQueue_06_HeadRepairVersusTake() {
        QueueMappings.Pair pair = QueueMappings.newQueue(2);
        a = pair.a();
        b = pair.b();
        QueueMappings.offer(a, 1);
        QueueMappings.offer(a, 2);
        // Damage: the head hint skips position 0, hiding message 1 behind it.
        a.memory().setLongVolatile(QueueDescriptor.HEAD_OFFSET, 1);
    }

    @Actor
    public void processA(III_Result r) {
        r.r1 = QueueMappings.poll(a);
        r.r2 = QueueMappings.poll(a);
    }

    @Actor
    public void processB() {
        b.janitorPass();
        bTook = QueueMappings.poll(b);
    }

    /** r3: the set of messages delivered (bit m - 1 for message m), or -1 if any came twice or torn. */
    @Arbiter
    public void after(III_Result r) {
        a.janitorPass(); // quiet now: an audit must find whatever is still hidden
        int mask = 0;
        int[] taken = {r.r1, r.r2, bTook, QueueMappings.poll(a), QueueMappings.poll(a), QueueMappings.poll(b)};
        for (int m : taken) {
            if (m == 0) {
                continue;
            }
            int bit = m == 1 || m == 2 ? 1 << (m - 1) : 1 << 8;
            if ((mask & bit) != 0 || bit == 1 << 8) {
                r.r3 = -1;
                return;
            }
            mask |= bit;
        }
        r.r3 = mask;
    }
}
