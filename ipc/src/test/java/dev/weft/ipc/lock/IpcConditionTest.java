package dev.weft.ipc.lock;

import static dev.weft.testlib.Threads.failureOf;
import static dev.weft.testlib.Threads.inThread;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.core.sync.LockResult;
import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.internal.MappedCondition;
import dev.weft.ipc.internal.MappedDomain;
import dev.weft.ipc.testing.Child;
import dev.weft.ipc.testing.IpcTesting;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The cross-process condition: waits, signals, giving up, and waiters or holders that die. */
@Timeout(120)
class IpcConditionTest {

    private Path dir;
    private IpcDomain domain;
    private IpcLock lock;
    private MappedCondition cond;
    private final List<Child> children = new ArrayList<>();

    @BeforeEach
    void open() throws Exception {
        dir = IpcTesting.newDomainDir("cond");
        domain = IpcTesting.open(dir);
        lock = domain.lock("L");
        cond = ((MappedDomain) domain).conditionImpl("C", lock);
    }

    @AfterEach
    void close() throws Exception {
        for (Child c : children) {
            c.close();
        }
        domain.close();
        IpcTesting.deleteTree(dir.getParent());
    }

    /** Polls a snapshot until it reaches {@code expected} (30 s at most); orders nothing. */
    private static void awaitValue(IntSupplier snapshot, int expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (snapshot.getAsInt() != expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + expected + " but was " + snapshot.getAsInt());
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    private CompletableFuture<LockResult> waiter() {
        return inThread(() -> {
            lock.acquire();
            try {
                return cond.awaitForResult();
            } finally {
                lock.release();
            }
        }, new AtomicReference<>());
    }

    private void signal(int n) throws InterruptedException {
        lock.acquire();
        try {
            cond.signal(n);
        } finally {
            lock.release();
        }
    }

    @Test
    void await_releasesTheLock_andReturnsHoldingItAfterASignal() throws Exception {
        CompletableFuture<LockResult> w = waiter();
        awaitValue(cond::waiterCount, 1);
        assertThat(lock.tryAcquire()).as("the waiter released the lock").isTrue();
        cond.signal();
        assertThat(w).isNotDone();
        lock.release();
        assertThat(w.get(30, TimeUnit.SECONDS)).isEqualTo(LockResult.ACQUIRED);
        assertThat(cond.waiterCount()).isZero();
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void withoutTheLock_awaitAndSignalThrow() {
        assertThatThrownBy(cond::await).isInstanceOf(IllegalMonitorStateException.class).hasMessageContaining("'L'");
        assertThatThrownBy(cond::signal).isInstanceOf(IllegalMonitorStateException.class);
        assertThatThrownBy(cond::awaitAsync).isInstanceOf(IllegalMonitorStateException.class);
        assertThat(cond.waiterCount()).isZero();
    }

    @Test
    void timedAwait_timesOut_holdingTheLockAgain() throws Exception {
        lock.acquire();
        assertThat(cond.await(Duration.ofMillis(30))).isFalse();
        assertThat(cond.await(30, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(cond.awaitNanos(TimeUnit.MILLISECONDS.toNanos(30))).isLessThanOrEqualTo(0L);
        assertThat(lock.isLocked()).isTrue();
        assertThat(cond.waiterCount()).isZero();
        lock.release();
    }

    @Test
    void signalN_wakesThatManyOldestWaiters_signalAllTheRest() throws Exception {
        List<CompletableFuture<LockResult>> ws = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ws.add(waiter());
            awaitValue(cond::waiterCount, i + 1);
        }
        signal(2);
        assertThat(ws.get(0).get(30, TimeUnit.SECONDS)).isEqualTo(LockResult.ACQUIRED);
        assertThat(ws.get(1).get(30, TimeUnit.SECONDS)).isEqualTo(LockResult.ACQUIRED);
        assertThat(cond.waiterCount()).isEqualTo(1);
        assertThat(ws.get(2)).isNotDone();
        lock.acquire();
        cond.signalAll();
        lock.release();
        assertThat(ws.get(2).get(30, TimeUnit.SECONDS)).isEqualTo(LockResult.ACQUIRED);
    }

    @Test
    void interruptedWaiter_throwsHoldingTheLock_andTheSignalGoesToTheNext() throws Exception {
        AtomicReference<Thread> t = new AtomicReference<>();
        CompletableFuture<Boolean> interrupted = inThread(() -> {
            lock.acquire();
            try {
                cond.await();
                return false;
            } finally {
                lock.release();
            }
        }, t);
        awaitValue(cond::waiterCount, 1);
        CompletableFuture<LockResult> next = waiter();
        awaitValue(cond::waiterCount, 2);
        t.get().interrupt();
        assertThat(failureOf(interrupted)).isInstanceOf(InterruptedException.class);
        awaitValue(cond::waiterCount, 1);
        signal(1);
        assertThat(next.get(30, TimeUnit.SECONDS)).isEqualTo(LockResult.ACQUIRED);
    }

    @Test
    void waitFor_loopsUntilThePredicateHolds() throws Exception {
        AtomicInteger value = new AtomicInteger();
        CompletableFuture<Boolean> w = inThread(() -> {
            lock.acquire();
            try {
                cond.waitFor(() -> value.get() >= 2);
                return cond.waitFor(() -> value.get() >= 3, Duration.ofMillis(20));
            } finally {
                lock.release();
            }
        }, new AtomicReference<>());
        for (int i = 1; i <= 2; i++) {
            awaitValue(cond::waiterCount, 1);
            lock.acquire();
            value.set(i);
            cond.signalAll();
            lock.release();
        }
        assertThat(w.get(30, TimeUnit.SECONDS)).as("timed waitFor returns the predicate's last value").isFalse();
    }

    @Test
    void awaitAsync_completesHoldingTheLock_orLeavesWhenCancelled() throws Exception {
        lock.acquire();
        CompletableFuture<?> cancelled = cond.awaitAsync();
        awaitValue(cond::waiterCount, 1);
        assertThat(cancelled.cancel(true)).isTrue();
        awaitValue(cond::waiterCount, 0);
        lock.acquire();
        CompletableFuture<?> f = cond.awaitAsync();
        awaitValue(cond::waiterCount, 1);
        lock.acquire();
        cond.signal();
        lock.release();
        f.get(30, TimeUnit.SECONDS);
        assertThat(lock.isLocked()).as("held on the caller's behalf").isTrue();
        lock.release();
    }

    @Test
    void waiterKilledAsItIsSignalled_theSignalPassesToTheNextWaiter() throws Exception {
        Child victim = Child.start("victim", dir, "condition.waiting:mark,condition.signalled:stop", "cwait C L");
        children.add(victim);
        victim.expectPoint("condition.waiting");
        CompletableFuture<LockResult> next = waiter();
        awaitValue(cond::waiterCount, 2);
        signal(1); // chooses the oldest: the child
        victim.expectPoint("condition.signalled");
        victim.kill();
        assertThat(next.get(30, TimeUnit.SECONDS)).isEqualTo(LockResult.ACQUIRED);
        assertThat(cond.passedOn()).isEqualTo(1);
    }

    @Test
    void lockHolderKilledAfterSignalling_theWaiterReacquiresWithOwnerDied() throws Exception {
        CompletableFuture<LockResult> w = waiter();
        awaitValue(cond::waiterCount, 1);
        Child signaller = Child.start("signaller", dir, "", "csignal C L");
        children.add(signaller);
        assertThat(signaller.nextLine()).isEqualTo("SIGNALLED");
        signaller.kill(); // dies holding the lock
        assertThat(w.get(30, TimeUnit.SECONDS)).isEqualTo(LockResult.OWNER_DIED);
    }

    // ---- awaitForResult with a timeout ------------------------------------------------------------

    @Test
    void timedAwaitForResult_liveHolders_reportsSignalledOrTimedOut() throws Exception {
        lock.acquire();
        assertThat(cond.awaitForResult(Duration.ofMillis(20))).isEqualTo(AwaitResult.TIMED_OUT);
        assertThat(cond.awaitForResult(20, TimeUnit.MILLISECONDS)).isEqualTo(AwaitResult.TIMED_OUT);
        assertThat(cond.awaitForResult(Duration.ZERO)).isEqualTo(AwaitResult.TIMED_OUT);
        assertThat(cond.awaitForResult(Duration.ofSeconds(Long.MIN_VALUE))).isEqualTo(AwaitResult.TIMED_OUT);
        assertThat(lock.isLocked()).isTrue();
        assertThat(cond.waiterCount()).isZero();
        lock.release();

        CompletableFuture<AwaitResult> w = inThread(() -> {
            lock.acquire();
            try {
                return cond.awaitForResult(30, TimeUnit.SECONDS);
            } finally {
                lock.release();
            }
        }, new AtomicReference<>());
        awaitValue(cond::waiterCount, 1);
        signal(1);
        assertThat(w.get(30, TimeUnit.SECONDS)).isEqualTo(AwaitResult.SIGNALLED);
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void timedAwaitForResult_withoutTheLockOrInterruptedOnEntry_throws() throws Exception {
        assertThatThrownBy(() -> cond.awaitForResult(Duration.ofSeconds(1)))
                .isInstanceOf(IllegalMonitorStateException.class);
        lock.acquire();
        assertThatThrownBy(() -> cond.awaitForResult(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> cond.awaitForResult(1, null)).isInstanceOf(NullPointerException.class);
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> cond.awaitForResult(Duration.ofSeconds(30))).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
        assertThat(lock.isLocked()).as("still held").isTrue();
        assertThat(cond.waiterCount()).isZero();
        lock.release();
    }

    @Test
    void timedAwaitForResult_holderKilledAfterSignalling_reportsSignalledOwnerDied() throws Exception {
        CompletableFuture<AwaitResult> w = inThread(() -> {
            lock.acquire();
            try {
                return cond.awaitForResult(Duration.ofSeconds(60));
            } finally {
                lock.release();
            }
        }, new AtomicReference<>());
        awaitValue(cond::waiterCount, 1);
        Child signaller = Child.start("signaller", dir, "", "csignal C L");
        children.add(signaller);
        assertThat(signaller.nextLine()).isEqualTo("SIGNALLED");
        signaller.kill(); // dies holding the lock, after signalling
        assertThat(w.get(30, TimeUnit.SECONDS)).isEqualTo(AwaitResult.SIGNALLED_OWNER_DIED);
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void timedAwaitForResult_timedOutWhileTheHolderDied_reportsTimedOutOwnerDied() throws Exception {
        // The waiter (a child, so that it can be paused) times out with nobody holding the lock and
        // stops before re-acquiring; another child takes the lock and is killed holding it; then
        // the waiter re-acquires from the dead holder.
        Child waiter = Child.start("waiter", dir, "condition.timedout:pause", "bg cwaitfor C L 20");
        children.add(waiter);
        waiter.expectPoint("condition.timedout");
        Child holder = Child.start("holder", dir, "", "acquire L");
        children.add(holder);
        assertThat(holder.nextLine()).isEqualTo("ACQUIRED");
        holder.kill();
        waiter.send("resume condition.timedout");
        List<String> lines = List.of(waiter.nextLine(), waiter.nextLine());
        assertThat(lines).containsExactlyInAnyOrder("RESUMED", "AWAITED TIMED_OUT_OWNER_DIED");
        assertThat(cond.waiterCount()).isZero();
        assertThat(lock.tryAcquire(Duration.ofSeconds(30))).as("released by the waiter").isTrue();
        lock.release();
    }
}
