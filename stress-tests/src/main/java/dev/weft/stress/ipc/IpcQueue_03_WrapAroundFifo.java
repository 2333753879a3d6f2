/*
 * Goal: one producer and one consumer ("processes" on separate mappings) on a ring of capacity 2
 * whose positions cross the 32-bit lap wrap (the slot words go from lap 2^32 - 1 to lap 0 between
 * the two messages): the consumer sees a prefix of the producer's order, never a message twice,
 * never the second before the first, never a torn one.
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests -Dweft.jcstress.args="-m quick -t dev.weft.stress.ipc.IpcQueue"
 *
 * Observed (2 vCPU AMD EPYC VM shared with other builds, Linux 6.18, Temurin 25.0.3, -m quick,
 * back-off wait back-end, all JIT modes summed):
 *   1, 0, 0      8,536,674   ACCEPTABLE
 *   1, 0, 1         34,820   ACCEPTABLE
 *   1, 1, 0         13,264   ACCEPTABLE
 *   1, 1, 2      5,108,436   ACCEPTABLE
 *   others               0   FORBIDDEN
 */
package dev.weft.stress.ipc;

import dev.weft.ipc.internal.QueueDescriptor;
import dev.weft.ipc.internal.QueueRing;
import dev.weft.ipc.internal.SharedMemory;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

@JCStressTest
@Outcome(id = "1, 0, 0", expect = Expect.ACCEPTABLE, desc = "Both polls ran before any put committed.")
@Outcome(id = "1, 0, 1", expect = Expect.ACCEPTABLE, desc = "The first poll found nothing, the second got message 1.")
@Outcome(id = "1, 1, 0", expect = Expect.ACCEPTABLE, desc = "The first poll got message 1, the second ran before message 2 committed.")
@Outcome(id = "1, 1, 2", expect = Expect.ACCEPTABLE, desc = "The consumer got both messages, in order.")
@Outcome(expect = Expect.FORBIDDEN, desc = "A put failed, or a message was lost, duplicated, reordered or torn across the lap wrap.")
@State
public class IpcQueue_03_WrapAroundFifo {

    final QueueRing producer;
    final QueueRing consumer;

    public IpcQueue_03_WrapAroundFifo() {
        QueueMappings.Pair pair = QueueMappings.newQueue(2);
        producer = pair.a();
        consumer = pair.b();
        // Start at position 2 * (2^32 - 1) + 1: slot 1 of lap 2^32 - 1, then slot 0 of lap 2^32 (= 0).
        SharedMemory m = producer.memory();
        long start = 2 * ((1L << 32) - 1) + 1;
        int stride = m.getIntPlain(QueueDescriptor.STRIDE_OFFSET);
        int slots = m.getIntPlain(QueueDescriptor.SLOTS_OFFSET_OFFSET);
        m.setLongVolatile(slots, QueueDescriptor.slotWord(0, QueueDescriptor.FREE, 0));
        m.setLongVolatile(slots + stride, QueueDescriptor.slotWord(-1, QueueDescriptor.FREE, 0));
        m.setLongVolatile(QueueDescriptor.HEAD_OFFSET, start);
        m.setLongVolatile(QueueDescriptor.TAIL_OFFSET, start);
    }

    @Actor
    public void produce(III_Result r) {
        boolean first = QueueMappings.offer(producer, 1);
        boolean second = QueueMappings.offer(producer, 2);
        r.r1 = first && second ? 1 : 0;
    }

    @Actor
    public void consume(III_Result r) {
        r.r2 = QueueMappings.poll(consumer);
        r.r3 = QueueMappings.poll(consumer);
    }
}
