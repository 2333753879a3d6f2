/*
 * Goal: data a "process" writes before set() is visible to another (separate mapping) that sees
 * the flag set; and isSet/set never tear.
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests -Dweft.jcstress.args="-m quick -t dev.weft.stress.ipc"
 *
 * Observed (2 vCPU AMD EPYC VM shared with other builds, Linux 6.18, Temurin 25.0.3, -m quick,
 * back-off wait back-end, all JIT modes summed):
 *   0, 0     3,634,405   ACCEPTABLE
 *   1, 42    4,482,635   ACCEPTABLE
 *   1, 0             0   FORBIDDEN
 */
package dev.weft.stress.ipc;

import dev.weft.ipc.internal.EventDescriptor;
import dev.weft.ipc.internal.MappedEvent;
import dev.weft.ipc.internal.SharedMemory;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

@JCStressTest
@Outcome(id = "0, 0", expect = Expect.ACCEPTABLE, desc = "B looked before A's set; saw the flag clear.")
@Outcome(id = "1, 42", expect = Expect.ACCEPTABLE, desc = "B saw the flag set and the data written before it.")
@Outcome(id = "1, 0", expect = Expect.FORBIDDEN, desc = "B saw the flag but not the data written before set(): no happens-before.")
@Outcome(expect = Expect.FORBIDDEN, desc = "Anything else.")
@State
public class IpcEvent_02_SetPublishes {

    static final int DATA = 384;

    final SharedMemory memA;
    final SharedMemory memB;
    final MappedEvent setter;
    final MappedEvent observer;

    public IpcEvent_02_SetPublishes() {
        int slot = TwoMappings.nextSlot();
        memA = TwoMappings.a(slot);
        memB = TwoMappings.b(slot);
        memA.setIntVolatile(EventDescriptor.EVENT_WORD_OFFSET, 0);
        memA.setIntVolatile(DATA, 0);
        setter = new MappedEvent("e", memA, TwoMappings.WAITER, TwoMappings.SLICE_NANOS, TwoMappings.GUARD);
        observer = new MappedEvent("e", memB, TwoMappings.WAITER, TwoMappings.SLICE_NANOS, TwoMappings.GUARD);
    }

    @Actor
    public void processA() {
        memA.setIntPlain(DATA, 42);
        setter.set();
    }

    @Actor
    public void processB(II_Result r) {
        boolean set = observer.isSet();
        r.r1 = set ? 1 : 0;
        r.r2 = set ? memB.getIntPlain(DATA) : 0;
    }
}
