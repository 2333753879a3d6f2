/*
 * Goal: two "processes" (separate mappings, tokens in different registry slots) race for the last
 * permit of an ipc semaphore: exactly one gets it, and the pool plus every holding still counts one
 * permit (the latch makes the pool and the holding change together).
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests -Dweft.jcstress.args="-m quick -t IpcSemaphore"
 *
 * Observed (2 vCPU VM shared with other builds, Temurin 25, -m quick, futex back-end, 8 JVM
 * configurations): both ACCEPTABLE outcomes in every configuration, FORBIDDEN 0.
 */
package dev.weft.stress.ipc;

import dev.weft.ipc.internal.MappedSemaphore;
import dev.weft.ipc.internal.SharedMemory;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

@JCStressTest
@Outcome(id = "1, 0, 1", expect = Expect.ACCEPTABLE, desc = "A took the permit under the latch first; B found none.")
@Outcome(id = "0, 1, 1", expect = Expect.ACCEPTABLE, desc = "B took the permit under the latch first; A found none.")
@Outcome(expect = Expect.FORBIDDEN, desc = "Both or neither got it, or a permit was lost or duplicated.")
@State
public class IpcSemaphore_01_LastPermit {

    final MappedSemaphore a;
    final MappedSemaphore b;

    public IpcSemaphore_01_LastPermit() {
        int slot = SemaphoreMappings.freshSlot(1);
        SharedMemory memA = SemaphoreMappings.a(slot);
        a = SemaphoreMappings.semaphore(memA, SemaphoreMappings.TOKEN_A);
        b = SemaphoreMappings.semaphore(SemaphoreMappings.b(slot), SemaphoreMappings.TOKEN_B);
    }

    @Actor
    public void processA(III_Result r) {
        r.r1 = a.tryAcquire() ? 1 : 0;
    }

    @Actor
    public void processB(III_Result r) {
        r.r2 = b.tryAcquire() ? 1 : 0;
    }

    @Arbiter
    public void count(III_Result r) {
        r.r3 = (int) (a.availablePermits() + a.heldByAll() - a.excess());
    }
}
