/*
 * Goal: a tail hint damaged ahead left a gap (position 0 FREE below message 1, committed at
 * position 1). One "process" puts message 2 and then takes; the other audits the hints (a janitor
 * pass) and takes. The audit moves the tail back and advances the gap's slot past the gap with one
 * CAS, which races with the put's claim of the same slot (when the put reads the repaired tail):
 * either the put wins and message 2 fills the gap, or the skip wins and the put goes on to the next
 * position. Every message is delivered exactly once; the put never fails (the queue has room).
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests -Dweft.jcstress.skip=false -Dweft.jcstress.args="-m quick -t dev.weft.stress.ipc.IpcQueue_0[67]"
 *
 * Observed (2 vCPU AMD EPYC VM shared with other builds, Linux 6.18, Temurin 25.0.3, -m quick,
 * back-off wait back-end, all JIT modes summed):
 *   1, 1, 3      5,118,678   ACCEPTABLE
 *   1, 2, 3      2,799,156   ACCEPTABLE
 *   1, 0, 3              0   ACCEPTABLE (not seen)
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
@Outcome(id = "1, 1, 3", expect = Expect.ACCEPTABLE, desc = "The put succeeded; A's take got message 1; both messages delivered exactly once.")
@Outcome(id = "1, 2, 3", expect = Expect.ACCEPTABLE, desc = "The put filled the gap (won the race against the skip), or B took message 1 first; A's take got message 2; both delivered once.")
@Outcome(id = "1, 0, 3", expect = Expect.ACCEPTABLE, desc = "The put succeeded; A's take found nothing it could take (B held a message, or the gap was not closed yet); both delivered once.")
@Outcome(expect = Expect.FORBIDDEN, desc = "The put failed, or a message was lost, delivered twice or torn.")
@State
public class IpcQueue_07_GapSkipVersusPut {

    final QueueRing a;
    final QueueRing b;
    volatile int bTook;

    public IpcQueue_07_GapSkipVersusPut() {
        QueueMappings.Pair pair = QueueMappings.newQueue(2);
        a = pair.a();
        b = pair.b();
        // Damage: the tail hint skipped position 0, so message 1 went to position 1 past a gap.
        a.memory().setLongVolatile(QueueDescriptor.TAIL_OFFSET, 1);
        QueueMappings.offer(a, 1);
    }

    @Actor
    public void processA(III_Result r) {
        r.r1 = QueueMappings.offer(a, 2) ? 1 : 0;
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
        a.janitorPass(); // quiet now: an audit must close whatever gap is left
        int mask = 0;
        int[] taken = {r.r2, bTook, QueueMappings.poll(a), QueueMappings.poll(a), QueueMappings.poll(b)};
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
