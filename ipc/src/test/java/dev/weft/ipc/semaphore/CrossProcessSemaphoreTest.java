package dev.weft.ipc.semaphore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.core.sync.LockResult;
import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.internal.MappedDomain;
import dev.weft.ipc.internal.MappedSemaphore;
import dev.weft.ipc.testing.Child;
import dev.weft.ipc.testing.IpcTesting;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The semaphore across processes: child JVMs that hold permits are killed with SIGKILL, stopped
 * with SIGSTOP, or killed at named points inside the critical section, and the permits are counted
 * before and after (available + held by every slot - released on behalf of others must not change).
 * This JVM is a participant too.
 */
@Timeout(120)
class CrossProcessSemaphoreTest {

    private static final Duration RECOVERY_BOUND = IpcTesting.SLICE.plusSeconds(30);

    private Path dir;
    private IpcDomain domain;
    private final List<Child> children = new ArrayList<>();

    @BeforeEach
    void open() throws Exception {
        dir = IpcTesting.newDomainDir("xsem");
        domain = IpcTesting.open(dir);
    }

    @AfterEach
    void close() throws Exception {
        for (Child c : children) {
            c.close();
        }
        domain.close();
        IpcTesting.deleteTree(dir.getParent());
    }

    private Child child(String label, String crashPoints, String... commands) throws Exception {
        Child c = Child.start(label, dir, crashPoints, commands);
        children.add(c);
        return c;
    }

    private MappedSemaphore semaphore(int permits, boolean bounded) throws Exception {
        return ((MappedDomain) domain).semaphoreImpl("S", permits, bounded);
    }

    /** No permit lost or duplicated: the pool plus every holding, less what was released for others. */
    private static void assertConserved(MappedSemaphore s, int total) {
        assertThat(s.availablePermits() + s.heldByAll() - s.excess())
                .as("available %d + held %d - excess %d", s.availablePermits(), s.heldByAll(), s.excess())
                .isEqualTo(total);
    }

    @Test
    void holderKilled_itsPermitsReturnExactly_andTheAcquirerTakingThemIsToldOwnerDied() throws Exception {
        MappedSemaphore s = semaphore(3, false);
        Child holder = child("holder", "", "sem S 3 0 acquire 2");
        assertThat(holder.nextLine()).isEqualTo("ACQUIRED");
        assertThat(s.availablePermits()).isEqualTo(1);
        assertConserved(s, 3);
        holder.kill();

        assertThat(s.tryAcquireForResult(1)).as("the permit that was never held").isEqualTo(LockResult.ACQUIRED);
        assertThat(s.tryAcquireForResult(2, RECOVERY_BOUND)).as("the dead holder's two").isEqualTo(LockResult.OWNER_DIED);
        assertThat(s.recoveredPermits()).isEqualTo(2);
        assertThat(s.heldByThisProcess()).isEqualTo(3);
        assertConserved(s, 3);
        s.release(3);
        assertThat(s.availablePermits()).isEqualTo(3);
        assertThat(s.tryAcquireForResult(3)).as("recovered permits are reported once").isEqualTo(LockResult.ACQUIRED);
        s.release(3);
        assertConserved(s, 3);
    }

    @Test
    void waiterBlockedOnADeadHolder_recoversWithinASlice() throws Exception {
        MappedSemaphore s = semaphore(2, true);
        Child holder = child("holder", "", "sem S 2 1 acquire 2");
        assertThat(holder.nextLine()).isEqualTo("ACQUIRED");
        Child waiter = child("waiter", "", "sem S 2 1 acquire 2");
        holder.kill();
        assertThat(waiter.nextLine()).isEqualTo("OWNER_DIED");
        assertConserved(s, 2);
        assertThat(s.availablePermits()).isZero();
        waiter.kill();
        assertThat(s.tryAcquireForResult(2, RECOVERY_BOUND)).isEqualTo(LockResult.OWNER_DIED);
        s.release(2);
        assertConserved(s, 2);
    }

    @Test
    void stoppedHolder_keepsItsPermits() throws Exception {
        MappedSemaphore s = semaphore(2, true);
        Child holder = child("holder", "", "sem S 2 1 acquire 2");
        assertThat(holder.nextLine()).isEqualTo("ACQUIRED");
        holder.stop();
        try {
            assertThat(s.tryAcquire(1, IpcTesting.SLICE.multipliedBy(3))).as("a stopped holder is alive").isFalse();
            assertThat(s.recoveries()).isZero();
        } finally {
            holder.cont();
        }
        assertThat(holder.call("sem S 2 1 release 2")).isEqualTo("RELEASED");
        assertThat(s.tryAcquireForResult(2)).isEqualTo(LockResult.ACQUIRED);
        s.release(2);
        assertConserved(s, 2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"take.journalled", "take.written", "release.journalled", "release.written"})
    void killedInsideTheCriticalSection_isRolledBack_noPermitLostOrDuplicated(String point) throws Exception {
        MappedSemaphore s = semaphore(3, true);
        boolean release = point.startsWith("release");
        Child c = child("victim", "semaphore." + point + ":stop");
        if (release) {
            assertThat(c.call("sem S 3 1 acquire 2")).isEqualTo("ACQUIRED");
            c.send("sem S 3 1 release 2");
        } else {
            c.send("sem S 3 1 acquire 2");
        }
        c.expectPoint("semaphore." + point);
        c.kill();
        // Rolled back: a dying acquire took nothing; a dying release still held its two, recovered now.
        LockResult r = s.tryAcquireForResult(3, RECOVERY_BOUND);
        assertThat(r).isEqualTo(release ? LockResult.OWNER_DIED : LockResult.ACQUIRED);
        assertThat(s.heldByThisProcess()).isEqualTo(3);
        assertConserved(s, 3);
        s.release(3);
        assertThat(s.availablePermits()).isEqualTo(3);
        assertConserved(s, 3);
    }

    @Test
    void killedInAnOperationThatJournalsTwoWords_rollbackLeavesTheOtherWordsAlone() throws Exception {
        MappedSemaphore s = semaphore(3, true);
        Child holder = child("holder", "", "sem S 3 1 acquire 2");
        assertThat(holder.nextLine()).isEqualTo("ACQUIRED");
        holder.kill();
        assertThat(s.tryAcquireForResult(1)).as("the permit that was never held").isEqualTo(LockResult.ACQUIRED);
        // The recovery and the acquire of the two recovered permits journal the tainted count (0, then 2).
        assertThat(s.tryAcquireForResult(2, RECOVERY_BOUND)).isEqualTo(LockResult.OWNER_DIED);
        s.release(3); // its own permits: journals the available count and the holding only
        Child victim = child("victim", "semaphore.take.written:stop");
        victim.send("sem S 3 1 acquire 1");
        victim.expectPoint("semaphore.take.written");
        victim.kill();
        // Rolled back: the victim took nothing, and no recovered permit is left to report.
        assertThat(s.tryAcquireForResult(3, RECOVERY_BOUND)).isEqualTo(LockResult.ACQUIRED);
        assertConserved(s, 3);
        s.release(3);
        assertThat(s.availablePermits()).isEqualTo(3);
        assertConserved(s, 3);
    }

    @Test
    void recovererKilledWhileRecovering_isRolledBackAndRecoveredAgain() throws Exception {
        MappedSemaphore s = semaphore(3, true);
        Child holder = child("holder", "", "sem S 3 1 acquire 2");
        assertThat(holder.nextLine()).isEqualTo("ACQUIRED");
        holder.kill();
        Child recoverer = child("recoverer", "semaphore.recover.written:stop", "sem S 3 1 acquire 3");
        recoverer.expectPoint("semaphore.recover.written");
        recoverer.kill();
        assertThat(s.tryAcquireForResult(3, RECOVERY_BOUND)).isEqualTo(LockResult.OWNER_DIED);
        assertConserved(s, 3);
        s.release(3);
        assertThat(s.availablePermits()).isEqualTo(3);
    }

    @Test
    void churningProcessesKilled_everyPermitComesBack_noneTwice() throws Exception {
        MappedSemaphore s = semaphore(2, true);
        List<Child> churners = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            churners.add(child("churn" + i, "", "sem S 2 1 churn 1"));
        }
        for (Child c : churners) {
            assertThat(c.nextLine()).isEqualTo("CHURNING");
        }
        for (Child c : churners) {
            c.kill();
        }
        assertThat(s.tryAcquire(2, RECOVERY_BOUND)).as("every permit recovered").isTrue();
        assertThat(s.availablePermits()).isZero();
        assertConserved(s, 2);
        s.release(2);
        assertThat(s.availablePermits()).as("never above the bound").isEqualTo(2);
        assertConserved(s, 2);
    }

    @Test
    void releaseOnBehalfOfAHolder_isNotReturnedAgainWhenTheHolderDies() throws Exception {
        MappedSemaphore s = semaphore(1, true);
        Child holder = child("holder", "", "sem S 1 1 acquire 1");
        assertThat(holder.nextLine()).isEqualTo("ACQUIRED");
        s.release(1); // this process releases the child's permit (Python allows it)
        assertThat(s.excess()).isEqualTo(1);
        holder.kill();
        assertThat(s.tryAcquireForResult(1)).isEqualTo(LockResult.ACQUIRED);
        // Too few now: the dead holder is recovered, and its permit, already released, is not returned.
        assertThat(s.tryAcquireForResult(1)).isEqualTo(LockResult.NOT_ACQUIRED);
        assertThat(s.recoveries()).isEqualTo(1);
        assertThat(s.availablePermits()).isZero();
        assertThat(s.excess()).as("matched against the dead holder").isZero();
        s.release(1);
        assertThat(s.availablePermits()).isEqualTo(1);
        assertConserved(s, 1);
    }
}
