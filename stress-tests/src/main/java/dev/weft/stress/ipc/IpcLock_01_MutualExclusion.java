/*
 * Goal: the ipc lock excludes two "processes" (threads on two separate mappings of one file, with
 * different participant tokens): a read-modify-write of a plain shared long under the lock is
 * never lost.
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests -Dweft.jcstress.args="-m quick -t dev.weft.stress.ipc"
 *
 * Observed (2 vCPU AMD EPYC VM shared with other builds, Linux 6.18, Temurin 25.0.3, -m quick,
 * back-off wait back-end, all JIT modes summed):
 *   2        7,693,264   ACCEPTABLE
 *   1                0   FORBIDDEN
 */
package dev.weft.stress.ipc;

import dev.weft.ipc.internal.LockDescriptor;
import dev.weft.ipc.internal.MappedLock;
import dev.weft.ipc.internal.SharedMemory;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.J_Result;

@JCStressTest
@Outcome(id = "2", expect = Expect.ACCEPTABLE, desc = "Both increments survive: the critical sections did not overlap.")
@Outcome(expect = Expect.FORBIDDEN, desc = "An increment was lost: both held the lock at once.")
@State
public class IpcLock_01_MutualExclusion {

    /** The plain counter sits after the lock's words, in the same slot. */
    static final int COUNTER = 384;

    final SharedMemory memA;
    final SharedMemory memB;
    final MappedLock lockA;
    final MappedLock lockB;

    public IpcLock_01_MutualExclusion() {
        int slot = TwoMappings.nextSlot();
        memA = TwoMappings.a(slot);
        memB = TwoMappings.b(slot);
        memA.setIntVolatile(LockDescriptor.LOCK_WORD_OFFSET, 0);
        memA.setLongRelease(COUNTER, 0);
        lockA = new MappedLock("x", memA, TwoMappings.liveness(TwoMappings.TOKEN_A), TwoMappings.WAITER,
                TwoMappings.SLICE_NANOS, TwoMappings.GUARD);
        lockB = new MappedLock("x", memB, TwoMappings.liveness(TwoMappings.TOKEN_B), TwoMappings.WAITER,
                TwoMappings.SLICE_NANOS, TwoMappings.GUARD);
    }

    @Actor
    public void processA() {
        acquire(lockA);
        memA.setLongPlain(COUNTER, memA.getLongPlain(COUNTER) + 1);
        lockA.release();
    }

    @Actor
    public void processB() {
        acquire(lockB);
        memB.setLongPlain(COUNTER, memB.getLongPlain(COUNTER) + 1);
        lockB.release();
    }

    private static void acquire(MappedLock lock) {
        try {
            lock.acquire();
        } catch (InterruptedException e) {
            throw new AssertionError("jcstress never interrupts actors", e);
        }
    }

    @Arbiter
    public void arbiter(J_Result r) {
        r.r1 = memA.getLongVolatile(COUNTER);
    }
}
