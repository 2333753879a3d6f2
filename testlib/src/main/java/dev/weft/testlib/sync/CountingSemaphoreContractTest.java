package dev.weft.testlib.sync;

import static dev.weft.testlib.Threads.failureOf;
import static dev.weft.testlib.Threads.inThread;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.weft.core.sync.CountingSemaphore;
import dev.weft.core.sync.LockResult;
import dev.weft.testlib.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@link CountingSemaphore} contract as a test suite, run against every Weft semaphore at every
 * scale by a subclass in that implementation's tests: counting and weighted acquires, the
 * immediate, timed (both timeout styles), blocking, uninterruptible, asynchronous and
 * {@link LockResult} forms, interrupts, cancellation racing a release (no permit is lost or
 * duplicated), release by another thread, and argument checks.
 *
 * <p>A subclass supplies {@link #createSemaphore(int)}; it may override
 * {@link #awaitBlocked(Thread)} if its waiting threads do not show as
 * {@code WAITING}/{@code TIMED_WAITING}. The suite keeps every holder alive, so it never expects
 * {@link LockResult#OWNER_DIED}; the recovery of a dead holder's permits stays in the
 * implementation's own tests. {@link BoundedCountingSemaphoreContractTest} adds the bound.
 *
 * <p>No sleeps order events: latches, futures and waits for a thread to block do.
 */
@Timeout(60)
public abstract class CountingSemaphoreContractTest {

    /**
     * A new semaphore with {@code permits} permits available.
     *
     * @param permits the initial permits, 0 to 8
     * @return the semaphore
     * @throws Exception if it cannot be created
     */
    protected abstract CountingSemaphore createSemaphore(int permits) throws Exception;

    /**
     * Whether {@link #createSemaphore(int)} makes bounded semaphores (the initial count is the
     * bound). The default says no.
     *
     * @return {@code true} for a bounded suite
     */
    protected boolean bounded() {
        return false;
    }

    /**
     * Waits until {@code t} is blocked in a semaphore operation. The default waits for
     * {@code WAITING}/{@code TIMED_WAITING}.
     *
     * @param t the thread
     * @throws InterruptedException if interrupted
     */
    protected void awaitBlocked(Thread t) throws InterruptedException {
        Threads.awaitWaiting(t);
    }

    /** Takes {@code permits} within 30 s (they must become available) and gives them back. */
    private static void assertEventuallyAvailable(CountingSemaphore s, int permits) throws InterruptedException {
        assertThat(s.tryAcquire(permits, Duration.ofSeconds(30))).as(permits + " permits became available").isTrue();
        s.release(permits);
    }

    // ---- counting and the immediate forms -----------------------------------------------------

    @Test
    void acquireAndRelease_countThePermits() throws Exception {
        CountingSemaphore s = createSemaphore(3);
        assertThat(s.availablePermits()).isEqualTo(3);
        s.acquire();
        assertThat(s.availablePermits()).isEqualTo(2);
        s.acquire(2);
        assertThat(s.availablePermits()).isZero();
        assertThat(s.tryAcquire()).isFalse();
        s.release();
        s.release(2);
        assertThat(s.availablePermits()).isEqualTo(3);
        s.acquireUninterruptibly(3);
        assertThat(s.availablePermits()).isZero();
        s.release(3);
        s.acquireUninterruptibly();
        s.release();
        assertThat(s.availablePermits()).isEqualTo(3);
    }

    @Test
    void tryForms_takeAllOrNothing() throws Exception {
        CountingSemaphore s = createSemaphore(3);
        s.acquire();
        assertThat(s.tryAcquire(3)).isFalse();
        assertThat(s.availablePermits()).as("nothing taken by a failed weighted try").isEqualTo(2);
        assertThat(s.tryAcquire(2)).isTrue();
        assertThat(s.tryAcquire(2)).isFalse();
        assertThat(s.tryAcquireForResult(2)).isEqualTo(LockResult.NOT_ACQUIRED);
        s.release();
        assertThat(s.tryAcquireForResult()).isEqualTo(LockResult.ACQUIRED);
        assertThat(s.tryAcquireForResult()).isEqualTo(LockResult.NOT_ACQUIRED);
        assertThat(s.availablePermits()).isZero();
        s.release(3);
        assertThat(s.tryAcquire(0)).as("zero permits, nobody waiting").isTrue();
        assertThat(s.availablePermits()).isEqualTo(3);
    }

    @Test
    void timedForms_tooFew_timeOutInBothStylesAndTakeNothing() throws Exception {
        CountingSemaphore s = createSemaphore(2);
        s.acquire();
        long start = System.nanoTime();
        assertThat(s.tryAcquire(2, Duration.ofMillis(20))).isFalse();
        assertThat(s.tryAcquire(2, 20, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(s.tryAcquireForResult(2, Duration.ofMillis(20))).isEqualTo(LockResult.NOT_ACQUIRED);
        assertThat(s.tryAcquireForResult(2, 20, TimeUnit.MILLISECONDS)).isEqualTo(LockResult.NOT_ACQUIRED);
        s.acquire();
        assertThat(s.tryAcquire(Duration.ofMillis(20))).isFalse();
        assertThat(s.tryAcquire(20, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(s.tryAcquireForResult(Duration.ofMillis(20))).isEqualTo(LockResult.NOT_ACQUIRED);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(140));
        s.release(2);
        assertThat(s.availablePermits()).isEqualTo(2);
    }

    @Test
    void timedForms_zeroNegativeAndHugeTimeouts() throws Exception {
        CountingSemaphore s = createSemaphore(1);
        assertThat(s.tryAcquire(Duration.ZERO)).isTrue();
        assertThat(s.tryAcquire(-1, TimeUnit.SECONDS)).isFalse();
        assertThat(s.tryAcquire(1, Duration.ofSeconds(Long.MIN_VALUE))).isFalse();
        s.release();
        assertThat(s.tryAcquire(1, Duration.ofSeconds(Long.MAX_VALUE))).isTrue();
        s.release();
        assertThat(s.tryAcquireForResult(1, Long.MAX_VALUE, TimeUnit.DAYS)).isEqualTo(LockResult.ACQUIRED);
        s.release();
        assertThat(s.availablePermits()).isEqualTo(1);
    }

    @Test
    void badArguments_failFastAndChangeNothing() throws Exception {
        CountingSemaphore s = createSemaphore(2);
        assertThatThrownBy(() -> s.acquire(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        assertThatThrownBy(() -> s.tryAcquire(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.tryAcquire(-1, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.acquireAsync(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.release(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        assertThatThrownBy(() -> s.tryAcquire((Duration) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> s.tryAcquire(1, 1, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> s.tryAcquireForResult(1, (Duration) null)).isInstanceOf(NullPointerException.class);
        assertThat(s.availablePermits()).isEqualTo(2);
    }

    @Test
    void release_beyondTheInitialCount_raisesTheCount() throws Exception {
        assumeFalse(bounded(), "a bounded semaphore rejects this (BoundedCountingSemaphoreContractTest)");
        CountingSemaphore s = createSemaphore(1);
        s.release(2);
        assertThat(s.availablePermits()).isEqualTo(3);
        assertThat(s.tryAcquire(3)).isTrue();
        assertThat(s.availablePermits()).isZero();
    }

    @Test
    void release_byAnotherThread_isAllowed_permitsAreNotOwned() throws Exception {
        CountingSemaphore s = createSemaphore(2);
        AtomicReference<Thread> t = new AtomicReference<>();
        inThread(() -> {
            s.acquire(2);
            return true;
        }, t).get(30, TimeUnit.SECONDS);
        t.get().join();
        assertThat(s.availablePermits()).isZero();
        s.release(2);
        assertThat(s.availablePermits()).isEqualTo(2);
    }

    // ---- blocking and interrupts ---------------------------------------------------------------

    @Test
    void weightedAcquire_waitsUntilEnoughPermitsAreReleased() throws Exception {
        CountingSemaphore s = createSemaphore(3);
        s.acquire(3);
        AtomicReference<Thread> t = new AtomicReference<>();
        CompletableFuture<LockResult> got = inThread(() -> s.acquireForResult(3), t);
        awaitBlocked(t.get());
        s.release();
        s.release();
        awaitBlocked(t.get());
        assertThat(got).as("two of three permits are not enough").isNotDone();
        s.release();
        assertThat(got.get(30, TimeUnit.SECONDS)).isEqualTo(LockResult.ACQUIRED);
        assertThat(s.availablePermits()).isZero();
        s.release(3);
    }

    @Test
    void acquire_interruptedOnEntry_throwsWithoutTaking() throws Exception {
        CountingSemaphore s = createSemaphore(1);
        Thread.currentThread().interrupt();
        assertThatThrownBy(s::acquire).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> s.tryAcquire(1, Duration.ofSeconds(1))).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
        assertThat(s.availablePermits()).isEqualTo(1);
    }

    @Test
    void acquire_interruptedWhileWaiting_throwsAndTakesNothing() throws Exception {
        CountingSemaphore s = createSemaphore(2);
        s.acquire(2);
        AtomicReference<Thread> t = new AtomicReference<>();
        CompletableFuture<Boolean> waiter = inThread(() -> {
            s.acquire(2);
            return true;
        }, t);
        awaitBlocked(t.get());
        t.get().interrupt();
        assertThat(failureOf(waiter)).isInstanceOf(InterruptedException.class);
        s.release(2);
        assertThat(s.availablePermits()).isEqualTo(2);
        assertEventuallyAvailable(s, 2);
    }

    @Test
    void timedAcquire_interruptedWhileWaiting_throwsAndTakesNothing() throws Exception {
        CountingSemaphore s = createSemaphore(1);
        s.acquire();
        AtomicReference<Thread> t = new AtomicReference<>();
        CompletableFuture<Boolean> waiter = inThread(() -> s.tryAcquire(30, TimeUnit.SECONDS), t);
        awaitBlocked(t.get());
        t.get().interrupt();
        assertThat(failureOf(waiter)).isInstanceOf(InterruptedException.class);
        s.release();
        assertEventuallyAvailable(s, 1);
    }

    @Test
    void acquireUninterruptibly_interruptedWhileWaiting_acquiresAndRestoresTheStatus() throws Exception {
        CountingSemaphore s = createSemaphore(1);
        s.acquire();
        AtomicReference<Thread> t = new AtomicReference<>();
        CompletableFuture<Boolean> waiter = inThread(() -> {
            s.acquireUninterruptibly();
            return Thread.currentThread().isInterrupted();
        }, t);
        awaitBlocked(t.get());
        t.get().interrupt();
        awaitBlocked(t.get());
        assertThat(waiter).isNotDone();
        s.release();
        assertThat(waiter.get(30, TimeUnit.SECONDS)).as("interrupt status restored").isTrue();
        assertThat(s.availablePermits()).isZero();
        s.release();
    }

    // ---- asynchronous forms -------------------------------------------------------------------

    @Test
    void acquireAsync_available_completesAndHolds() throws Exception {
        CountingSemaphore s = createSemaphore(3);
        s.acquireAsync().get(30, TimeUnit.SECONDS);
        s.acquireAsync(1).get(30, TimeUnit.SECONDS);
        assertThat(s.acquireForResultAsync().get(30, TimeUnit.SECONDS)).isEqualTo(LockResult.ACQUIRED);
        assertThat(s.availablePermits()).isZero();
        s.release(3);
    }

    @Test
    void acquireAsync_tooFew_completesAfterTheRelease() throws Exception {
        CountingSemaphore s = createSemaphore(2);
        s.acquire(2);
        CompletableFuture<?> plain = s.acquireAsync(2);
        assertThat(plain).isNotDone();
        s.release(2);
        plain.get(30, TimeUnit.SECONDS);
        CompletableFuture<LockResult> result = s.acquireForResultAsync(2);
        assertThat(result).isNotDone();
        s.release(2);
        assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo(LockResult.ACQUIRED);
        assertThat(s.availablePermits()).isZero();
        s.release(2);
    }

    @Test
    void acquireAsync_cancelledWhilePending_takesNothing() throws Exception {
        CountingSemaphore s = createSemaphore(1);
        s.acquire();
        CompletableFuture<?> plain = s.acquireAsync();
        CompletableFuture<LockResult> result = s.acquireForResultAsync(1);
        assertThat(plain.cancel(true)).isTrue();
        assertThat(result.cancel(true)).isTrue();
        s.release();
        assertEventuallyAvailable(s, 1);
        assertThat(s.availablePermits()).isEqualTo(1);
    }

    @Test
    void acquireAsync_cancelRacingARelease_noPermitIsLostOrDuplicated() throws Exception {
        CountingSemaphore s = createSemaphore(1);
        for (int i = 0; i < 100; i++) {
            s.acquire();
            CompletableFuture<?> request = i % 2 == 0 ? s.acquireAsync() : s.acquireForResultAsync(1);
            CountDownLatch go = new CountDownLatch(1);
            Thread releaser = Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                s.release();
            });
            go.countDown();
            boolean cancelled = request.cancel(true);
            releaser.join();
            if (cancelled) {
                assertEventuallyAvailable(s, 1);
            } else {
                request.get(30, TimeUnit.SECONDS);  // granted: this request holds the permit
                assertThat(s.tryAcquire()).isFalse();
                s.release();
            }
            assertEventuallyAvailable(s, 1);
            assertThat(s.availablePermits()).isEqualTo(1);
        }
    }

    // ---- many threads -------------------------------------------------------------------------

    @Test
    void everyForm_manyThreads_neverMoreHoldersThanPermits() throws Exception {
        int permits = 2;
        CountingSemaphore s = createSemaphore(permits);
        int threads = 4;
        int rounds = 300;
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        List<Thread> all = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        for (int k = 0; k < threads; k++) {
            int form = k;
            all.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    for (int i = 0; i < rounds; i++) {
                        switch ((form + i) % 5) {
                            case 0 -> s.acquire();
                            case 1 -> s.acquireUninterruptibly();
                            case 2 -> {
                                while (!s.tryAcquire()) {
                                    Thread.onSpinWait();
                                }
                            }
                            case 3 -> assertThat(s.tryAcquire(1, Duration.ofSeconds(30))).isTrue();
                            default -> s.acquireAsync().get(30, TimeUnit.SECONDS);
                        }
                        int now = inside.incrementAndGet();
                        maxInside.accumulateAndGet(now, Math::max);
                        inside.decrementAndGet();
                        s.release();
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
        assertThat(maxInside.get()).isLessThanOrEqualTo(permits);
        assertThat(s.availablePermits()).isEqualTo(permits);
    }
}
