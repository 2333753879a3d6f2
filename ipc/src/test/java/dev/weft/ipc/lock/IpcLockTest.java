package dev.weft.ipc.lock;

import dev.weft.core.sync.LockResult;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.internal.LockDescriptor;
import dev.weft.ipc.internal.MappedDomain;
import dev.weft.ipc.internal.MappedLock;
import dev.weft.ipc.internal.RegistryDescriptor;
import dev.weft.ipc.internal.SharedMemory;
import dev.weft.ipc.testing.IpcTesting;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** In-process behaviour of {@link IpcLock} (threads of one JVM); cross-process cases are in CrossProcessLockTest. */
@Timeout(60)
class IpcLockTest {

    private Path dir;
    private IpcDomain domain;

    @BeforeEach
    void open() throws Exception {
        dir = IpcTesting.newDomainDir("lock-test");
        domain = IpcTesting.open(dir);
    }

    @AfterEach
    void close() throws Exception {
        domain.close();
        IpcTesting.deleteTree(dir.getParent());
    }

    @Test
    void acquire_free_returnsAcquiredAndLocks() throws Exception {
        IpcLock lock = domain.lock("a");
        assertThat(lock.isLocked()).isFalse();
        assertThat(lock.acquireForResult()).isEqualTo(LockResult.ACQUIRED);
        assertThat(lock.isLocked()).isTrue();
        lock.release();
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void tryAcquire_held_returnsNotAcquiredWithoutBlocking() throws Exception {
        IpcLock lock = domain.lock("a");
        lock.acquireForResult();
        assertThat(lock.tryAcquireForResult()).isEqualTo(LockResult.NOT_ACQUIRED);
        assertThat(lock.tryAcquireForResult(Duration.ZERO)).isEqualTo(LockResult.NOT_ACQUIRED);
        assertThat(lock.tryAcquireForResult(-5, TimeUnit.SECONDS)).isEqualTo(LockResult.NOT_ACQUIRED);
        lock.release();
        assertThat(lock.tryAcquireForResult()).isEqualTo(LockResult.ACQUIRED);
        lock.release();
    }

    @Test
    void release_unlocked_throwsIllegalMonitorStateAndStaysUnlocked() throws Exception {
        IpcLock lock = domain.lock("a");
        assertThatThrownBy(lock::release).isInstanceOf(IllegalMonitorStateException.class).hasMessageContaining("not held");
        lock.acquireForResult();
        lock.release();
        assertThatThrownBy(lock::release).isInstanceOf(IllegalMonitorStateException.class);
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void release_byAnotherThread_isAllowedAsInPython() throws Exception {
        IpcLock lock = domain.lock("a");
        lock.acquireForResult();
        Thread t = Thread.ofPlatform().start(lock::release);
        t.join();
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void acquire_byHolderAgain_isNotReentrant() throws Exception {
        IpcLock lock = domain.lock("a");
        lock.acquireForResult();
        assertThat(lock.tryAcquireForResult(Duration.ofMillis(50))).isEqualTo(LockResult.NOT_ACQUIRED);
        lock.release();
    }

    @Test
    void tryAcquireTimed_heldThroughout_returnsNotAcquiredAfterTimeout() throws Exception {
        IpcLock lock = domain.lock("a");
        lock.acquireForResult();
        long start = System.nanoTime();
        LockResult r = lock.tryAcquireForResult(Duration.ofMillis(150));
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(r).isEqualTo(LockResult.NOT_ACQUIRED);
        assertThat(elapsedMs).isBetween(150L, 5_000L);
        lock.release();
    }

    @Test
    void acquire_waitingThread_getsLockWhenReleased() throws Exception {
        IpcLock lock = domain.lock("a");
        lock.acquireForResult();
        AtomicReference<LockResult> result = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                result.set(lock.acquireForResult());
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        awaitBlocked(waiter);
        assertThat(result.get()).isNull();
        lock.release();
        waiter.join();
        assertThat(result.get()).isEqualTo(LockResult.ACQUIRED);
        assertThat(lock.isLocked()).isTrue();
        lock.release();
    }

    @Test
    void acquire_interruptedOnEntry_throwsAndDoesNotAcquire() throws Exception {
        IpcLock lock = domain.lock("a");
        Thread.currentThread().interrupt();
        assertThatThrownBy(lock::acquire).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void acquire_interruptedWhileWaiting_throwsPromptly() throws Exception {
        IpcLock lock = domain.lock("a");
        lock.acquireForResult();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> statusAfter = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                lock.acquireForResult();
            } catch (Throwable t) {
                thrown.set(t);
                statusAfter.set(Thread.currentThread().isInterrupted());
            }
        });
        awaitBlocked(waiter);
        long start = System.nanoTime();
        waiter.interrupt();
        waiter.join();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2_000);
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(statusAfter.get()).isFalse();
        assertThat(lock.isLocked()).isTrue(); // still ours
        lock.release();
    }

    @Test
    void acquire_virtualThreadInterruptedWhileWaiting_throwsAtOnce() throws Exception {
        IpcLock lock = domain.lock("a");
        lock.acquireForResult();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                lock.acquireForResult();
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        awaitBlocked(waiter);
        long start = System.nanoTime();
        waiter.interrupt();
        waiter.join();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2_000);
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        lock.release();
    }

    @Test
    void acquire_domainClosedWhileWaiting_throwsIllegalState() throws Exception {
        IpcLock lock = domain.lock("a");
        lock.acquireForResult();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                lock.acquireForResult();
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        awaitBlocked(waiter);
        domain.close();
        waiter.join();
        assertThat(thrown.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void acquire_manyThreads_mutualExclusionWithoutLostUpdates() throws Exception {
        IpcLock lock = domain.lock("counter");
        int threads = 4;
        int perThread = 20_000;
        long[] counter = {0};
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < perThread; i++) {
                        lock.acquireForResult();
                        if (inside.incrementAndGet() != 1) {
                            overlaps.incrementAndGet();
                        }
                        counter[0]++;
                        inside.decrementAndGet();
                        lock.release();
                    }
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }));
        }
        for (Thread t : workers) {
            t.join();
        }
        assertThat(overlaps.get()).isZero();
        assertThat(counter[0]).isEqualTo((long) threads * perThread);
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void acquire_holderTokenDead_returnsOwnerDiedOnce() throws Exception {
        MappedLock lock = ((MappedDomain) domain).lockImpl("recover");
        int deadToken = deadToken();
        SharedMemory raw = SharedMemory.map(dir.resolve("lock.recover"), LockDescriptor.FILE_LENGTH);
        raw.setIntVolatile(LockDescriptor.LOCK_WORD_OFFSET, deadToken);
        assertThat(lock.acquireForResult()).isEqualTo(LockResult.OWNER_DIED);
        assertThat(lock.recoveries()).isEqualTo(1);
        assertThat(lock.word() & LockDescriptor.OWNER_MASK).isEqualTo(((MappedDomain) domain).token());
        lock.release();
        assertThat(lock.acquireForResult()).isEqualTo(LockResult.ACQUIRED);
        lock.release();
    }

    @Test
    void tryAcquire_holderTokenDead_recoversWithoutWaiting() throws Exception {
        MappedLock lock = ((MappedDomain) domain).lockImpl("recover");
        SharedMemory raw = SharedMemory.map(dir.resolve("lock.recover"), LockDescriptor.FILE_LENGTH);
        raw.setIntVolatile(LockDescriptor.LOCK_WORD_OFFSET, deadToken() | LockDescriptor.WAITERS);
        assertThat(lock.tryAcquireForResult()).isEqualTo(LockResult.OWNER_DIED);
        assertThat(lock.word()).isEqualTo(((MappedDomain) domain).token() | LockDescriptor.WAITERS);
        lock.release();
    }

    @Test
    void tryAcquireTimed_shorterThanSliceAndHolderDead_recoversAtDeadline() throws Exception {
        MappedLock lock = ((MappedDomain) domain).lockImpl("recover");
        SharedMemory raw = SharedMemory.map(dir.resolve("lock.recover"), LockDescriptor.FILE_LENGTH);
        raw.setIntVolatile(LockDescriptor.LOCK_WORD_OFFSET, deadToken());
        assertThat(lock.tryAcquireForResult(Duration.ofMillis(1))).isEqualTo(LockResult.OWNER_DIED);
        lock.release();
    }

    @Test
    void acquire_afterDomainClosed_throwsIllegalState() throws Exception {
        IpcLock lock = domain.lock("a");
        domain.close();
        assertThatThrownBy(lock::acquire).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(lock::tryAcquire).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void acquire_thousandWaitingVirtualThreads_doNotStarveOtherVirtualThreads() throws Exception {
        IpcLock lock = domain.lock("vt");
        lock.acquireForResult();
        int waiters = 1000;
        CountDownLatch started = new CountDownLatch(waiters);
        CountDownLatch done = new CountDownLatch(waiters);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < waiters; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                started.countDown();
                try {
                    lock.acquireForResult();
                    lock.release();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                done.countDown();
            }));
        }
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        for (Thread t : threads) {
            awaitBlocked(t);
        }
        // With every waiter blocked, other virtual threads still run (carriers are free).
        CountDownLatch others = new CountDownLatch(100);
        for (int i = 0; i < 100; i++) {
            Thread.ofVirtual().start(others::countDown);
        }
        assertThat(others.await(10, TimeUnit.SECONDS)).as("other virtual threads ran").isTrue();
        lock.release();
        assertThat(done.await(50, TimeUnit.SECONDS)).as("every waiter acquired in turn").isTrue();
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void toString_showsStateAndHolder() throws Exception {
        IpcLock lock = domain.lock("shown");
        assertThat(lock.toString()).contains("shown").contains("unlocked");
        lock.acquireForResult();
        assertThat(lock.toString()).contains("locked by this process");
        lock.release();
    }

    /** A token of a registry entry nobody holds (state FREE): provably dead. */
    private int deadToken() {
        int own = RegistryDescriptor.tokenIndex(((MappedDomain) domain).token());
        int index = (own + 1) % RegistryDescriptor.CAPACITY;
        int token = RegistryDescriptor.token(index, 7);
        assertThat(((MappedDomain) domain).liveness().isDead(token)).isTrue();
        return token;
    }

    static void awaitBlocked(Thread t) throws InterruptedException {
        IpcTesting.awaitBlocked(t);
    }
}
