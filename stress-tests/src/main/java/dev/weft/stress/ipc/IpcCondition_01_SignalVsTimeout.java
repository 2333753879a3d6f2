/*
 * Goal: a signal that races with a waiter's timeout is neither lost nor duplicated. Two
 * "processes" (threads on two separate mappings of one file, with different participant tokens)
 * share a condition and its lock. A third, live participant is listed as a waiter in the state's
 * constructor, younger than any real waiter. Process B takes the lock and waits with a timeout of
 * 50 microseconds; process A takes the lock, signals once and releases. The signal chooses the
 * oldest listed waiter, and B's giving up at its timeout is decided under the same latch, so
 * exactly one waiter ends with the signal: B, which then returns true, or (B timed out first, or
 * had not listed yet) the third waiter, whose slot stays signalled. B's slot is free either way.
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests -Dweft.jcstress.args="-m quick -t IpcCondition_01"
 *
 * Observed (the build's bounded run: -m quick -sc false, C2 stress options; 2 shared CPUs, loaded,
 * x86_64, Linux 6.18, Temurin 25.0.3, back-off wait back-end):
 *           RESULT   SAMPLES  EXPECT
 *       0, 1, 0, 0     5,880  Acceptable
 *       1, 0, 1, 0        77  Acceptable
 * A run with the full mode matrix (-m quick) saw 22,761 and 4 with a 1 us timeout, hence 50 us.
 */
package dev.weft.stress.ipc;

import static dev.weft.ipc.internal.ConditionDescriptor.SIGNALLED;
import static dev.weft.ipc.internal.ConditionDescriptor.SLOT_OWNER;
import static dev.weft.ipc.internal.ConditionDescriptor.SLOT_SEQUENCE;
import static dev.weft.ipc.internal.ConditionDescriptor.SLOT_STATE;
import static dev.weft.ipc.internal.ConditionDescriptor.WAITING;
import static dev.weft.ipc.internal.ConditionDescriptor.WAITING_OFFSET;
import static dev.weft.ipc.internal.ConditionDescriptor.slotOffset;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.ipc.internal.LockDescriptor;
import dev.weft.ipc.internal.MappedCondition;
import dev.weft.ipc.internal.MappedLock;
import dev.weft.ipc.internal.SharedMemory;
import java.util.concurrent.TimeUnit;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

@JCStressTest
@Outcome(id = "1, 0, 1, 0", expect = ACCEPTABLE,
        desc = "B listed, A's signal chose B before B's timeout: B returns true; the third waiter is still listed; B's slot is free.")
@Outcome(id = "0, 1, 0, 0", expect = ACCEPTABLE,
        desc = "B timed out (or had not listed yet) before A's signal, which chose the third waiter: B returns false; B's slot is free.")
@Outcome(expect = FORBIDDEN,
        desc = "A lost signal (nobody has it), a duplicated one (both have it), a waiting count out of step, or B's slot left in use.")
@State
public class IpcCondition_01_SignalVsTimeout {

    /**
     * B's timeout: long enough that A's signal often lands while B is listed, short enough that B
     * often times out first, so that jcstress drives the two across each other.
     */
    static final long TIMEOUT_MICROS = 50;

    /** A live participant other than A and B, listed as the third waiter. */
    static final int TOKEN_C = 0x404;
    /** The third waiter's waiter slot; B lists into slot 0 (the arrival counter starts at 0). */
    static final int THIRD_SLOT = 5;

    final SharedMemory condA;
    final MappedLock lockA;
    final MappedLock lockB;
    final MappedCondition signallerSide;
    final MappedCondition waiterSide;

    public IpcCondition_01_SignalVsTimeout() {
        int lockSlot = TwoMappings.nextSlot();
        SharedMemory lockMemA = TwoMappings.a(lockSlot);
        lockMemA.setIntVolatile(LockDescriptor.LOCK_WORD_OFFSET, 0);
        lockA = new MappedLock("l", lockMemA, TwoMappings.liveness(TwoMappings.TOKEN_A), TwoMappings.WAITER,
                TwoMappings.SLICE_NANOS, TwoMappings.GUARD);
        lockB = new MappedLock("l", TwoMappings.b(lockSlot), TwoMappings.liveness(TwoMappings.TOKEN_B),
                TwoMappings.WAITER, TwoMappings.SLICE_NANOS, TwoMappings.GUARD);

        int slot = ConditionMappings.freshSlot();
        condA = ConditionMappings.a(slot);
        int third = slotOffset(THIRD_SLOT);
        condA.setIntPlain(third + SLOT_OWNER, TOKEN_C);
        condA.setLongPlain(third + SLOT_SEQUENCE, 1_000_000L); // younger than B (sequence 0)
        condA.setIntPlain(third + SLOT_STATE, WAITING);
        condA.setIntVolatile(WAITING_OFFSET, 1);
        signallerSide = ConditionMappings.condition(condA, lockA, TwoMappings.TOKEN_A);
        waiterSide = ConditionMappings.condition(ConditionMappings.b(slot), lockB, TwoMappings.TOKEN_B);
    }

    @Actor
    public void processB(IIII_Result r) {
        try {
            lockB.acquire();
            try {
                r.r1 = waiterSide.await(TIMEOUT_MICROS, TimeUnit.MICROSECONDS) ? 1 : 0;
            } finally {
                lockB.release();
            }
        } catch (InterruptedException e) {
            throw new AssertionError("jcstress never interrupts actors", e);
        }
    }

    @Actor
    public void processA() {
        try {
            lockA.acquire();
        } catch (InterruptedException e) {
            throw new AssertionError("jcstress never interrupts actors", e);
        }
        try {
            signallerSide.signal();
        } finally {
            lockA.release();
        }
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        r.r2 = condA.getIntVolatile(slotOffset(THIRD_SLOT) + SLOT_STATE) == SIGNALLED ? 1 : 0;
        r.r3 = condA.getIntVolatile(WAITING_OFFSET);
        r.r4 = condA.getIntVolatile(slotOffset(0) + SLOT_STATE);
    }
}
