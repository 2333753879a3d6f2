package dev.weft.ipc.lock;

import static dev.weft.testlib.Threads.failureOf;
import static dev.weft.testlib.Threads.inThread;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.core.sync.LockResult;
import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.testing.Child;
import dev.weft.ipc.testing.IpcTesting;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The re-entrant lock: ownership by one thread of one process, hold counts, and dead-owner recovery. */
@Timeout(120)
class IpcRLockTest {

    private Path dir;
    private IpcDomain domain;
    private IpcRLock lock;
    private Child child;

    @BeforeEach
    void open() throws Exception {
        dir = IpcTesting.newDomainDir("rlock");
        domain = IpcTesting.open(dir);
        lock = domain.rlock("R");
    }

    @AfterEach
    void close() throws Exception {
        if (child != null) {
            child.close();
        }
        domain.close();
        IpcTesting.deleteTree(dir.getParent());
    }

    @Test
    void owner_acquiresAgain_andMustReleaseAsOften() throws Exception {
        assertThat(lock.acquireForResult()).isEqualTo(LockResult.ACQUIRED);
        assertThat(lock.tryAcquire()).isTrue();
        assertThat(lock.tryAcquire(Duration.ofSeconds(1))).isTrue();
        lock.lock();
        assertThat(lock.holdCount()).isEqualTo(4);
        assertThat(inThread(lock::tryAcquire, new AtomicReference<>()).get(30, TimeUnit.SECONDS)).isFalse();
        lock.release();
        lock.unlock();
        lock.release();
        assertThat(lock.isLocked()).isTrue();
        assertThat(lock.holdCount()).isEqualTo(1);
        lock.release();
        assertThat(lock.isLocked()).isFalse();
        assertThat(lock.holdCount()).isZero();
        assertThatThrownBy(lock::release).isInstanceOf(IllegalMonitorStateException.class).hasMessageContaining("free");
    }

    @Test
    void release_byAnotherThread_throwsAndChangesNothing() throws Exception {
        lock.acquire();
        lock.acquire();
        Throwable failure = failureOf(inThread(() -> {
            lock.release();
            return true;
        }, new AtomicReference<>()));
        assertThat(failure).isInstanceOf(IllegalMonitorStateException.class).hasMessageContaining("another thread holds it");
        assertThat(lock.holdCount()).isEqualTo(2);
        lock.release();
        lock.release();
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void waiter_acquiresOnlyAfterTheLastRelease() throws Exception {
        lock.acquire();
        lock.acquire();
        AtomicReference<Thread> t = new AtomicReference<>();
        CompletableFuture<Integer> waiter = inThread(() -> {
            lock.acquire();
            int holds = lock.holdCount();
            lock.release();
            return holds;
        }, t);
        IpcTesting.awaitBlocked(t.get());
        lock.release();
        IpcTesting.awaitBlocked(t.get());
        assertThat(waiter).isNotDone();
        lock.release();
        assertThat(waiter.get(30, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void waiter_interruptedOrTimedOut_holdsNothing() throws Exception {
        lock.acquire();
        AtomicReference<Thread> t = new AtomicReference<>();
        CompletableFuture<Boolean> waiter = inThread(() -> {
            lock.acquire();
            return true;
        }, t);
        IpcTesting.awaitBlocked(t.get());
        t.get().interrupt();
        assertThat(failureOf(waiter)).isInstanceOf(InterruptedException.class);
        assertThat(inThread(() -> lock.tryAcquire(20, TimeUnit.MILLISECONDS), new AtomicReference<>())
                .get(30, TimeUnit.SECONDS)).isFalse();
        assertThat(lock.holdCount()).isEqualTo(1);
        lock.release();
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void ownerProcessKilled_nextAcquirerGetsOwnerDied_withOneHold() throws Exception {
        child = Child.start("rlock-owner", dir, "", "racquire R", "racquire R");
        assertThat(child.nextLine()).isEqualTo("ACQUIRED");
        assertThat(child.nextLine()).isEqualTo("ACQUIRED");
        assertThat(lock.isHeldByCurrentThread()).as("held by a thread of another process").isFalse();
        assertThatThrownBy(lock::release).isInstanceOf(IllegalMonitorStateException.class);
        assertThat(lock.tryAcquire()).isFalse();
        child.kill();
        assertThat(lock.tryAcquireForResult(IpcTesting.SLICE.plusSeconds(30))).isEqualTo(LockResult.OWNER_DIED);
        assertThat(lock.holdCount()).isEqualTo(1);
        lock.release();
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void releaseByAnotherProcess_isRefused() throws Exception {
        lock.acquire();
        child = Child.start("rlock-stranger", dir, "", "rrelease R");
        assertThat(child.nextLine()).isEqualTo("ERROR IllegalMonitorStateException");
        assertThat(lock.holdCount()).isEqualTo(1);
        lock.release();
        assertThat(child.call("racquire R")).isEqualTo("ACQUIRED");
        assertThat(child.call("rrelease R")).isEqualTo("RELEASED");
    }
}
