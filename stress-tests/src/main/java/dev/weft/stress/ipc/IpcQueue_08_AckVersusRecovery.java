/*
 * Goal: with acknowledgement ON_TASK_DONE, a consumer's taskDone races with a recoverer that has
 * found that consumer dead (its domain was closed under it while it held the message): exactly one
 * of them wins. Either the acknowledgement frees the slot (the recoverer finds nothing to recover
 * and the message is gone for good), or the recoverer takes the slot over and redelivers the
 * message once, and the late taskDone fails. Never both (a lost message that was also
 * acknowledged), never neither (a held message nobody will ever free).
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests -Dweft.jcstress.args="-m quick -t dev.weft.stress.ipc.IpcQueue_08"
 *
 * Observed (2 vCPU AMD EPYC VM shared with other builds, load average 19, Linux 6.18, Temurin
 * 25.0.3, -m quick, back-off wait back-end, all 14 JIT mode and scheduling combinations summed):
 *   1, 0, 0, 0     870,841   ACCEPTABLE
 *   0, 1, 6, 1     836,888   ACCEPTABLE
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
@Outcome(id = "1, 0, 0, 0", expect = Expect.ACCEPTABLE, desc = "The ack's CAS came first: the slot was freed, the recoverer found nothing held by the dead token, nothing is redelivered.")
@Outcome(id = "0, 1, 6, 1", expect = Expect.ACCEPTABLE, desc = "The recoverer's takeover CAS came first: the message is redelivered once, and the late taskDone failed.")
@Outcome(expect = Expect.FORBIDDEN, desc = "Both or neither won, or the message was lost or duplicated.")
@State
public class IpcQueue_08_AckVersusRecovery {

    final QueueRing holder;
    final QueueRing recoverer;

    public IpcQueue_08_AckVersusRecovery() {
        QueueMappings.Pair pair = QueueMappings.newAckQueue(2, TwoMappings.DEAD_TOKEN);
        holder = pair.a();
        recoverer = pair.b();
        QueueMappings.offer(holder, 6);
        if (QueueMappings.poll(holder) != 6) { // a take that holds the message (READING(0, holder))
            throw new IllegalStateException("setup: the message was not taken");
        }
    }

    @Actor
    public void consumerAcknowledges(IIII_Result r) {
        try {
            holder.taskDone();
            r.r1 = 1;
        } catch (IllegalStateException redelivered) {
            r.r1 = 0;
        }
    }

    @Actor
    public void recovererSweeps(IIII_Result r) {
        r.r2 = recoverer.sweep(TwoMappings.DEAD_TOKEN) ? 1 : 0;
    }

    @Arbiter
    public void after(IIII_Result r) {
        r.r3 = QueueMappings.poll(recoverer);
        r.r4 = (int) recoverer.stats().redeliveries();
        if (QueueMappings.poll(recoverer) != 0) {
            r.r4 = -1; // a duplicate
        }
    }
}
