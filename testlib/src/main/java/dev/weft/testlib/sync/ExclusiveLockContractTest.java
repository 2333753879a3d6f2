package dev.weft.testlib.sync;

import static dev.weft.testlib.Threads.failureOf;
import static dev.weft.testlib.Threads.inThread;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.core.sync.ExclusiveLock;
import dev.weft.core.sync.LockResult;
import dev.weft.testlib.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@link ExclusiveLock} contract as a test suite, run against every Weft lock at every scale by
 * a subclass in that implementation's tests: mutual exclusion, the immediate, timed (both timeout
 * styles), blocking, uninterruptible, asynchronous and {@link LockResult} forms, the JDK
 * {@link java.util.concurrent.locks.Lock} forms, interrupts, cancellation racing a release (the
 * lock is never lost or held twice), unowned release, and the one misuse exception.
 *
 * <p>A subclass supplies {@link #createLock()}; it may override {@link #awaitBlocked(Thread)} if
 * its waiting threads do not show as {@code WAITING}/{@code TIMED_WAITING}. The suite uses only
 * the contract, with a live holder throughout, so it expects {@link LockResult#OWNER_DIED} never;
 * recovery from dead holders stays in the implementation's own tests.
 *
 * <p>No sleeps order events: latches, futures and waits for a thread to block do.
 */
@Timeout(60)
public abstract class ExclusiveLockContractTest {

    /**
     * A new lock, free.
     *
     * @return the lock
     * @throws Exception if it cannot be created
     */
    protected abstract ExclusiveLock createLock() throws Exception;

    /**
     * Waits until {@code t} is blocked in a lock operation. The default waits for
     * {@code WAITING}/{@code TIMED_WAITING}.
     *
     * @param t the thread
     * @throws InterruptedException if interrupted
     */
    protected void awaitBlocked(Thread t) throws InterruptedException {
        Threads.awaitWaiting(t);
    }

    /** Takes the lock within 30 s (it must become free) and releases it again. */
    private static void assertEventuallyFree(ExclusiveLock lock) throws InterruptedException {
        assertThat(lock.tryAcquire(Duration.ofSeconds(30))).as("the lock became free").isTrue();
        lock.release();
    }

    // ---- the immediate and plain forms --------------------------------------------------------

    @Test
    void acquireAndRelease_freeLock_holdThenFree() throws Exception {
        ExclusiveLock lock = createLock();
        assertThat(lock.isLocked()).isFalse();
        lock.acquire();
        assertThat(lock.isLocked()).isTrue();
        lock.release();
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void tryForms_held_failWithoutWaiting() throws Exception {
        ExclusiveLock lock = createLock();
        assertThat(lock.tryAcquire()).isTrue();
        assertThat(lock.tryAcquire()).isFalse();
        assertThat(lock.tryLock()).isFalse();
        assertThat(lock.tryAcquireForResult()).isEqualTo(LockResult.NOT_ACQUIRED);
        assertThat(lock.isLocked()).isTrue();
        lock.release();
        assertThat(lock.tryAcquireForResult()).isEqualTo(LockResult.ACQUIRED);
        lock.release();
    }

    @Test
    void timedForms_held_timeOutAfterTheTimeoutInBothStyles() throws Exception {
        ExclusiveLock lock = createLock();
        lock.acquire();
        long start = System.nanoTime();
        assertThat(lock.tryAcquire(Duration.ofMillis(20))).isFalse();
        assertThat(lock.tryAcquire(20, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(lock.tryLock(20, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(lock.tryAcquireForResult(Duration.ofMillis(20))).isEqualTo(LockResult.NOT_ACQUIRED);
        assertThat(lock.tryAcquireForResult(20, TimeUnit.MILLISECONDS)).isEqualTo(LockResult.NOT_ACQUIRED);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(lock.isLocked()).isTrue();
        lock.release();
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void timedForms_zeroNegativeAndHugeTimeouts() throws Exception {
        ExclusiveLock lock = createLock();
        assertThat(lock.tryAcquire(Duration.ZERO)).isTrue();
        assertThat(lock.tryAcquire(-1, TimeUnit.SECONDS)).isFalse();
        assertThat(lock.tryAcquire(Duration.ofSeconds(Long.MIN_VALUE))).isFalse();
        lock.release();
        assertThat(lock.tryAcquire(Duration.ofSeconds(Long.MAX_VALUE))).isTrue();
        lock.release();
        assertThat(lock.tryAcquire(Long.MAX_VALUE, TimeUnit.DAYS)).isTrue();
        lock.release();
    }

    @Test
    void release_freeLock_throwsIllegalMonitorStateAndChangesNothing() throws Exception {
        ExclusiveLock lock = createLock();
        assertThatThrownBy(lock::release).isInstanceOf(IllegalMonitorStateException.class);
        assertThatThrownBy(lock::unlock).isInstanceOf(IllegalMonitorStateException.class);
        assertThat(lock.isLocked()).isFalse();
        lock.acquire();
        lock.release();
        assertThatThrownBy(lock::release).isInstanceOf(IllegalMonitorStateException.class);
        assertThat(lock.tryAcquire()).isTrue();
        lock.release();
    }

    @Test
    void release_byAnotherThread_isAllowed_theLockIsNotOwned() throws Exception {
        ExclusiveLock lock = createLock();
        AtomicReference<Thread> t = new AtomicReference<>();
        inThread(() -> {
            lock.acquire();
            return true;
        }, t).get(30, TimeUnit.SECONDS);
        t.get().join();
        assertThat(lock.isLocked()).isTrue();
        lock.release();
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void jdkForms_mapOntoTheWeftForms() throws Exception {
        ExclusiveLock lock = createLock();
        lock.lock();
        assertThat(lock.isLocked()).isTrue();
        lock.unlock();
        lock.lockInterruptibly();
        assertThat(lock.tryLock()).isFalse();
        lock.unlock();
        assertThat(lock.tryLock(1, TimeUnit.SECONDS)).isTrue();
        lock.unlock();
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void nullTimeouts_areRejected() throws Exception {
        ExclusiveLock lock = createLock();
        assertThatThrownBy(() -> lock.tryAcquire((Duration) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> lock.tryAcquire(1, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> lock.tryAcquireForResult((Duration) null)).isInstanceOf(NullPointerException.class);
        assertThat(lock.isLocked()).isFalse();
    }

    // ---- blocking and interrupts ---------------------------------------------------------------

    @Test
    void acquire_blockedWhileHeld_acquiresAfterTheRelease() throws Exception {
        ExclusiveLock lock = createLock();
        lock.acquire();
        AtomicReference<Thread> t = new AtomicReference<>();
        CompletableFuture<LockResult> got = inThread(lock::acquireForResult, t);
        awaitBlocked(t.get());
        assertThat(got).isNotDone();
        lock.release();
        assertThat(got.get(30, TimeUnit.SECONDS)).isEqualTo(LockResult.ACQUIRED);
        assertThat(lock.isLocked()).isTrue();
        lock.release();
    }

    @Test
    void acquire_interruptedOnEntry_throwsWithoutAcquiring() throws Exception {
        ExclusiveLock lock = createLock();
        Thread.currentThread().interrupt();
        assertThatThrownBy(lock::acquire).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void acquire_interruptedWhileWaiting_throwsAndLeavesNoTrace() throws Exception {
        ExclusiveLock lock = createLock();
        lock.acquire();
        AtomicReference<Thread> t = new AtomicReference<>();
        CompletableFuture<Boolean> waiter = inThread(() -> {
            lock.acquire();
            return true;
        }, t);
        awaitBlocked(t.get());
        t.get().interrupt();
        assertThat(failureOf(waiter)).isInstanceOf(InterruptedException.class);
        lock.release();
        assertThat(lock.isLocked()).isFalse();
        assertEventuallyFree(lock);
    }

    @Test
    void timedAcquire_interruptedWhileWaiting_throwsAndLeavesNoTrace() throws Exception {
        ExclusiveLock lock = createLock();
        lock.acquire();
        AtomicReference<Thread> t = new AtomicReference<>();
        CompletableFuture<Boolean> waiter = inThread(() -> lock.tryAcquire(30, TimeUnit.SECONDS), t);
        awaitBlocked(t.get());
        t.get().interrupt();
        assertThat(failureOf(waiter)).isInstanceOf(InterruptedException.class);
        lock.release();
        assertEventuallyFree(lock);
    }

    @Test
    void acquireUninterruptibly_interruptedWhileWaiting_acquiresAndRestoresTheStatus() throws Exception {
        ExclusiveLock lock = createLock();
        lock.acquire();
        AtomicReference<Thread> t = new AtomicReference<>();
        CompletableFuture<Boolean> waiter = inThread(() -> {
            lock.acquireUninterruptibly();
            return Thread.currentThread().isInterrupted();
        }, t);
        awaitBlocked(t.get());
        t.get().interrupt();
        awaitBlocked(t.get());
        assertThat(waiter).isNotDone();
        lock.release();
        assertThat(waiter.get(30, TimeUnit.SECONDS)).as("interrupt status restored").isTrue();
        assertThat(lock.isLocked()).isTrue();
        lock.release();
    }

    // ---- asynchronous forms -------------------------------------------------------------------

    @Test
    void acquireAsync_free_completesAndHolds() throws Exception {
        ExclusiveLock lock = createLock();
        lock.acquireAsync().get(30, TimeUnit.SECONDS);
        assertThat(lock.isLocked()).isTrue();
        lock.release();
        assertThat(lock.acquireForResultAsync().get(30, TimeUnit.SECONDS)).isEqualTo(LockResult.ACQUIRED);
        assertThat(lock.isLocked()).isTrue();
        lock.release();
    }

    @Test
    void acquireAsync_held_completesAfterTheRelease() throws Exception {
        ExclusiveLock lock = createLock();
        lock.acquire();
        CompletableFuture<?> plain = lock.acquireAsync();
        assertThat(plain).isNotDone();
        lock.release();
        plain.get(30, TimeUnit.SECONDS);
        CompletableFuture<LockResult> result = lock.acquireForResultAsync();
        assertThat(result).isNotDone();
        lock.release();
        assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo(LockResult.ACQUIRED);
        lock.release();
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void acquireAsync_cancelledWhilePending_neverTakesTheLock() throws Exception {
        ExclusiveLock lock = createLock();
        lock.acquire();
        CompletableFuture<?> plain = lock.acquireAsync();
        CompletableFuture<LockResult> result = lock.acquireForResultAsync();
        assertThat(plain.cancel(true)).isTrue();
        assertThat(result.cancel(true)).isTrue();
        lock.release();
        assertEventuallyFree(lock);
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void acquireAsync_cancelRacingARelease_lockIsNeverLostNorHeldTwice() throws Exception {
        ExclusiveLock lock = createLock();
        for (int i = 0; i < 100; i++) {
            lock.acquire();
            CompletableFuture<?> request = i % 2 == 0 ? lock.acquireAsync() : lock.acquireForResultAsync();
            CountDownLatch go = new CountDownLatch(1);
            Thread releaser = Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                lock.release();
            });
            go.countDown();
            boolean cancelled = request.cancel(true);
            releaser.join();
            if (cancelled) {
                assertEventuallyFree(lock);
            } else {
                request.get(30, TimeUnit.SECONDS);  // granted: this request holds the lock
                assertThat(lock.isLocked()).isTrue();
                assertThat(lock.tryAcquire()).isFalse();
                lock.release();
            }
            assertEventuallyFree(lock);
        }
        assertThat(lock.isLocked()).isFalse();
    }

    // ---- mutual exclusion ---------------------------------------------------------------------

    @Test
    void everyForm_manyThreads_mutualExclusionHolds() throws Exception {
        ExclusiveLock lock = createLock();
        int threads = 4;
        int rounds = 500;
        AtomicBoolean inside = new AtomicBoolean();
        AtomicInteger overlaps = new AtomicInteger();
        int[] counter = {0};
        List<Thread> all = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        for (int k = 0; k < threads; k++) {
            int form = k;
            all.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    for (int i = 0; i < rounds; i++) {
                        switch ((form + i) % 5) {
                            case 0 -> lock.acquire();
                            case 1 -> lock.lock();
                            case 2 -> {
                                while (!lock.tryAcquire()) {
                                    Thread.onSpinWait();
                                }
                            }
                            case 3 -> assertThat(lock.tryAcquire(Duration.ofSeconds(30))).isTrue();
                            default -> lock.acquireAsync().get(30, TimeUnit.SECONDS);
                        }
                        if (!inside.compareAndSet(false, true)) {
                            overlaps.incrementAndGet();
                        }
                        counter[0]++;
                        inside.set(false);
                        lock.release();
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }));
        }
        start.countDown();
        for (Thread t : all) {
            t.join();
        }
        assertThat(overlaps.get()).isZero();
        assertThat(counter[0]).isEqualTo(threads * rounds);
        assertThat(lock.isLocked()).isFalse();
    }
}
