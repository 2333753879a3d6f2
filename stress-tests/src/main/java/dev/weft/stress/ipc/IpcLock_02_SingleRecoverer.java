/*
 * Goal: when the holder is dead, two "processes" (separate mappings, different tokens) that both
 * try to take the lock over produce exactly one OWNER_DIED; the other sees the lock held.
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests -Dweft.jcstress.args="-m quick -t dev.weft.stress.ipc"
 *
 * Observed (2 vCPU AMD EPYC VM shared with other builds, Linux 6.18, Temurin 25.0.3, -m quick,
 * back-off wait back-end, all JIT modes summed):
 *   1, 0, 1  6,846,758   ACCEPTABLE
 *   0, 1, 2  3,821,621   ACCEPTABLE
 *   others           0   FORBIDDEN
 */
package dev.weft.stress.ipc;

import dev.weft.ipc.internal.LockDescriptor;
import dev.weft.ipc.internal.MappedLock;
import dev.weft.ipc.internal.SharedMemory;
import dev.weft.core.sync.LockResult;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

@JCStressTest
@Outcome(id = "1, 0, 1", expect = Expect.ACCEPTABLE, desc = "A recovered the dead holder's lock; B found it held by A.")
@Outcome(id = "0, 1, 2", expect = Expect.ACCEPTABLE, desc = "B recovered the dead holder's lock; A found it held by B.")
@Outcome(expect = Expect.FORBIDDEN, desc = "Both or neither took the lock over, or the word names the wrong owner.")
@State
public class IpcLock_02_SingleRecoverer {

    final SharedMemory memA;
    final MappedLock lockA;
    final MappedLock lockB;

    public IpcLock_02_SingleRecoverer() {
        int slot = TwoMappings.nextSlot();
        memA = TwoMappings.a(slot);
        SharedMemory memB = TwoMappings.b(slot);
        memA.setIntVolatile(LockDescriptor.LOCK_WORD_OFFSET, TwoMappings.DEAD_TOKEN); // held by a dead process
        lockA = new MappedLock("x", memA, TwoMappings.liveness(TwoMappings.TOKEN_A), TwoMappings.WAITER,
                TwoMappings.SLICE_NANOS, TwoMappings.GUARD);
        lockB = new MappedLock("x", memB, TwoMappings.liveness(TwoMappings.TOKEN_B), TwoMappings.WAITER,
                TwoMappings.SLICE_NANOS, TwoMappings.GUARD);
    }

    @Actor
    public void processA(III_Result r) {
        r.r1 = lockA.tryAcquireForResult() == LockResult.OWNER_DIED ? 1 : 0;
    }

    @Actor
    public void processB(III_Result r) {
        r.r2 = lockB.tryAcquireForResult() == LockResult.OWNER_DIED ? 1 : 0;
    }

    @Arbiter
    public void owner(III_Result r) {
        int owner = memA.getIntVolatile(LockDescriptor.LOCK_WORD_OFFSET) & LockDescriptor.OWNER_MASK;
        r.r3 = owner == TwoMappings.TOKEN_A ? 1 : owner == TwoMappings.TOKEN_B ? 2 : -owner;
    }
}
