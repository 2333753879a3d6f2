/*
 * Goal: a set-then-clear pulse from one "process" always releases a waiter in another (separate
 * mappings of one file) that was already waiting: the generation in the event word makes the
 * pulse visible even when the waiter only looks again after the clear.
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests -Dweft.jcstress.args="-m quick -t dev.weft.stress.ipc"
 *
 * The waiter waits from the event word read in the state's constructor, before any signal: jcstress
 * may run the signal before the actor has entered await(), and a wait that begins after a pulse
 * has ended must not see it; a wait that began before must.
 *
 * Observed (2 vCPU AMD EPYC VM shared with other builds, Linux 6.18, Temurin 25.0.3, -m quick,
 * back-off wait back-end, all JIT modes summed):
 *   TERMINATED   2,400   ACCEPTABLE
 *   STALE            0   FORBIDDEN
 */
package dev.weft.stress.ipc;

import dev.weft.ipc.internal.EventDescriptor;
import dev.weft.ipc.internal.MappedEvent;
import dev.weft.ipc.internal.SharedMemory;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;

@JCStressTest(Mode.Termination)
@Outcome(id = "TERMINATED", expect = Expect.ACCEPTABLE, desc = "The waiter saw the pulse and returned.")
@Outcome(id = "STALE", expect = Expect.FORBIDDEN, desc = "The waiter missed the set-then-clear pulse.")
@Outcome(expect = Expect.FORBIDDEN, desc = "Anything else.")
@State
public class IpcEvent_01_PulseNotLost {

    final MappedEvent setter;
    final MappedEvent waiter;
    /**
     * The event word as the waiter sees it before the pulse: jcstress may run the signal before the
     * actor has entered await(), and a pulse that ends before a wait begins is, correctly, not seen
     * (threading.Event semantics), which used to show up as a rare STALE. Waiting from this snapshot
     * makes the test check what it means to: a pulse after the wait began is never lost.
     */
    final int before;

    public IpcEvent_01_PulseNotLost() {
        int slot = TwoMappings.nextSlot();
        SharedMemory memA = TwoMappings.a(slot);
        SharedMemory memB = TwoMappings.b(slot);
        memA.setIntVolatile(EventDescriptor.EVENT_WORD_OFFSET, 0);
        setter = new MappedEvent("e", memA, TwoMappings.WAITER, TwoMappings.SLICE_NANOS, TwoMappings.GUARD);
        waiter = new MappedEvent("e", memB, TwoMappings.WAITER, TwoMappings.SLICE_NANOS, TwoMappings.GUARD);
        before = waiter.word();
    }

    @Actor
    public void processBWaits() throws InterruptedException {
        waiter.awaitSince(before);
    }

    @Signal
    public void processAPulses() {
        setter.set();
        setter.clear();
    }
}
