package dev.weft.core.sync;

import static dev.weft.core.sync.SyncTesting.awaitParked;
import static dev.weft.core.sync.SyncTesting.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.core.sync.SyncTesting.Worker;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Date;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Behaviours of {@link Condition}, after CPython's {@code test_locks.ConditionTests}. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConditionTest {

    /** Whether the locks under test are fair; {@link FairConditionTest} runs every test so. */
    boolean fair() {
        return false;
    }

    Lock newLock() {
        return fair() ? Lock.fair() : new Lock();
    }

    Condition newCondition() {
        return fair() ? new Condition(Lock.fair()) : new Condition();
    }


    /** Acquires the lock and starts an asynchronous wait, which releases it. */
    private static CompletableFuture<@Nullable Void> listen(Condition cond) throws InterruptedException {
        cond.acquire();
        return cond.awaitAsync();
    }

    /**
     * Starts an asynchronous wait, as {@link #listen}, that releases the lock as soon as it holds
     * it again, so that it never stands in the way of another waiter's re-acquire.
     *
     * @return a future that completes with {@code true} once the wait was signalled and released
     */
    private static CompletableFuture<Boolean> listenAndRelease(Condition cond) throws InterruptedException {
        return listen(cond).thenApply(ignored -> {
            cond.release();
            return true;
        });
    }

    // ---- the lock must be held (test_wait_unacquired, test_notify_unacquired)

    @Test
    void await_withoutTheLock_throwsIllegalMonitorState() {
        Condition cond = newCondition();

        assertThatThrownBy(cond::await)
                .isInstanceOf(IllegalMonitorStateException.class)
                .hasMessageContaining("cannot wait on un-acquired lock");
        assertThatThrownBy(cond::awaitAsync).isInstanceOf(IllegalMonitorStateException.class);
        assertThat(cond.hasWaiters()).isFalse();
    }

    @Test
    void signal_withoutTheLock_throwsIllegalMonitorState() {
        Condition cond = newCondition();

        assertThatThrownBy(cond::signal)
                .isInstanceOf(IllegalMonitorStateException.class)
                .hasMessageContaining("cannot notify on un-acquired lock");
        assertThatThrownBy(cond::signalAll).isInstanceOf(IllegalMonitorStateException.class);
        assertThatThrownBy(() -> cond.signal(2)).isInstanceOf(IllegalMonitorStateException.class);
    }

    @Test
    void signal_negativeCount_throwsIllegalArgument() throws InterruptedException {
        Condition cond = newCondition();
        cond.acquire();

        assertThatThrownBy(() -> cond.signal(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    }

    @Test
    void lockMethods_delegateToTheBoundLock() throws InterruptedException {
        Lock lock = newLock();
        Condition cond = new Condition(lock);

        cond.acquire();
        assertThat(lock.isLocked()).isTrue();
        assertThat(cond.isLocked()).isTrue();
        cond.release();
        assertThat(lock.isLocked()).isFalse();
        assertThat(cond.acquireAsync()).isCompleted();
        assertThat(lock.isLocked()).isTrue();
        assertThat(cond.getLock()).isSameAs(lock);
        assertThat(cond).hasToString("Condition[waiters=0, Lock[locked, waiters=0]]");
    }

    // ---- waking (test_wait, test_notify, test_notify_all)

    @Test
    void signal_wakesInFifoOrder_andWaitersReturnOnlyAfterTheSignallerReleases() throws InterruptedException {
        Condition cond = newCondition();
        List<Integer> woken = new ArrayList<>();
        CompletableFuture<@Nullable Void> w1 = listen(cond).thenRun(() -> woken.add(1));
        CompletableFuture<@Nullable Void> w2 = listen(cond).thenRun(() -> woken.add(2));
        CompletableFuture<@Nullable Void> w3 = listen(cond).thenRun(() -> woken.add(3));
        assertThat(cond.waiterCount()).isEqualTo(3);
        assertThat(cond.isLocked()).as("each wait released the lock").isFalse();

        cond.acquire();
        cond.signal();
        assertThat(woken).as("the signaller still holds the lock").isEmpty();
        cond.release();
        assertThat(woken).containsExactly(1);
        assertThat(cond.isLocked()).as("w1 holds the lock again").isTrue();

        cond.release();  // w1's section ends
        cond.acquire();
        cond.signal(2);
        cond.release();
        assertThat(woken).containsExactly(1, 2);
        cond.release();  // w2's section ends; the lock passes to w3
        assertThat(woken).containsExactly(1, 2, 3);
        assertThat(w1).isCompleted();
        assertThat(w2).isCompleted();
        assertThat(w3).isCompleted();
        assertThat(cond.hasWaiters()).isFalse();
    }

    @Test
    void signalAll_wakesEveryWaiter() throws InterruptedException {
        Condition cond = newCondition();
        AtomicInteger woken = new AtomicInteger();
        for (int i = 0; i < 4; i++) {
            listen(cond).thenRun(() -> {
                woken.incrementAndGet();
                cond.release();
            });
        }

        cond.acquire();
        cond.signalAll();
        cond.release();

        assertThat(woken).hasValue(4);
        assertThat(cond.isLocked()).isFalse();
    }

    @Test
    void signal_withNoWaiters_isNotRemembered() throws InterruptedException {
        Condition cond = newCondition();
        cond.acquire();
        cond.signal();
        cond.release();

        CompletableFuture<@Nullable Void> w = listen(cond);

        assertThat(w).isNotDone();
        assertThat(cond.waiterCount()).isEqualTo(1);
    }

    @Test
    void await_blockingThread_returnsHoldingTheLockAfterSignal() throws Exception {
        Condition cond = newCondition();
        Worker<Boolean> waiter = Worker.start("waiter", () -> {
            cond.acquire();
            try {
                cond.await();
                return cond.isLocked();
            } finally {
                cond.release();
            }
        });
        eventually("waiting", () -> cond.waiterCount() == 1);

        cond.acquire();
        cond.signal();
        cond.release();

        assertThat(waiter.get()).isTrue();
        assertThat(cond.isLocked()).isFalse();
    }

    @Test
    void conditionsSharingOneLock_areIndependent() throws InterruptedException {
        Lock lock = newLock();
        Condition a = lock.newCondition();
        Condition b = new Condition(lock);
        CompletableFuture<@Nullable Void> onA = listen(a);
        CompletableFuture<@Nullable Void> onB = listen(b);

        lock.acquire();
        b.signal();
        lock.release();

        assertThat(onB).isCompleted();
        assertThat(onA).isNotDone();
        lock.release();
        assertThat(lock.isLocked()).isFalse();
    }

    // ---- order: signalled waiters take the lock back in the order they were signalled

    /** How a waiter of the order tests waits. */
    private enum WaitKind {
        AWAIT, AWAIT_TIMED, AWAIT_NANOS, AWAIT_DURATION, AWAIT_UNTIL, UNINTERRUPTIBLY, WAIT_FOR, ASYNC
    }

    /** Chooses how waiter {@code id} (from 1) waits in round {@code round} (from 0). */
    @FunctionalInterface
    private interface KindOf {
        WaitKind of(int round, int id);
    }

    /** Rounds of each order test: enough for waiters that raced for the lock to fail many of them. */
    private static final int ORDER_ROUNDS = 200;

    /**
     * Lists {@code waiters} waiters (numbered from 1, each waiting as {@code kind} says) one after
     * the other, runs {@code signals} once with the lock held, and checks that the waiters took
     * the lock back in the order they were listed; repeats {@link #ORDER_ROUNDS} times and
     * reports how many rounds came out of order.
     */
    private void assertWaitersReturnInListedOrder(
            int waiters, KindOf kind, Consumer<Condition> signals) throws Exception {
        List<Integer> expected = new ArrayList<>();
        for (int id = 1; id <= waiters; id++) {
            expected.add(id);
        }
        List<String> outOfOrder = new ArrayList<>();
        for (int round = 0; round < ORDER_ROUNDS; round++) {
            Condition cond = newCondition();
            boolean[] go = {false};   // guarded by cond's lock
            List<Integer> order = new CopyOnWriteArrayList<>();
            List<Worker<@Nullable Void>> threads = new ArrayList<>();
            for (int id = 1; id <= waiters; id++) {
                int me = id;
                WaitKind k = kind.of(round, id);
                if (k == WaitKind.ASYNC) {
                    listen(cond).thenRun(() -> {
                        order.add(me);   // the lock is held for this waiter
                        cond.release();
                    });
                } else {
                    threads.add(Worker.start("waiter-" + me, () -> {
                        cond.acquire();
                        try {
                            waitOnce(cond, k, go);
                            order.add(me);
                        } finally {
                            cond.release();
                        }
                        return null;
                    }));
                }
                eventually("waiter " + me + " is listed", () -> cond.waiterCount() == me);
            }

            cond.acquire();
            go[0] = true;
            signals.accept(cond);
            cond.release();

            for (Worker<@Nullable Void> t : threads) {
                t.get();
            }
            eventually("every waiter returned", () -> order.size() == waiters);
            if (!order.equals(expected)) {
                outOfOrder.add("round " + round + ": " + order);
            }
            assertThat(cond.isLocked()).isFalse();
        }
        assertThat(outOfOrder.size())
                .as("rounds (of %d) in which the waiters took the lock back out of signal order, first ones: %s",
                        ORDER_ROUNDS, outOfOrder.subList(0, Math.min(3, outOfOrder.size())))
                .isZero();
    }

    /** One blocking wait of the given kind, which a signal ends (the lock is held). */
    private static void waitOnce(Condition cond, WaitKind kind, boolean[] go) throws InterruptedException {
        long minute = TimeUnit.MINUTES.toNanos(1);
        switch (kind) {
            case AWAIT -> cond.await();
            case AWAIT_TIMED -> assertThat(cond.await(1, TimeUnit.MINUTES)).isTrue();
            case AWAIT_NANOS -> assertThat(cond.awaitNanos(minute)).isPositive();
            case AWAIT_DURATION -> assertThat(cond.await(Duration.ofMinutes(1))).isTrue();
            case AWAIT_UNTIL -> assertThat(cond.awaitUntil(new Date(System.currentTimeMillis() + 60_000))).isTrue();
            case UNINTERRUPTIBLY -> cond.awaitUninterruptibly();
            case WAIT_FOR -> cond.waitFor(() -> go[0]);
            case ASYNC -> throw new AssertionError("not a blocking wait");
        }
    }

    @Test
    void signalAll_blockingWaiters_retakeTheLockInTheOrderTheyWaited() throws Exception {
        assertWaitersReturnInListedOrder(4, (round, id) -> WaitKind.AWAIT, Condition::signalAll);
    }

    @Test
    void signalN_blockingWaiters_retakeTheLockInSignalOrder() throws Exception {
        assertWaitersReturnInListedOrder(4, (round, id) -> WaitKind.AWAIT, cond -> {
            cond.signal(3);
            assertThat(cond.waiterCount()).isEqualTo(1);
            cond.signal();
        });
    }

    @Test
    void signalAll_blockingAndAsyncWaitersMixed_retakeTheLockInTheOrderTheyWaited() throws Exception {
        assertWaitersReturnInListedOrder(4, (round, id) -> id % 2 == 0 ? WaitKind.ASYNC : WaitKind.AWAIT,
                Condition::signalAll);
    }

    @Test
    void signalAll_everyKindOfWait_retakesTheLockInTheOrderTheyWaited() throws Exception {
        WaitKind[] kinds = WaitKind.values();
        // Each kind takes every place in the queue in turn.
        assertWaitersReturnInListedOrder(kinds.length, (round, id) -> kinds[(round + id) % kinds.length],
                Condition::signalAll);
    }

    @Test
    void signal_queuesTheWaitersLockRequestAheadOfLaterAcquirers() throws Exception {
        Lock lock = newLock();
        Condition cond = lock.newCondition();
        List<String> order = new CopyOnWriteArrayList<>();
        Worker<@Nullable Void> waiter = Worker.start("waiter", () -> {
            lock.acquire();
            try {
                cond.await();
                order.add("waiter");
            } finally {
                lock.release();
            }
            return null;
        });
        eventually("waiting", () -> cond.waiterCount() == 1);
        awaitParked(waiter.thread);

        lock.acquire();
        cond.signal();
        assertThat(lock.waiterCount()).as("the signal queued the waiter's request for the lock").isEqualTo(1);
        Worker<@Nullable Void> acquirer = Worker.start("acquirer", () -> {
            lock.acquire();
            order.add("acquirer");
            lock.release();
            return null;
        });
        eventually("the acquirer queues", () -> lock.waiterCount() == 2);
        lock.release();

        waiter.get();
        acquirer.get();
        assertThat(order).containsExactly("waiter", "acquirer");
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void await_interruptedWhileRetakingTheLock_keepsItsPlaceAndReturnsWithTheInterruptSet() throws Exception {
        Condition cond = newCondition();
        List<String> order = new CopyOnWriteArrayList<>();
        List<Worker<@Nullable Void>> waiters = new ArrayList<>();
        for (int id = 1; id <= 2; id++) {
            String me = "waiter-" + id;
            waiters.add(Worker.start(me, () -> {
                cond.acquire();
                try {
                    cond.await();
                    order.add(me + (Thread.interrupted() ? " (interrupted)" : ""));
                } finally {
                    cond.release();
                }
                return null;
            }));
            int listed = id;
            eventually(me + " is listed", () -> cond.waiterCount() == listed);
        }

        cond.acquire();
        cond.signalAll();
        awaitParked(waiters.get(0).thread);
        waiters.get(0).thread.interrupt();   // signalled, and the lock is not free yet
        cond.release();

        for (Worker<@Nullable Void> w : waiters) {
            w.get();
        }
        assertThat(order).containsExactly("waiter-1 (interrupted)", "waiter-2");
    }

    // ---- interrupts (test_wait_cancel, test_wait_cancel_contested, test_wait_cancel_after_notify)

    @Test
    void await_interruptedBeforeSignal_reacquiresTheLockThenThrows() throws Exception {
        Condition cond = newCondition();
        Worker<String> waiter = Worker.start("waiter", () -> {
            cond.acquire();
            try {
                cond.await();
                return "returned";
            } catch (InterruptedException e) {
                return "interrupted, locked=" + cond.isLocked() + ", flag=" + Thread.currentThread().isInterrupted();
            } finally {
                cond.release();
            }
        });
        eventually("waiting", () -> cond.waiterCount() == 1);
        awaitParked(waiter.thread);

        waiter.thread.interrupt();

        assertThat(waiter.get()).isEqualTo("interrupted, locked=true, flag=false");
        assertThat(cond.hasWaiters()).isFalse();
        assertThat(cond.isLocked()).isFalse();
    }

    @Test
    void await_interruptedWhileTheLockIsContested_waitsForTheLockBeforeThrowing() throws Exception {
        Condition cond = newCondition();
        AtomicBoolean returned = new AtomicBoolean();
        Worker<Boolean> waiter = Worker.start("waiter", () -> {
            cond.acquire();
            try {
                cond.await();
                return false;
            } catch (InterruptedException e) {
                return true;
            } finally {
                returned.set(true);
                cond.release();
            }
        });
        eventually("waiting", () -> cond.waiterCount() == 1);
        cond.acquire();                 // contest the lock
        waiter.thread.interrupt();
        eventually("the waiter queues for the lock", () -> cond.getLock() instanceof Lock l && l.waiterCount() == 1);
        assertThat(returned).as("cannot leave without the lock").isFalse();

        cond.release();

        assertThat(waiter.get()).isTrue();
    }

    @Test
    void await_interruptedAfterSignal_returnsNormallyWithTheInterruptSet() throws Exception {
        Condition cond = newCondition();
        Worker<String> waiter = Worker.start("waiter", () -> {
            cond.acquire();
            try {
                cond.await();
                return "returned, flag=" + Thread.interrupted();
            } catch (InterruptedException e) {
                return "interrupted";
            } finally {
                cond.release();
            }
        });
        eventually("waiting", () -> cond.waiterCount() == 1);

        cond.acquire();
        cond.signal();                  // chosen first
        waiter.thread.interrupt();      // then interrupted, while it cannot have the lock yet
        cond.release();

        assertThat(waiter.get()).isEqualTo("returned, flag=true");
    }

    @Test
    void await_interruptedOnEntry_throwsWithTheLockStillHeld() throws InterruptedException {
        Condition cond = newCondition();
        cond.acquire();
        Thread.currentThread().interrupt();

        assertThatThrownBy(cond::await).isInstanceOf(InterruptedException.class);

        assertThat(cond.isLocked()).isTrue();
        assertThat(cond.hasWaiters()).isFalse();
    }

    @Test
    void awaitUninterruptibly_interrupted_keepsWaitingUntilSignalled() throws Exception {
        Condition cond = newCondition();
        Worker<Boolean> waiter = Worker.start("waiter", () -> {
            cond.acquire();
            try {
                cond.awaitUninterruptibly();
                return Thread.interrupted();
            } finally {
                cond.release();
            }
        });
        eventually("waiting", () -> cond.waiterCount() == 1);
        awaitParked(waiter.thread);
        waiter.thread.interrupt();
        awaitParked(waiter.thread);
        assertThat(cond.waiterCount()).isEqualTo(1);

        cond.acquire();
        cond.signal();
        cond.release();

        assertThat(waiter.get()).isTrue();
    }

    // ---- timeouts (test_wait_for_timeout, test_timeout_in_block)

    @Test
    void await_withTimeout_returnsFalseWithTheLockHeld() throws InterruptedException {
        Condition cond = newCondition();
        cond.acquire();

        assertThat(cond.await(Duration.ofMillis(20))).isFalse();
        assertThat(cond.isLocked()).isTrue();
        assertThat(cond.await(1, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(cond.awaitNanos(-5)).isLessThanOrEqualTo(0L);
        assertThat(cond.awaitUntil(new Date(System.currentTimeMillis() - 1000))).isFalse();

        assertThat(cond.isLocked()).isTrue();
        assertThat(cond.hasWaiters()).isFalse();
    }

    @Test
    void awaitNanos_signalledInTime_returnsPositive() throws Exception {
        Condition cond = newCondition();
        Worker<Long> waiter = Worker.start("waiter", () -> {
            cond.acquire();
            try {
                return cond.awaitNanos(TimeUnit.SECONDS.toNanos(20));
            } finally {
                cond.release();
            }
        });
        eventually("waiting", () -> cond.waiterCount() == 1);

        cond.acquire();
        cond.signal();
        cond.release();

        assertThat(waiter.get()).isPositive();
    }

    @Test
    void timedOutWaiter_doesNotConsumeALaterSignal() throws Exception {
        Condition cond = newCondition();
        cond.acquire();
        assertThat(cond.await(Duration.ofMillis(1))).isFalse();
        cond.release();
        CompletableFuture<@Nullable Void> later = listen(cond);

        cond.acquire();
        cond.signal();
        cond.release();

        assertThat(later).isCompleted();
    }

    @Test
    void timeoutRacingASignal_theSignalGoesToExactlyOneOfTheTimedWaiterAndTheWaiterBehindIt() throws Exception {
        for (int round = 0; round < 300; round++) {
            Condition cond = newCondition();
            long timeoutNanos = (round % 16) * 25_000L;   // 0 to 375 us: the signal comes before or after it
            Worker<Boolean> first = Worker.start("first", () -> {
                cond.acquire();
                try {
                    return cond.awaitNanos(timeoutNanos) > 0L;
                } finally {
                    cond.release();
                }
            });
            eventually("first is listed or has timed out", () -> cond.waiterCount() == 1 || first.isDone());
            CompletableFuture<Boolean> behind = listenAndRelease(cond);

            cond.acquire();
            cond.signal();
            cond.release();

            assertTheSignalWentToOneOf(cond, first.get(), behind, round);
        }
    }

    @Test
    void interruptRacingASignal_theSignalGoesToExactlyOneOfTheInterruptedWaiterAndTheWaiterBehindIt() throws Exception {
        for (int round = 0; round < 300; round++) {
            Condition cond = newCondition();
            Worker<String> first = Worker.start("first", () -> {
                cond.acquire();
                try {
                    cond.await();
                    return "signalled, flag=" + Thread.interrupted();
                } catch (InterruptedException e) {
                    return "interrupted, flag=" + Thread.currentThread().isInterrupted();
                } finally {
                    cond.release();
                }
            });
            eventually("first is listed", () -> cond.waiterCount() == 1);
            CompletableFuture<Boolean> behind = listenAndRelease(cond);

            cond.acquire();
            first.thread.interrupt();
            for (int i = (round % 16) * 64; i > 0; i--) {   // moves the signal across the give-up
                Thread.onSpinWait();
            }
            cond.signal();
            cond.release();

            String outcome = first.get();
            // Interrupted before the lock was released, so before it could return: the flag is
            // set again if the signal won, cleared if the interrupt did.
            assertThat(outcome).as("round %d", round).isIn("signalled, flag=true", "interrupted, flag=false");
            assertTheSignalWentToOneOf(cond, outcome.startsWith("signalled"), behind, round);
        }
    }

    /**
     * After one signal raced the give-up of the first waiter: if the first waiter kept the
     * signal, the waiter behind it still waits (another signal then wakes it); otherwise the
     * signal passed to the waiter behind. Either way nothing is left held or listed.
     */
    private static void assertTheSignalWentToOneOf(Condition cond, boolean firstKeptIt,
            CompletableFuture<Boolean> behind, int round) throws Exception {
        if (firstKeptIt) {
            assertThat(behind).as("round %d: the signal went to the first waiter only", round).isNotDone();
            assertThat(cond.waiterCount()).isEqualTo(1);
            cond.acquire();
            cond.signal();
            cond.release();
        }
        assertThat(behind.get(20, TimeUnit.SECONDS)).as("round %d: the waiter behind was woken", round).isTrue();
        assertThat(cond.isLocked()).as("round %d: no lock left held for nobody", round).isFalse();
        assertThat(cond.hasWaiters()).isFalse();
    }

    // ---- predicates (test_wait_for, test_wait_for_unacquired)

    @Test
    void waitFor_trueAtOnce_returnsWithoutNeedingTheLock() throws InterruptedException {
        Condition cond = newCondition();

        cond.waitFor(() -> true);
        assertThat(cond.waitFor(() -> true, Duration.ZERO)).isTrue();
        assertThat(cond.waitForAsync(() -> true)).isCompleted();

        assertThat(cond.isLocked()).isFalse();
        assertThatThrownBy(() -> cond.waitFor(() -> false)).isInstanceOf(IllegalMonitorStateException.class);
    }

    @Test
    void waitFor_loopsUntilThePredicateHolds() throws Exception {
        Condition cond = newCondition();
        int[] state = {0};
        AtomicInteger evaluations = new AtomicInteger();
        Worker<Integer> waiter = Worker.start("waiter", () -> {
            cond.acquire();
            try {
                cond.waitFor(() -> {
                    evaluations.incrementAndGet();
                    return state[0] == 2;
                });
                return state[0];
            } finally {
                cond.release();
            }
        });
        for (int step = 1; step <= 2; step++) {
            int expectedEvaluations = step;
            eventually("waiting", () -> cond.waiterCount() == 1 && evaluations.get() == expectedEvaluations);
            cond.acquire();
            state[0] = step;
            cond.signalAll();
            cond.release();
        }

        assertThat(waiter.get()).isEqualTo(2);
        assertThat(evaluations).hasValue(3);
    }

    @Test
    void waitFor_withTimeout_returnsFalseIfThePredicateStaysFalse() throws InterruptedException {
        Condition cond = newCondition();
        cond.acquire();

        assertThat(cond.waitFor(() -> false, Duration.ofMillis(20))).isFalse();
        assertThat(cond.isLocked()).isTrue();
    }

    @Test
    void waitForAsync_completesHoldingTheLockOnceThePredicateHolds() throws InterruptedException {
        Condition cond = newCondition();
        int[] state = {0};
        cond.acquire();
        CompletableFuture<@Nullable Void> w = cond.waitForAsync(() -> state[0] >= 2);
        assertThat(cond.isLocked()).isFalse();

        for (int step = 1; step <= 2; step++) {
            cond.acquire();
            state[0] = step;
            cond.signal();
            cond.release();
        }

        assertThat(w).isCompleted();
        assertThat(cond.isLocked()).as("held for w").isTrue();
        assertThat(cond.hasWaiters()).isFalse();
    }

    @Test
    void waitForAsync_predicateThrows_releasesTheLockAndFails() throws InterruptedException {
        Condition cond = newCondition();
        AtomicInteger calls = new AtomicInteger();
        cond.acquire();
        CompletableFuture<@Nullable Void> w = cond.waitForAsync(() -> {
            if (calls.incrementAndGet() > 1) {
                throw new IllegalStateException("boom");
            }
            return false;
        });

        cond.acquire();
        cond.signal();
        cond.release();

        assertThatThrownBy(w::join).hasCauseInstanceOf(IllegalStateException.class);
        assertThat(cond.isLocked()).isFalse();
    }

    @Test
    void waitForAsync_cancelled_withdrawsTheWait() throws InterruptedException {
        Condition cond = newCondition();
        cond.acquire();
        CompletableFuture<@Nullable Void> w = cond.waitForAsync(() -> false);

        w.cancel(false);

        eventually("withdrawn", () -> !cond.hasWaiters());
        assertThat(cond.isLocked()).isFalse();
    }

    // ---- asynchronous cancellation and lost wake-ups (test_cancelled_wakeup, gh-112202)

    @Test
    void awaitAsync_cancelledBeforeSignal_leavesNoWaiterAndHoldsNothing() throws InterruptedException {
        Condition cond = newCondition();
        CompletableFuture<@Nullable Void> w = listen(cond);

        assertThat(w.cancel(false)).isTrue();

        assertThat(cond.hasWaiters()).isFalse();
        assertThat(cond.isLocked()).isFalse();
        assertThatThrownBy(w::join).isInstanceOf(CancellationException.class);
    }

    @Test
    void awaitAsync_cancelledAfterSignal_passesTheSignalToTheNextWaiter() throws InterruptedException {
        Condition cond = newCondition();
        CompletableFuture<@Nullable Void> w1 = listen(cond);
        CompletableFuture<@Nullable Void> w2 = listen(cond);

        cond.acquire();
        cond.signal();                       // chooses w1, which queues for the lock
        assertThat(cond.waiterCount()).isEqualTo(1);
        assertThat(w1.cancel(false)).isTrue();
        cond.release();

        assertThat(w2).as("the signal was passed on, not lost").isCompleted();
        assertThat(cond.isLocked()).as("held for w2").isTrue();
        cond.release();
        assertThat(cond.isLocked()).isFalse();
    }

    @Test
    void awaitAsync_cancelledAfterTheLockWasHandedToIt_failsAndTheCallerHoldsTheLock() throws InterruptedException {
        Condition cond = newCondition();
        CompletableFuture<@Nullable Void> w = listen(cond);
        cond.acquire();
        cond.signal();                       // chooses w; its lock request waits for our release
        cond.release();                      // hands the lock to w's request, which completes w

        assertThat(w.cancel(false)).as("too late: the lock is held for w").isFalse();
        assertThat(w.completeExceptionally(new IllegalStateException())).isFalse();
        assertThat(w).isCompletedWithValue(null);
        assertThat(cond.isLocked()).isTrue();
        cond.release();
        assertThat(cond.isLocked()).isFalse();
    }

    @Test
    void awaitAsync_completedNormallyByTheCallerBeforeASignal_withdrawsAndTheSignalGoesToTheNext()
            throws InterruptedException {
        Condition cond = newCondition();
        CompletableFuture<@Nullable Void> w1 = listen(cond);
        CompletableFuture<@Nullable Void> w2 = listen(cond);

        assertThat(w1.complete(null)).isTrue();
        assertThat(cond.waiterCount()).as("w1 withdrawn").isEqualTo(1);

        cond.acquire();
        cond.signal();
        cond.release();

        assertThat(w2).as("the signal went to a waiter that still waits").isCompletedWithValue(null);
        assertThat(cond.isLocked()).as("held for w2").isTrue();
        cond.release();
        assertThat(cond.isLocked()).isFalse();
    }

    @Test
    void awaitAsync_completedExceptionallyAfterSignal_withdrawsTheRequestAndPassesTheSignalOn()
            throws InterruptedException {
        Condition cond = newCondition();
        CompletableFuture<@Nullable Void> w1 = listen(cond);
        CompletableFuture<@Nullable Void> w2 = listen(cond);

        cond.acquire();
        cond.signal();                       // chooses w1, which queues for the lock
        assertThat(w1.completeExceptionally(new IllegalStateException("gave up"))).isTrue();
        assertThat(w1.completeExceptionally(new IllegalStateException("again"))).isFalse();
        cond.release();

        assertThat(w2).as("exactly one signal passed on").isCompletedWithValue(null);
        assertThat(cond.waiterCount()).isZero();
        cond.release();                      // w2's hold
        assertThat(cond.isLocked()).isFalse();
    }

    @Test
    void awaitAsync_obtrudeAndCompleteAsync_areUnsupportedAndLeaveTheWaitListed() throws InterruptedException {
        Condition cond = newCondition();
        CompletableFuture<@Nullable Void> w = listen(cond);

        assertThatThrownBy(() -> w.obtrudeValue(null)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> w.obtrudeException(new IllegalStateException()))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> w.completeAsync(() -> null)).isInstanceOf(UnsupportedOperationException.class);

        assertThat(cond.waiterCount()).isEqualTo(1);
        cond.acquire();
        cond.signal();
        cond.release();
        assertThat(w).isCompletedWithValue(null);
        cond.release();
    }

    @Test
    void signal_byANonHolderWhileTheLockIsHeld_isAccepted() throws Exception {
        Lock lock = newLock();
        Condition cond = lock.newCondition();
        CompletableFuture<@Nullable Void> w = listen(cond);
        lock.acquire();

        // A signal by a non-holder succeeds while someone holds the lock (asyncio's rule).
        Worker<Boolean> signaller = Worker.start("signaller", () -> {
            cond.signal();
            return true;
        });
        assertThat(signaller.get()).isTrue();
        assertThat(w).isNotDone();
        lock.release();

        assertThat(w).isCompleted();
    }

    @Test
    void awaitAsync_timedOutViaOrTimeout_withdrawsTheWait() throws InterruptedException {
        Condition cond = newCondition();
        CompletableFuture<@Nullable Void> w = listen(cond).orTimeout(5, TimeUnit.MILLISECONDS);

        assertThatThrownBy(w::join).hasCauseInstanceOf(java.util.concurrent.TimeoutException.class);
        eventually("withdrawn", () -> !cond.hasWaiters());
        assertThat(cond.isLocked()).isFalse();
    }

    @Test
    void signal_racingWithCancelOfTheFirstWaiter_alwaysWakesSomebody() throws Exception {
        for (int round = 0; round < 1_000; round++) {
            Condition cond = newCondition();
            CompletableFuture<@Nullable Void> w1 = listen(cond);
            CompletableFuture<@Nullable Void> w2 = listen(cond);
            Worker<Boolean> canceller = Worker.start("canceller", () -> w1.cancel(false));
            cond.acquire();
            cond.signal();
            cond.release();
            boolean cancelled = canceller.get();

            eventually("the signal lands", () -> w1.isDone() && (!cancelled || w2.isDone()));
            if (cancelled) {
                assertThat(w2).as("round %d: w1 withdrawn or passed the signal on", round).isCompleted();
            } else {
                assertThat(w1).isCompleted();
                assertThat(w2).isNotDone();
            }
            assertThat(cond.isLocked()).as("round %d: exactly one holder", round).isTrue();
            cond.release();
            assertThat(cond.isLocked()).isFalse();
        }
    }

    // ---- the write lock of a ReadWriteLock

    @Test
    void condition_onAWriteLock_worksLikeOnALock() throws InterruptedException {
        ReadWriteLock rw = new ReadWriteLock();
        Condition cond = rw.writeLock().newCondition();
        rw.writeLock().acquire();
        CompletableFuture<@Nullable Void> w = cond.awaitAsync();
        assertThat(rw.isWriteLocked()).isFalse();

        rw.writeLock().acquire();
        cond.signal();
        rw.writeLock().release();

        assertThat(w).isCompleted();
        assertThat(rw.isWriteLocked()).isTrue();
        assertThat(cond.getLock()).isSameAs(rw.writeLock());
    }

    // ---- load: a bounded buffer

    @Test
    void boundedBuffer_manyProducersAndConsumers_losesNoWakeUp() throws Exception {
        Condition notEmpty = newCondition();
        Condition notFull = new Condition((Lock) notEmpty.getLock());
        Deque<Integer> buffer = new ArrayDeque<>();
        int capacity = 2;
        int producers = 4;
        int perProducer = 500;
        AtomicInteger consumedSum = new AtomicInteger();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                futures.add(executor.submit(() -> {
                    for (int i = 1; i <= perProducer; i++) {
                        notFull.acquire();
                        try {
                            notFull.waitFor(() -> buffer.size() < capacity);
                            buffer.add(i);
                            notEmpty.signal();
                        } finally {
                            notFull.release();
                        }
                    }
                    return null;
                }));
            }
            for (int c = 0; c < producers; c++) {
                futures.add(executor.submit(() -> {
                    for (int i = 0; i < perProducer; i++) {
                        notEmpty.acquire();
                        try {
                            notEmpty.waitFor(() -> !buffer.isEmpty());
                            consumedSum.addAndGet(buffer.poll());
                            notFull.signal();
                        } finally {
                            notEmpty.release();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        assertThat(consumedSum.get()).isEqualTo(producers * perProducer * (perProducer + 1) / 2);
        assertThat(buffer).isEmpty();
    }

    @Test
    void waitFor_timeUnitForm_returnsThePredicateOrFalseAfterTheTimeout() throws Exception {
        Condition cond = newCondition();
        cond.acquire();
        try {
            assertThat(cond.waitFor(() -> true, 0, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            long start = System.nanoTime();
            assertThat(cond.waitFor(() -> false, 10, java.util.concurrent.TimeUnit.MILLISECONDS)).isFalse();
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(10));
            assertThat(cond.isLocked()).isTrue();
        } finally {
            cond.release();
        }
        assertThatThrownBy(() -> cond.waitFor(() -> false, 1, null)).isInstanceOf(NullPointerException.class);
    }
}
