/*
 * Goal: one "process" releases the permit it holds while another tries to acquire it: the acquire
 * either sees the permit (after the release) or not, never a half-updated pool, and the permit is
 * counted exactly once whatever the order.
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests -Dweft.jcstress.args="-m quick -t IpcSemaphore"
 *
 * Observed (2 vCPU VM shared with other builds, Temurin 25, -m quick, futex back-end, 8 JVM
 * configurations): both ACCEPTABLE outcomes in every configuration, FORBIDDEN 0.
 */
package dev.weft.stress.ipc;

import dev.weft.ipc.internal.MappedSemaphore;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

@JCStressTest
@Outcome(id = "1, 0, 1", expect = Expect.ACCEPTABLE, desc = "B's acquire ran after A's release and took the permit; A holds none.")
@Outcome(id = "0, 1, 1", expect = Expect.ACCEPTABLE, desc = "B's acquire ran before A's release and found none; the permit is back in the pool.")
@Outcome(expect = Expect.FORBIDDEN, desc = "A permit lost or duplicated, or a holding out of step with the pool.")
@State
public class IpcSemaphore_02_ReleaseVersusAcquire {

    final MappedSemaphore a;
    final MappedSemaphore b;

    public IpcSemaphore_02_ReleaseVersusAcquire() {
        int slot = SemaphoreMappings.freshSlot(1);
        a = SemaphoreMappings.semaphore(SemaphoreMappings.a(slot), SemaphoreMappings.TOKEN_A);
        b = SemaphoreMappings.semaphore(SemaphoreMappings.b(slot), SemaphoreMappings.TOKEN_B);
        if (!a.tryAcquire()) {
            throw new IllegalStateException("setup: A could not take the permit");
        }
    }

    @Actor
    public void release(III_Result r) {
        a.release();
    }

    @Actor
    public void acquire(III_Result r) {
        r.r1 = b.tryAcquire() ? 1 : 0;
    }

    @Arbiter
    public void count(III_Result r) {
        r.r2 = a.availablePermits();
        r.r3 = (int) (a.availablePermits() + a.heldByAll() - a.excess());
    }
}
