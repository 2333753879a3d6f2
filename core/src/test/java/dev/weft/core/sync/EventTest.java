package dev.weft.core.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tests of {@link Event}; ports CPython's {@code test_locks.py} Event tests ({@code test_wait},
 * {@code test_wait_on_set}, {@code test_wait_cancel}, {@code test_clear},
 * {@code test_clear_with_waiters}, {@code test_repr}).
 */
@Timeout(20)
class EventTest {

    private static final long WAIT_SECONDS = 10;

    /** Waits (yielding, never sleeping) until {@code n} waiters have joined the event. */
    private static void awaitWaiters(Event event, int n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (event.waiterCount() != n) {
            assertThat(System.nanoTime() - deadline).as("%d waiters in time; %s", n, event).isNegative();
            Thread.yield();
        }
    }

    /** Starts a virtual thread that blocks in {@code event.await()} and records how it ended. */
    private static Thread blockedWaiter(Event event, AtomicReference<@Nullable Object> outcome) {
        return Thread.ofVirtual().start(() -> {
            try {
                event.await();
                outcome.set("returned");
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
    }

    private static void join(Thread t) throws InterruptedException {
        assertThat(t.join(Duration.ofSeconds(WAIT_SECONDS))).as("thread ended in time").isTrue();
    }

    @Test
    void newEvent_isNotSet() {
        Event event = new Event();
        assertThat(event.isSet()).isFalse();
        assertThat(event.waiterCount()).isZero();
    }

    @Test
    void set_thenClear_flagFollows() {
        Event event = new Event();
        event.set();
        assertThat(event.isSet()).isTrue();
        event.set(); // a second set changes nothing
        assertThat(event.isSet()).isTrue();
        event.clear();
        assertThat(event.isSet()).isFalse();
        event.clear();
        assertThat(event.isSet()).isFalse();
    }

    /** Port of {@code test_wait_on_set}. */
    @Test
    void await_onSetEvent_returnsAtOnce() throws Exception {
        Event event = new Event();
        event.set();
        event.await();
        assertThat(event.await(0, TimeUnit.SECONDS)).isTrue();
        assertThat(event.await(Duration.ofDays(1))).isTrue();
        assertThat(event.awaitAsync()).isCompleted();
        assertThat(event.waiterCount()).isZero();
    }

    /** Port of {@code test_wait}. */
    @Test
    void set_wakesEveryBlockedAndAsyncWaiter() throws Exception {
        Event event = new Event();
        List<AtomicReference<@Nullable Object>> outcomes = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            AtomicReference<@Nullable Object> outcome = new AtomicReference<>();
            outcomes.add(outcome);
            threads.add(blockedWaiter(event, outcome));
        }
        CompletableFuture<@Nullable Void> async = event.awaitAsync();
        awaitWaiters(event, 4);
        assertThat(async).isNotDone();
        for (AtomicReference<@Nullable Object> outcome : outcomes) {
            assertThat(outcome.get()).isNull();
        }

        event.set();

        for (Thread t : threads) {
            join(t);
        }
        for (AtomicReference<@Nullable Object> outcome : outcomes) {
            assertThat(outcome.get()).isEqualTo("returned");
        }
        assertThat(async).isCompleted();
        assertThat(event.waiterCount()).isZero();
    }

    /** Port of {@code test_clear_with_waiters}: a set() is not undone by an immediate clear(). */
    @Test
    void set_thenClearAtOnce_stillWakesEveryWaiter() throws Exception {
        Event event = new Event();
        AtomicReference<@Nullable Object> outcome = new AtomicReference<>();
        Thread blocked = blockedWaiter(event, outcome);
        CompletableFuture<@Nullable Void> async = event.awaitAsync();
        awaitWaiters(event, 2);

        event.set();
        event.clear();

        join(blocked);
        assertThat(outcome.get()).isEqualTo("returned");
        assertThat(async).isCompleted();
        assertThat(event.isSet()).isFalse();
        assertThat(event.waiterCount()).isZero();
        // A wait that begins after the clear() waits for the next set().
        assertThat(event.await(Duration.ofMillis(1))).isFalse();
        assertThat(event.awaitAsync()).isNotDone();
    }

    @Test
    void awaitAsync_completesWithNullOnSet_andDependentsRunInSettingThread() throws Exception {
        Event event = new Event();
        AtomicReference<@Nullable Thread> ranIn = new AtomicReference<>();
        CompletableFuture<@Nullable Void> future = event.awaitAsync();
        CompletableFuture<@Nullable Void> dependent = future.thenRun(() -> ranIn.set(Thread.currentThread()));
        Thread setter = Thread.ofVirtual().start(event::set);
        join(setter);
        assertThat(future.get(WAIT_SECONDS, TimeUnit.SECONDS)).isNull();
        dependent.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(ranIn.get()).isSameAs(setter);
    }

    /** Port of {@code test_wait_cancel}. */
    @Test
    void awaitAsync_cancelled_unlinksItsWaiterAtOnce() {
        Event event = new Event();
        CompletableFuture<@Nullable Void> future = event.awaitAsync();
        assertThat(event.waiterCount()).isEqualTo(1);
        assertThat(event.hasWaiters()).isTrue();

        assertThat(future.cancel(true)).isTrue();

        assertThat(event.waiterCount()).isZero();
        assertThat(event.hasWaiters()).isFalse();
        event.set();
        assertThat(future).isCancelled();
    }

    @Test
    void awaitAsync_repeatedCancelsAndTimeouts_leaveNoWaiterBehind() throws Exception {
        Event event = new Event();
        for (int i = 0; i < 100_000; i++) {
            event.awaitAsync().cancel(false);
        }
        assertThat(event.waiterCount()).isZero();

        List<CompletableFuture<@Nullable Void>> timed = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            timed.add(event.awaitAsync().orTimeout(1, TimeUnit.MILLISECONDS));
        }
        for (CompletableFuture<@Nullable Void> f : timed) {
            assertThatThrownBy(() -> f.get(WAIT_SECONDS, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TimeoutException.class);
        }
        assertThat(event.waiterCount()).isZero();

        CompletableFuture<@Nullable Void> completedByUser = event.awaitAsync();
        completedByUser.complete(null);
        CompletableFuture<@Nullable Void> failedByUser = event.awaitAsync();
        failedByUser.completeExceptionally(new IllegalStateException());
        CompletableFuture<@Nullable Void> obtruded = event.awaitAsync();
        obtruded.obtrudeValue(null);
        assertThat(event.waiterCount()).isZero();
        assertThat(event).hasToString("Event[unset]");
    }

    @Test
    void awaitAsync_cancellingHeadMiddleAndTail_keepsTheOthersWaiting() {
        Event event = new Event();
        List<CompletableFuture<@Nullable Void>> futures = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            futures.add(event.awaitAsync());
        }
        futures.get(0).cancel(true);
        futures.get(2).cancel(true);
        futures.get(4).cancel(true);
        assertThat(event.waiterCount()).isEqualTo(2);
        CompletableFuture<@Nullable Void> late = event.awaitAsync();
        assertThat(event.waiterCount()).isEqualTo(3);

        event.set();

        assertThat(futures.get(1)).isCompleted();
        assertThat(futures.get(3)).isCompleted();
        assertThat(late).isCompleted();
        assertThat(futures.get(0)).isCancelled();
        assertThat(event.waiterCount()).isZero();
    }

    @Test
    void awaitAsync_derivedStageCancelled_doesNotWithdrawTheWait() {
        Event event = new Event();
        CompletableFuture<@Nullable Void> future = event.awaitAsync();
        CompletableFuture<@Nullable Void> derived = future.thenRun(() -> { });
        assertThat(derived).isNotInstanceOf(future.getClass());
        derived.cancel(true);
        assertThat(event.waiterCount()).isEqualTo(1);
        event.set();
        assertThat(future).isCompleted();
    }

    @Test
    void awaitAsync_cancelAfterSet_failsAndKeepsCompletion() {
        Event event = new Event();
        CompletableFuture<@Nullable Void> future = event.awaitAsync();
        event.set();
        assertThat(future.cancel(true)).isFalse();
        assertThat(future).isCompleted();
    }

    @Test
    void await_timeoutElapses_returnsFalseAndWithdrawsWaiter() throws Exception {
        Event event = new Event();
        assertThat(event.await(20, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(event.await(Duration.ofMillis(5))).isFalse();
        assertThat(event.waiterCount()).isZero();
    }

    @Test
    void await_zeroOrNegativeTimeout_pollsWithoutJoining() throws Exception {
        Event event = new Event();
        assertThat(event.await(0, TimeUnit.NANOSECONDS)).isFalse();
        assertThat(event.await(-5, TimeUnit.SECONDS)).isFalse();
        assertThat(event.await(Duration.ofSeconds(-1))).isFalse();
        assertThat(event.await(Duration.ofSeconds(Long.MIN_VALUE))).isFalse();
        assertThat(event.waiterCount()).isZero();
    }

    @Test
    void await_hugeTimeout_waitsUntilSet() throws Exception {
        Event event = new Event();
        AtomicReference<@Nullable Object> outcome = new AtomicReference<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                outcome.set(event.await(Duration.ofSeconds(Long.MAX_VALUE)));
            } catch (Throwable e) {
                outcome.set(e);
            }
        });
        awaitWaiters(event, 1);
        event.set();
        join(t);
        assertThat(outcome.get()).isEqualTo(Boolean.TRUE);
    }

    @Test
    void await_interruptedOnEntry_throwsEvenWhenSet() {
        Event event = new Event();
        event.set();
        Thread.currentThread().interrupt();
        assertThatThrownBy(event::await).isInstanceOf(InterruptedException.class);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> event.await(0, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void await_interruptedWhileWaiting_throwsAndWithdrawsWaiter() throws Exception {
        Event event = new Event();
        AtomicReference<@Nullable Object> outcome = new AtomicReference<>();
        AtomicBoolean statusAfter = new AtomicBoolean(true);
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                event.await();
                outcome.set("returned");
            } catch (Throwable e) {
                outcome.set(e);
                statusAfter.set(Thread.currentThread().isInterrupted());
            }
        });
        awaitWaiters(event, 1);
        t.interrupt();
        join(t);
        assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
        assertThat(statusAfter).isFalse();
        assertThat(event.waiterCount()).isZero();
    }

    @Test
    void await_timedWaiterInterrupted_throwsAndWithdrawsWaiter() throws Exception {
        Event event = new Event();
        AtomicReference<@Nullable Object> outcome = new AtomicReference<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                outcome.set(event.await(1, TimeUnit.HOURS));
            } catch (Throwable e) {
                outcome.set(e);
            }
        });
        awaitWaiters(event, 1);
        t.interrupt();
        join(t);
        assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
        assertThat(event.waiterCount()).isZero();
    }

    @Test
    void await_nullArguments_throwNullPointerException() {
        Event event = new Event();
        assertThatThrownBy(() -> event.await(1, null)).isInstanceOf(NullPointerException.class).hasMessage("unit");
        assertThatThrownBy(() -> event.await(null)).isInstanceOf(NullPointerException.class).hasMessage("timeout");
    }

    /** Port of {@code test_repr}. */
    @Test
    void toString_showsStateAndWaiters() {
        Event event = new Event();
        assertThat(event).hasToString("Event[unset]");
        event.set();
        assertThat(event).hasToString("Event[set]");
        event.clear();
        CompletableFuture<@Nullable Void> waiting = event.awaitAsync();
        assertThat(event).hasToString("Event[unset, waiters=1]");
        waiting.cancel(true);
        assertThat(event).hasToString("Event[unset]");
    }

    @Test
    void set_visibility_writesBeforeSetAreSeenByWokenWaiter() throws Exception {
        Event event = new Event();
        int[] box = new int[1];
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<@Nullable Integer> seen = new AtomicReference<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                event.await();
                seen.set(box[0]);
            } catch (InterruptedException e) {
                seen.set(-1);
            }
            done.countDown();
        });
        awaitWaiters(event, 1);
        box[0] = 42;
        event.set();
        assertThat(done.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        join(reader);
        assertThat(seen.get()).isEqualTo(42);
    }

    /**
     * Waiters join while another thread sets and clears in a loop: every waiter that joined is
     * woken by some set() (none lost), and none stays linked.
     */
    @Test
    void setAndClear_racingWithWaiters_loseNoWaiter() throws Exception {
        Event event = new Event();
        int rounds = 20_000;
        AtomicBoolean stop = new AtomicBoolean();
        Thread toggler = Thread.ofPlatform().start(() -> {
            while (!stop.get()) {
                event.set();
                event.clear();
            }
        });
        List<CompletableFuture<@Nullable Void>> futures = new ArrayList<>(rounds);
        try {
            for (int i = 0; i < rounds; i++) {
                futures.add(event.awaitAsync());
            }
        } finally {
            stop.set(true);
            join(toggler);
        }
        int pending = 0;
        for (CompletableFuture<@Nullable Void> f : futures) {
            if (!f.isDone()) {
                pending++;
            }
        }
        // Only waiters that joined after the toggler's last set() may still wait.
        assertThat(event.waiterCount()).isEqualTo(pending);
        event.set();
        CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(event.waiterCount()).isZero();
        for (CompletableFuture<@Nullable Void> f : futures) {
            assertThat(f.isCancelled()).isFalse();
        }
    }
}
