/*
 * Goal: a "process" blocked in acquire() (on its own mapping) always wakes up and gets the lock
 * when the holder (another mapping) releases it: no lost wake-up between the waiter publishing its
 * sleeper flag and the releaser's getAndSet.
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests -Dweft.jcstress.args="-m quick -t dev.weft.stress.ipc"
 *
 * Observed (2 vCPU AMD EPYC VM shared with other builds, Linux 6.18, Temurin 25.0.3, -m quick,
 * back-off wait back-end, all JIT modes summed):
 *   TERMINATED   2,055   ACCEPTABLE
 *   STALE            0   FORBIDDEN
 */
package dev.weft.stress.ipc;

import dev.weft.ipc.internal.LockDescriptor;
import dev.weft.ipc.internal.MappedLock;
import dev.weft.ipc.internal.SharedMemory;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;

@JCStressTest(Mode.Termination)
@Outcome(id = "TERMINATED", expect = Expect.ACCEPTABLE, desc = "The waiter acquired the lock after the release.")
@Outcome(id = "STALE", expect = Expect.FORBIDDEN, desc = "The waiter never woke: a lost wake-up.")
@Outcome(expect = Expect.FORBIDDEN, desc = "Anything else.")
@State
public class IpcLock_03_ReleaseWakesWaiter {

    final MappedLock holder;
    final MappedLock waiter;

    public IpcLock_03_ReleaseWakesWaiter() {
        int slot = TwoMappings.nextSlot();
        SharedMemory memA = TwoMappings.a(slot);
        SharedMemory memB = TwoMappings.b(slot);
        memA.setIntVolatile(LockDescriptor.LOCK_WORD_OFFSET, TwoMappings.TOKEN_A); // A holds it
        holder = new MappedLock("x", memA, TwoMappings.liveness(TwoMappings.TOKEN_A), TwoMappings.WAITER,
                TwoMappings.SLICE_NANOS, TwoMappings.GUARD);
        waiter = new MappedLock("x", memB, TwoMappings.liveness(TwoMappings.TOKEN_B), TwoMappings.WAITER,
                TwoMappings.SLICE_NANOS, TwoMappings.GUARD);
    }

    @Actor
    public void processB() throws InterruptedException {
        waiter.acquire();
    }

    @Signal
    public void processAReleases() {
        holder.release();
    }
}
