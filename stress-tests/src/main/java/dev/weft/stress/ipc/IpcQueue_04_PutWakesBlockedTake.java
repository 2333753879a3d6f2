/*
 * Goal: a "process" blocked in take() on an empty queue (on its own mapping, back-off wait back-end)
 * always wakes up and returns the message when another mapping puts one: no lost wake-up between
 * the consumer publishing its sleeper flag and re-checking the slot, and the producer's commit
 * followed by its read of the flag (the event-count Dekker pair).
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests -Dweft.jcstress.args="-m quick -t dev.weft.stress.ipc.IpcQueue"
 *
 * Observed (2 vCPU AMD EPYC VM shared with other builds, Linux 6.18, Temurin 25.0.3, -m quick,
 * back-off wait back-end, all JIT modes summed):
 *   TERMINATED       2,119   ACCEPTABLE
 *   STALE                0   FORBIDDEN
 */
package dev.weft.stress.ipc;

import dev.weft.ipc.internal.MappedQueue;
import dev.weft.ipc.internal.QueueRing;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;

@JCStressTest(Mode.Termination)
@Outcome(id = "TERMINATED", expect = Expect.ACCEPTABLE, desc = "The blocked take returned the message after the put.")
@Outcome(id = "STALE", expect = Expect.FORBIDDEN, desc = "The take never woke up: a lost wake-up.")
@Outcome(expect = Expect.FORBIDDEN, desc = "Anything else.")
@State
public class IpcQueue_04_PutWakesBlockedTake {

    final QueueRing producer;
    final MappedQueue consumer;

    public IpcQueue_04_PutWakesBlockedTake() {
        QueueMappings.Pair pair = QueueMappings.newQueue(2);
        producer = pair.a();
        consumer = MappedQueue.standalone(pair.b());
    }

    @Actor
    public void consume() throws InterruptedException {
        consumer.get();
    }

    @Signal
    public void put() {
        QueueMappings.offer(producer, 5);
    }
}
