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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Behaviours of {@link Semaphore}, after CPython's {@code test_locks.SemaphoreTests}. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SemaphoreTest {

    /** Whether the semaphores under test are fair; {@link FairSemaphoreTest} runs every test so. */
    boolean fair() {
        return false;
    }

    Semaphore newSemaphore(int permits) {
        return fair() ? Semaphore.fair(permits) : new Semaphore(permits);
    }


    // ---- construction and queries (test_initial_value_zero, test_repr, test_semaphore)

    @Test
    void constructor_negativePermits_throwsWithTheValue() {
        assertThatThrownBy(() -> new Semaphore(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(">= 0")
                .hasMessageContaining("-1");
    }

    @Test
    void defaultConstructor_hasOnePermit() {
        Semaphore sem = new Semaphore();

        assertThat(sem.availablePermits()).isEqualTo(1);
        assertThat(sem.isLocked()).isFalse();
        assertThat(sem).hasToString("Semaphore[permits=1, waiters=0]");
    }

    @Test
    void isLocked_withZeroPermits_isTrue() {
        assertThat(newSemaphore(0).isLocked()).isTrue();
    }

    @Test
    void acquireAndRelease_countPermits() throws InterruptedException {
        Semaphore sem = newSemaphore(3);

        sem.acquire();
        sem.acquire(2);
        assertThat(sem.availablePermits()).isZero();
        assertThat(sem.isLocked()).isTrue();
        assertThat(sem.tryAcquire()).isFalse();

        sem.release(2);
        assertThat(sem.availablePermits()).isEqualTo(2);
        sem.release();
        sem.release();   // a plain semaphore may grow beyond its initial count
        assertThat(sem.availablePermits()).isEqualTo(4);
    }

    @Test
    void isLocked_withPermitsButQueuedRequests_isTrue() throws InterruptedException {
        Semaphore sem = newSemaphore(2);
        sem.acquire(2);
        CompletableFuture<@Nullable Void> big = sem.acquireAsync(2);
        sem.release();   // one permit accumulates for the head request, which needs two

        assertThat(sem.availablePermits()).isEqualTo(1);
        assertThat(sem.isLocked()).as("locked() includes 'others are queued'").isTrue();
        if (fair()) {
            assertThat(sem.tryAcquire()).as("fair: no barging past the queued request").isFalse();
            assertThat(big).isNotDone();
        } else {
            assertThat(sem.tryAcquire()).as("barging: takes the free permit ahead of the queue").isTrue();
            assertThat(big).isNotDone();
            sem.release();
            assertThat(big).isNotDone();
        }

        sem.release();
        assertThat(big).isCompleted();
        assertThat(sem.availablePermits()).isZero();
        assertThat(sem.hasWaiters()).isFalse();
    }

    @Test
    void barging_endsOnceTheHeadHasWaitedPastTheStarvationBound() throws InterruptedException {
        Semaphore sem = newSemaphore(2);
        sem.acquire(2);
        CompletableFuture<@Nullable Void> big = sem.acquireAsync(2);
        SyncTesting.waitAtLeastNanos(FifoPermits.STARVATION_NANOS);
        sem.release();   // the head has waited past the bound: permits now go to the queue only

        assertThat(sem.tryAcquire()).as("no barging once the head starves").isFalse();
        assertThat(sem.availablePermits()).isEqualTo(1);
        sem.release();
        assertThat(big).isCompleted();
        sem.release(2);
        assertThat(sem.tryAcquire()).as("queue drained: barging mode again, nothing queued").isTrue();
    }

    @Test
    void release_toAParkedHeadThreadPastTheStarvationBound_handsThePermitToIt() throws Exception {
        Semaphore sem = newSemaphore(1);
        sem.acquire();
        Worker<Boolean> head = Worker.start("head", () -> {
            sem.acquire();
            return true;
        });
        eventually("the head is queued", () -> sem.waiterCount() == 1);
        awaitParked(head.thread);
        SyncTesting.waitAtLeastNanos(FifoPermits.STARVATION_NANOS);

        sem.release();   // in either mode the permit now belongs to the head

        assertThat(sem.tryAcquire()).as("no barging past a starving head").isFalse();
        assertThat(head.get()).isTrue();
        assertThat(sem.availablePermits()).isZero();
        assertThat(sem.hasWaiters()).isFalse();
        sem.release();
        assertThat(sem.tryAcquire()).as("queue drained: the permit is free again").isTrue();
    }

    @Test
    void argumentChecks_rejectNegativeCounts() {
        Semaphore sem = newSemaphore(1);

        assertThatThrownBy(() -> sem.acquire(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        assertThatThrownBy(() -> sem.tryAcquire(-2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sem.acquireAsync(-3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sem.release(-4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sem.tryAcquire(1, (Duration) null)).isInstanceOf(NullPointerException.class);
        assertThat(sem.availablePermits()).isEqualTo(1);
    }

    @Test
    void release_pastIntegerMaxValue_throwsAndChangesNothing() {
        Semaphore sem = newSemaphore(Integer.MAX_VALUE - 1);

        sem.release();
        assertThatThrownBy(sem::release)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Maximum permit count exceeded");
        assertThat(sem.availablePermits()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void acquireZero_withNobodyQueued_returnsAtOnce() throws InterruptedException {
        Semaphore sem = newSemaphore(0);

        sem.acquire(0);
        assertThat(sem.tryAcquire(0)).isTrue();
        assertThat(sem.acquireAsync(0)).isCompleted();
    }

    // ---- FIFO (test_acquire_fifo_order, _2, _3, _4)

    @Test
    void release_servesQueuedRequestsInArrivalOrder() throws InterruptedException {
        Semaphore sem = newSemaphore(0);
        List<Integer> order = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            int id = i;
            sem.acquireAsync().thenRun(() -> order.add(id));
        }

        sem.release(2);
        assertThat(order).containsExactly(1, 2);
        sem.release();
        sem.release();
        assertThat(order).containsExactly(1, 2, 3, 4);
        assertThat(sem.availablePermits()).isZero();
    }

    @Test
    void acquire_byReleaserWhileOthersWait_queuesBehindThem() throws InterruptedException {
        Semaphore sem = newSemaphore(1);
        sem.acquire();
        CompletableFuture<@Nullable Void> waiter = sem.acquireAsync();

        sem.release();
        CompletableFuture<@Nullable Void> reacquire = sem.acquireAsync();

        assertThat(waiter).isCompleted();
        assertThat(reacquire).isNotDone();
        sem.release();
        assertThat(reacquire).isCompleted();
    }

    @Test
    void heavyRequestAtHead_holdsUpLighterOnesBehindIt() throws InterruptedException {
        Semaphore sem = newSemaphore(0);
        CompletableFuture<@Nullable Void> three = sem.acquireAsync(3);
        CompletableFuture<@Nullable Void> one = sem.acquireAsync(1);

        sem.release(2);
        assertThat(three).isNotDone();
        assertThat(one).as("strict FIFO: waits behind the heavier head").isNotDone();
        assertThat(sem.availablePermits()).isEqualTo(2);

        sem.release(2);
        assertThat(three).isCompleted();
        assertThat(one).isCompleted();
        assertThat(sem.availablePermits()).isZero();
    }

    @Test
    void heavyHeadCancelled_accumulatedPermitsServeTheNextRequests() {
        Semaphore sem = newSemaphore(0);
        CompletableFuture<@Nullable Void> three = sem.acquireAsync(3);
        CompletableFuture<@Nullable Void> one = sem.acquireAsync(1);
        CompletableFuture<@Nullable Void> two = sem.acquireAsync(2);
        sem.release(2);

        three.cancel(false);

        assertThat(one).isCompleted();
        assertThat(two).as("needs 2, only 1 left").isNotDone();
        assertThat(sem.availablePermits()).isEqualTo(1);
        sem.release();
        assertThat(two).isCompleted();
        assertThat(sem.availablePermits()).isZero();
        assertThat(sem.hasWaiters()).isFalse();
    }

    // ---- cancellation (test_acquire_cancel, _before_awoken, test_acquire_hang, _no_hang)

    @Test
    void acquireAsync_cancelledWhileQueued_takesNoPermit() {
        Semaphore sem = newSemaphore(0);
        CompletableFuture<@Nullable Void> f = sem.acquireAsync();

        assertThat(f.cancel(false)).isTrue();

        assertThat(sem.waiterCount()).isZero();
        sem.release();
        assertThat(sem.availablePermits()).isEqualTo(1);
    }

    @Test
    void release_afterFirstQueuedCancelled_servesTheSecond() {
        Semaphore sem = newSemaphore(0);
        CompletableFuture<@Nullable Void> t1 = sem.acquireAsync();
        CompletableFuture<@Nullable Void> t2 = sem.acquireAsync();
        CompletableFuture<@Nullable Void> t3 = sem.acquireAsync();

        t1.cancel(false);
        sem.release();

        assertThat(t2).isCompleted();
        assertThat(t3).isNotDone();
        assertThat(sem.availablePermits()).isZero();
    }

    @Test
    void cancel_afterPermitHandedOver_failsAndTheOwnerPassesItOn() {
        Semaphore sem = newSemaphore(0);
        CompletableFuture<@Nullable Void> t1 = sem.acquireAsync();
        CompletableFuture<@Nullable Void> t2 = sem.acquireAsync();

        sem.release();
        assertThat(t1.cancel(false)).as("granted already").isFalse();
        assertThat(t2).isNotDone();

        sem.release();   // t1's owner gives its permit back
        assertThat(t2).isCompleted();
        assertThat(sem.isLocked()).isTrue();
    }

    @Test
    void cancellingEveryQueuedRequest_leavesAllReleasedPermitsAvailable() {
        Semaphore sem = newSemaphore(0);
        List<CompletableFuture<@Nullable Void>> fs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            fs.add(sem.acquireAsync());
        }
        for (CompletableFuture<@Nullable Void> f : fs) {
            f.cancel(false);
        }

        sem.release(3);

        assertThat(sem.availablePermits()).isEqualTo(3);
        assertThat(sem.isLocked()).isFalse();
        assertThat(sem.tryAcquire(3)).isTrue();
    }

    @Test
    void cancel_racingWithRelease_conservesPermits() throws Exception {
        Semaphore sem = newSemaphore(0);
        for (int round = 0; round < 2_000; round++) {
            CompletableFuture<@Nullable Void> pending = sem.acquireAsync();
            Worker<Boolean> canceller = Worker.start("canceller", () -> pending.cancel(false));
            sem.release();
            boolean cancelled = canceller.get();
            int expected = cancelled ? 1 : 0;
            assertThat(sem.availablePermits()).as("round %d, cancelled=%s", round, cancelled).isEqualTo(expected);
            if (cancelled) {
                assertThat(sem.tryAcquire()).isTrue();
            }
            assertThat(sem.waiterCount()).isZero();
        }
    }

    // ---- blocking forms: interrupts and timeouts

    @Test
    void acquire_interruptedWhileQueued_throwsAndTakesNoPermit() throws Exception {
        Semaphore sem = newSemaphore(0);
        Worker<String> waiter = Worker.start("waiter", () -> {
            try {
                sem.acquire();
                return "acquired";
            } catch (InterruptedException e) {
                return "interrupted";
            }
        });
        eventually("queued", () -> sem.waiterCount() == 1);
        awaitParked(waiter.thread);

        waiter.thread.interrupt();

        assertThat(waiter.get()).isEqualTo("interrupted");
        sem.release();
        assertThat(sem.availablePermits()).isEqualTo(1);
    }

    @Test
    void acquire_interruptedOnEntry_throwsEvenIfPermitsAreAvailable() {
        Semaphore sem = newSemaphore(1);
        Thread.currentThread().interrupt();

        assertThatThrownBy(sem::acquire).isInstanceOf(InterruptedException.class);
        assertThat(sem.availablePermits()).isEqualTo(1);
    }

    @Test
    void acquire_releaseThenInterrupt_eitherHoldsWithInterruptOrThrowsWithoutPermit() throws Exception {
        for (int round = 0; round < 200; round++) {
            Semaphore sem = newSemaphore(0);
            AtomicBoolean interruptSent = new AtomicBoolean();
            Worker<Boolean> waiter = Worker.start("waiter", () -> {
                try {
                    sem.acquire();
                } catch (InterruptedException e) {
                    return null;
                }
                // The interrupt may land during the acquire (then it is re-asserted) or after it
                // returned; either way the status is set once the sender says it was sent.
                while (!interruptSent.get()) {
                    Thread.onSpinWait();
                }
                return Thread.interrupted();
            });
            eventually("queued", () -> sem.waiterCount() == 1);
            sem.release();
            waiter.thread.interrupt();
            interruptSent.set(true);
            Boolean held = waiter.get();
            if (held == null) {
                assertThat(sem.availablePermits()).as("round %d: withdrawn, permit kept", round).isEqualTo(1);
            } else {
                assertThat(held).as("round %d: interrupt re-asserted", round).isTrue();
                assertThat(sem.availablePermits()).isZero();
            }
        }
    }

    @Test
    void tryAcquire_withTimeout_timesOutAndTakesNoPermit() throws InterruptedException {
        Semaphore sem = newSemaphore(1);
        sem.acquire();

        assertThat(sem.tryAcquire(Duration.ofMillis(20))).isFalse();
        assertThat(sem.tryAcquire(2, Duration.ofMillis(5))).isFalse();

        assertThat(sem.waiterCount()).isZero();
        sem.release();
        assertThat(sem.availablePermits()).isEqualTo(1);
    }

    @Test
    void tryAcquire_withTimeout_servedInTime_returnsTrue() throws Exception {
        Semaphore sem = newSemaphore(0);
        Worker<Boolean> waiter = Worker.start("waiter", () -> sem.tryAcquire(2, Duration.ofSeconds(20)));
        eventually("queued", () -> sem.waiterCount() == 1);

        sem.release(2);

        assertThat(waiter.get()).isTrue();
        assertThat(sem.availablePermits()).isZero();
    }

    @Test
    void acquireUninterruptibly_interrupted_keepsWaitingThenReassertsTheInterrupt() throws Exception {
        Semaphore sem = newSemaphore(0);
        Worker<Boolean> waiter = Worker.start("waiter", () -> {
            sem.acquireUninterruptibly(2);
            return Thread.interrupted();
        });
        eventually("queued", () -> sem.waiterCount() == 1);
        awaitParked(waiter.thread);
        waiter.thread.interrupt();
        awaitParked(waiter.thread);
        assertThat(waiter.isDone()).isFalse();

        sem.release(2);

        assertThat(waiter.get()).isTrue();
    }

    // ---- load

    @Test
    void acquire_fromManyVirtualThreads_neverAdmitsMoreThanThePermits() throws Exception {
        Semaphore sem = newSemaphore(3);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        int tasks = 24;
        int rounds = 300;
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < tasks; t++) {
                boolean async = t % 2 == 0;
                futures.add(executor.submit(() -> {
                    for (int i = 0; i < rounds; i++) {
                        if (async) {
                            sem.acquireAsync().join();
                        } else {
                            sem.acquire();
                        }
                        try {
                            maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                            done.incrementAndGet();
                            inside.decrementAndGet();
                        } finally {
                            sem.release();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        assertThat(maxInside.get()).isBetween(1, 3);
        assertThat(done.get()).isEqualTo(tasks * rounds);
        assertThat(sem.availablePermits()).isEqualTo(3);
        assertThat(sem.hasWaiters()).isFalse();
    }

    @Test
    void tryAcquire_timeUnitForms_acquireOrTimeOutLikeTheDurationForms() throws Exception {
        Semaphore sem = newSemaphore(2);
        assertThat(sem.tryAcquire(1, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(sem.tryAcquire(2, 10, java.util.concurrent.TimeUnit.MILLISECONDS)).isFalse();
        assertThat(sem.availablePermits()).isEqualTo(1);
        assertThat(sem.tryAcquire(1, 0, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(sem.tryAcquire(10, java.util.concurrent.TimeUnit.MILLISECONDS)).isFalse();
        assertThatThrownBy(() -> sem.tryAcquire(1, (java.util.concurrent.TimeUnit) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> sem.tryAcquire(-1, 1, java.util.concurrent.TimeUnit.SECONDS))
                .isInstanceOf(IllegalArgumentException.class);
        sem.release(2);
        assertThat(sem.availablePermits()).isEqualTo(2);
    }

    // ---- the future of a queued request is the request

    @Test
    void cancel_byADependentOfAnEarlierGrantInTheSameRelease_failsAndTheCallerHoldsThePermit() {
        Semaphore sem = newSemaphore(0);
        CompletableFuture<@Nullable Void> first = sem.acquireAsync();
        CompletableFuture<@Nullable Void> second = sem.acquireAsync();
        AtomicBoolean cancelResult = new AtomicBoolean(true);
        // One release grants both; completing the first runs this action while the second is
        // granted but not yet completed.
        first.thenRun(() -> cancelResult.set(second.cancel(false)));

        sem.release(2);

        assertThat(cancelResult).as("the grant came first, so the cancel fails").isFalse();
        assertThat(second).isCompletedWithValue(null);
        assertThat(sem.availablePermits()).as("both permits are held, none lost or given twice").isZero();
        assertThat(sem.waiterCount()).isZero();
    }

    @Test
    void obtrudeAndCompleteAsync_onAQueuedRequest_areUnsupportedAndLeaveItQueued() {
        Semaphore sem = newSemaphore(0);
        CompletableFuture<@Nullable Void> f = sem.acquireAsync();

        assertThatThrownBy(() -> f.obtrudeValue(null)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> f.obtrudeException(new IllegalStateException()))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> f.completeAsync(() -> null)).isInstanceOf(UnsupportedOperationException.class);

        assertThat(sem.waiterCount()).isEqualTo(1);
        sem.release();
        assertThat(f).isCompletedWithValue(null);
        assertThat(sem.availablePermits()).isZero();
    }

    @Test
    void cancel_ofADerivedStage_doesNotWithdrawTheRequest() {
        Semaphore sem = newSemaphore(0);
        CompletableFuture<@Nullable Void> f = sem.acquireAsync();
        CompletableFuture<@Nullable Void> derived = f.thenRun(() -> { });

        assertThat(derived.cancel(false)).isTrue();

        assertThat(f).isNotDone();
        assertThat(sem.waiterCount()).isEqualTo(1);
        sem.release();
        assertThat(f).isCompletedWithValue(null);
        assertThat(sem.availablePermits()).isZero();
    }

    @Test
    void completeExceptionally_afterTheGrant_failsAndTheFutureStaysGranted() {
        Semaphore sem = newSemaphore(0);
        CompletableFuture<@Nullable Void> f = sem.acquireAsync();
        sem.release();

        assertThat(f.completeExceptionally(new IllegalStateException("late"))).isFalse();
        assertThat(f.complete(null)).isFalse();

        assertThat(f).isCompletedWithValue(null);
        assertThat(sem.availablePermits()).isZero();
    }
}
