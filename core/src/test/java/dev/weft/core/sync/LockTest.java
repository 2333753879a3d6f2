package dev.weft.core.sync;

import static dev.weft.core.sync.SyncTesting.awaitParked;
import static dev.weft.core.sync.SyncTesting.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.core.sync.SyncTesting.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Behaviours of {@link Lock}, after CPython's {@code test_locks.LockTests}. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LockTest {

    /** Whether the locks under test are fair; {@link FairLockTest} runs every test in that mode. */
    boolean fair() {
        return false;
    }

    Lock newLock() {
        return fair() ? Lock.fair() : new Lock();
    }


    // ---- basics (test_lock, test_repr, test_release_not_acquired, test_release_no_waiters)

    @Test
    void newLock_isUnlocked() {
        Lock lock = newLock();

        assertThat(lock.isLocked()).isFalse();
        assertThat(lock.hasWaiters()).isFalse();
        assertThat(lock.waiterCount()).isZero();
        assertThat(lock).hasToString("Lock[unlocked, waiters=0]");
    }

    @Test
    void acquire_whenFree_locksAtOnce() throws InterruptedException {
        Lock lock = newLock();

        lock.acquire();

        assertThat(lock.isLocked()).isTrue();
        assertThat(lock).hasToString("Lock[locked, waiters=0]");
        lock.release();
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void release_whenFree_throwsAndChangesNothing() {
        Lock lock = newLock();

        assertThatThrownBy(lock::release)
                .isInstanceOf(IllegalMonitorStateException.class)
                .hasMessageContaining("not acquired");
        assertThat(lock.isLocked()).isFalse();
        assertThat(lock.tryAcquire()).isTrue();
        lock.release();
        assertThatThrownBy(lock::unlock).isInstanceOf(IllegalMonitorStateException.class);
    }

    @Test
    void tryAcquire_whenHeld_returnsFalse() {
        Lock lock = newLock();
        assertThat(lock.tryAcquire()).isTrue();

        assertThat(lock.tryAcquire()).isFalse();
        assertThat(lock.tryLock()).isFalse();
    }

    @Test
    void release_byAnotherThread_isAllowedBecauseTheLockHasNoOwner() throws Exception {
        Lock lock = newLock();
        lock.acquire();

        Worker<Boolean> other = Worker.start("releaser", () -> {
            lock.release();
            return lock.isLocked();
        });

        assertThat(other.get()).isFalse();
    }

    // ---- FIFO order and no barging (test_acquire)

    @Test
    void release_withThreeQueuedRequests_servesThemInArrivalOrder() throws InterruptedException {
        Lock lock = newLock();
        lock.acquire();
        List<Integer> order = new ArrayList<>();
        CompletableFuture<@Nullable Void> f1 = lock.acquireAsync().thenRun(() -> order.add(1));
        CompletableFuture<@Nullable Void> f2 = lock.acquireAsync().thenRun(() -> order.add(2));
        CompletableFuture<@Nullable Void> f3 = lock.acquireAsync().thenRun(() -> order.add(3));
        assertThat(lock.waiterCount()).isEqualTo(3);

        lock.release();
        assertThat(order).containsExactly(1);
        lock.release();
        assertThat(order).containsExactly(1, 2);
        lock.release();
        assertThat(order).containsExactly(1, 2, 3);

        assertThat(f1).isCompleted();
        assertThat(f2).isCompleted();
        assertThat(f3).isCompleted();
        assertThat(lock.isLocked()).isTrue();
        lock.release();
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void acquire_byReleaserWhileOthersWait_queuesBehindThem() throws Exception {
        Lock lock = newLock();
        lock.acquire();
        CompletableFuture<@Nullable Void> waiting = lock.acquireAsync();

        lock.release();   // hands the lock to the waiting request
        assertThat(waiting).isCompleted();
        assertThat(lock.tryAcquire()).as("a releaser cannot barge back in").isFalse();

        CompletableFuture<@Nullable Void> again = lock.acquireAsync();
        assertThat(again).isNotDone();
        lock.release();   // the first waiter's hold ends
        assertThat(again).isCompleted();
        lock.release();
    }

    @Test
    void release_toBlockedThread_handsTheLockOverWithoutFreeingIt() throws Exception {
        Lock lock = newLock();
        lock.acquire();
        Worker<Boolean> waiter = Worker.start("waiter", () -> {
            lock.acquire();
            return lock.isLocked();
        });
        eventually("the waiter is queued", () -> lock.waiterCount() == 1);

        lock.release();

        assertThat(waiter.get()).isTrue();
        assertThat(lock.isLocked()).as("the waiter holds it now").isTrue();
        assertThat(lock.tryAcquire()).isFalse();
        lock.release();
    }

    // ---- cancellation (test_acquire_cancel, test_cancel_race, test_cancel_release_race,
    //      test_finished_waiter_cancelled)

    @Test
    void acquireAsync_cancelledWhileQueued_leavesNoEntry() throws InterruptedException {
        Lock lock = newLock();
        lock.acquire();
        CompletableFuture<@Nullable Void> f = lock.acquireAsync();

        assertThat(f.cancel(false)).isTrue();

        assertThat(lock.waiterCount()).isZero();
        assertThat(lock.hasWaiters()).isFalse();
        lock.release();
        assertThat(lock.isLocked()).as("nobody holds it after the release").isFalse();
        assertThat(lock.tryAcquire()).isTrue();
    }

    @Test
    void release_afterQueuedRequestCancelled_servesTheNextOne() throws InterruptedException {
        Lock lock = newLock();
        lock.acquire();
        CompletableFuture<@Nullable Void> b = lock.acquireAsync();
        CompletableFuture<@Nullable Void> c = lock.acquireAsync();

        b.cancel(false);
        lock.release();

        assertThat(b).isCancelled();
        assertThat(c).isCompleted();
        assertThat(lock.isLocked()).isTrue();
    }

    @Test
    void release_afterSecondOfFourCancelled_letsExactlyOneHolderIn() throws InterruptedException {
        Lock lock = newLock();
        lock.acquire();
        CompletableFuture<@Nullable Void> f2 = lock.acquireAsync();
        CompletableFuture<@Nullable Void> f3 = lock.acquireAsync();
        CompletableFuture<@Nullable Void> f4 = lock.acquireAsync();

        f2.cancel(false);
        lock.release();

        assertThat(f3).isCompleted();
        assertThat(f4).as("only one holder at a time (bpo-32734)").isNotDone();
        lock.release();
        assertThat(f4).isCompleted();
    }

    @Test
    void cancel_afterTheLockWasHandedOver_failsAndTheCallerHoldsTheLock() throws InterruptedException {
        Lock lock = newLock();
        lock.acquire();
        CompletableFuture<@Nullable Void> first = lock.acquireAsync();
        CompletableFuture<@Nullable Void> second = lock.acquireAsync();

        lock.release();

        assertThat(first.cancel(false)).as("too late: the hand-off completed it").isFalse();
        assertThat(second).isNotDone();
        lock.release();   // the owner of 'first' releases
        assertThat(second).isCompleted();
    }

    @Test
    void acquireAsync_withOrTimeout_withdrawsOnTimeout() throws InterruptedException {
        Lock lock = newLock();
        lock.acquire();
        CompletableFuture<@Nullable Void> f = lock.acquireAsync().orTimeout(10, TimeUnit.MILLISECONDS);

        assertThatThrownBy(f::join).hasCauseInstanceOf(TimeoutException.class);
        eventually("the timed-out request is unlinked", () -> lock.waiterCount() == 0);
        lock.release();
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void acquireAsync_completedByCaller_withdrawsTheRequest() throws InterruptedException {
        Lock lock = newLock();
        lock.acquire();
        CompletableFuture<@Nullable Void> f = lock.acquireAsync();

        f.completeExceptionally(new IllegalStateException("gave up"));

        assertThat(lock.waiterCount()).isZero();
        lock.release();
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void acquireAsync_whenFree_returnsCompletedFuture() {
        Lock lock = newLock();

        CompletableFuture<@Nullable Void> f = lock.acquireAsync();

        assertThat(f).isCompleted();
        assertThat(f.cancel(false)).isFalse();
        assertThat(lock.isLocked()).isTrue();
    }

    @Test
    void acquireAsync_isCompletedByTheReleasingThread() throws Exception {
        Lock lock = newLock();
        lock.acquire();
        AtomicReference<@Nullable Thread> completer = new AtomicReference<>();
        CompletableFuture<@Nullable Void> f = lock.acquireAsync().thenRun(() -> completer.set(Thread.currentThread()));

        Worker<Thread> releaser = Worker.start("releaser", () -> {
            lock.release();
            return Thread.currentThread();
        });

        Thread t = releaser.get();
        f.join();
        assertThat(completer.get()).isSameAs(t);
    }

    // ---- interrupts and timeouts

    @Test
    void acquire_interruptedOnEntry_throwsWithoutAcquiring() {
        Lock lock = newLock();
        Thread.currentThread().interrupt();

        assertThatThrownBy(lock::acquire).isInstanceOf(InterruptedException.class);

        assertThat(Thread.currentThread().isInterrupted()).as("status cleared").isFalse();
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void acquire_interruptedWhileQueued_throwsAndLeavesNoEntry() throws Exception {
        Lock lock = newLock();
        lock.acquire();
        Worker<Boolean> waiter = Worker.start("waiter", () -> {
            try {
                lock.acquire();
                return true;
            } catch (InterruptedException e) {
                return Thread.currentThread().isInterrupted();
            }
        });
        eventually("the waiter is queued", () -> lock.waiterCount() == 1);
        awaitParked(waiter.thread);

        waiter.thread.interrupt();

        assertThat(waiter.get()).as("interrupt status after InterruptedException").isFalse();
        assertThat(lock.waiterCount()).isZero();
        lock.release();
        assertThat(lock.isLocked()).as("the withdrawn request took nothing").isFalse();
    }

    @Test
    void acquireUninterruptibly_interruptedWhileQueued_acquiresAndReassertsTheInterrupt() throws Exception {
        Lock lock = newLock();
        lock.acquire();
        Worker<Boolean> waiter = Worker.start("waiter", () -> {
            lock.lock();
            boolean interrupted = Thread.interrupted();
            lock.unlock();
            return interrupted;
        });
        eventually("the waiter is queued", () -> lock.waiterCount() == 1);
        awaitParked(waiter.thread);
        waiter.thread.interrupt();
        awaitParked(waiter.thread);   // it parks again: the interrupt did not end the wait
        assertThat(waiter.isDone()).isFalse();

        lock.release();

        assertThat(waiter.get()).isTrue();
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void tryAcquire_withTimeout_whenHeld_returnsFalseAndLeavesNoEntry() throws InterruptedException {
        Lock lock = newLock();
        lock.acquire();

        assertThat(lock.tryAcquire(Duration.ofMillis(20))).isFalse();
        assertThat(lock.tryLock(5, TimeUnit.MILLISECONDS)).isFalse();

        assertThat(lock.waiterCount()).isZero();
        lock.release();
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void tryAcquire_withZeroOrNegativeTimeout_pollsOnce() throws InterruptedException {
        Lock lock = newLock();

        assertThat(lock.tryAcquire(Duration.ZERO)).isTrue();
        assertThat(lock.tryAcquire(Duration.ofSeconds(-1))).isFalse();
        assertThat(lock.waiterCount()).isZero();
    }

    @Test
    void tryAcquire_withTimeout_releasedInTime_acquires() throws Exception {
        Lock lock = newLock();
        lock.acquire();
        Worker<Boolean> waiter = Worker.start("waiter", () -> lock.tryAcquire(Duration.ofSeconds(20)));
        eventually("the waiter is queued", () -> lock.waiterCount() == 1);

        lock.release();

        assertThat(waiter.get()).isTrue();
        assertThat(lock.isLocked()).isTrue();
    }

    @Test
    void tryAcquire_nullTimeout_throwsNullPointerException() {
        Lock lock = newLock();

        assertThatThrownBy(() -> lock.tryAcquire(null)).isInstanceOf(NullPointerException.class);
    }

    // ---- java.util.concurrent.locks.Lock

    @Test
    void jdkLockMethods_mapOntoTheAsyncioForms() throws InterruptedException {
        Lock lock = newLock();
        java.util.concurrent.locks.Lock jdk = lock;

        jdk.lock();
        assertThat(lock.isLocked()).isTrue();
        jdk.unlock();
        jdk.lockInterruptibly();
        assertThat(jdk.tryLock(1, TimeUnit.MILLISECONDS)).isFalse();
        jdk.unlock();
        assertThat(jdk.tryLock()).isTrue();
        jdk.unlock();
        assertThat(jdk.newCondition()).isInstanceOf(Condition.class);
        assertThat(lock.newCondition().getLock()).isSameAs(lock);
    }

    // ---- mutual exclusion under load

    @Test
    void acquire_fromManyVirtualThreadsMixingForms_keepsMutualExclusion() throws Exception {
        Lock lock = newLock();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        int[] counter = {0};
        int tasks = 16;
        int rounds = 500;
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < tasks; t++) {
                int kind = t % 3;
                futures.add(executor.submit(() -> {
                    for (int i = 0; i < rounds; i++) {
                        switch (kind) {
                            case 0 -> lock.acquire();
                            case 1 -> lock.acquireAsync().join();
                            default -> {
                                while (!lock.tryAcquire(Duration.ofMillis(1))) {
                                    Thread.onSpinWait();
                                }
                            }
                        }
                        try {
                            maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                            counter[0]++;
                            inside.decrementAndGet();
                        } finally {
                            lock.release();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        assertThat(maxInside.get()).isEqualTo(1);
        assertThat(counter[0]).isEqualTo(tasks * rounds);
        assertThat(lock.isLocked()).isFalse();
        assertThat(lock.waiterCount()).isZero();
    }

    @Test
    void cancel_racingWithReleases_neverLosesOrDuplicatesTheLock() throws Exception {
        // Many rounds of: a queued request, a release and a cancel from two threads at once.
        Lock lock = newLock();
        for (int round = 0; round < 2_000; round++) {
            lock.acquire();
            CompletableFuture<@Nullable Void> pending = lock.acquireAsync();
            Worker<Boolean> canceller = Worker.start("canceller", () -> pending.cancel(false));
            lock.release();
            boolean cancelled = canceller.get();
            if (cancelled) {
                assertThat(lock.isLocked()).as("round %d: cancel won, lock must be free", round).isFalse();
            } else {
                assertThat(pending).isCompleted();
                assertThat(lock.isLocked()).as("round %d: hand-off won, lock must be held", round).isTrue();
                lock.release();
            }
            assertThat(lock.waiterCount()).isZero();
        }
    }
}
