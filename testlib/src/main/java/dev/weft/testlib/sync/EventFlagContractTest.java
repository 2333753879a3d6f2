package dev.weft.testlib.sync;

import static dev.weft.testlib.Threads.failureOf;
import static dev.weft.testlib.Threads.inThread;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.core.sync.EventFlag;
import dev.weft.testlib.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@link EventFlag} contract as a test suite, run against every Weft event at every scale by a
 * subclass in that implementation's tests: set, clear and the snapshot; the blocking, timed (both
 * timeout styles) and asynchronous waits; the pulse rule (a {@code set(); clear();} wakes every
 * current waiter with {@code true}); interrupts; and cancellation that leaves the other waiters
 * alone.
 *
 * <p>A subclass supplies {@link #createEvent()}; it may override {@link #awaitBlocked(Thread)} if
 * its waiting threads do not show as {@code WAITING}/{@code TIMED_WAITING}. No sleeps order events.
 */
@Timeout(60)
public abstract class EventFlagContractTest {

    /**
     * A new event, clear.
     *
     * @return the event
     * @throws Exception if it cannot be created
     */
    protected abstract EventFlag createEvent() throws Exception;

    /**
     * Waits until {@code t} is blocked in a wait. The default waits for
     * {@code WAITING}/{@code TIMED_WAITING}.
     *
     * @param t the thread
     * @throws InterruptedException if interrupted
     */
    protected void awaitBlocked(Thread t) throws InterruptedException {
        Threads.awaitWaiting(t);
    }

    @Test
    void setAndClear_changeTheFlag_idempotently() throws Exception {
        EventFlag event = createEvent();
        assertThat(event.isSet()).isFalse();
        event.set();
        event.set();
        assertThat(event.isSet()).isTrue();
        event.clear();
        event.clear();
        assertThat(event.isSet()).isFalse();
    }

    @Test
    void everyWait_flagAlreadySet_returnsAtOnce() throws Exception {
        EventFlag event = createEvent();
        event.set();
        event.await();
        assertThat(event.await(Duration.ZERO)).isTrue();
        assertThat(event.await(0, TimeUnit.SECONDS)).isTrue();
        assertThat(event.await(Duration.ofSeconds(30))).isTrue();
        assertThat(event.awaitAsync()).isCompleted();
    }

    @Test
    void timedWaits_clearFlag_returnFalseAfterTheTimeoutInBothStyles() throws Exception {
        EventFlag event = createEvent();
        long start = System.nanoTime();
        assertThat(event.await(Duration.ofMillis(20))).isFalse();
        assertThat(event.await(20, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(40));
        assertThat(event.await(Duration.ZERO)).isFalse();
        assertThat(event.await(-1, TimeUnit.SECONDS)).isFalse();
        assertThat(event.await(Duration.ofSeconds(Long.MIN_VALUE))).isFalse();
        assertThat(event.isSet()).isFalse();
    }

    @Test
    void await_blocked_returnsAfterASet() throws Exception {
        EventFlag event = createEvent();
        AtomicReference<Thread> t = new AtomicReference<>();
        CompletableFuture<Boolean> waiter = inThread(() -> {
            event.await();
            return true;
        }, t);
        awaitBlocked(t.get());
        assertThat(waiter).isNotDone();
        event.set();
        assertThat(waiter.get(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void timedAwait_setThenClearPulse_wakesTheWaiterWithTrue() throws Exception {
        EventFlag event = createEvent();
        AtomicReference<Thread> t = new AtomicReference<>();
        CompletableFuture<Boolean> waiter = inThread(() -> event.await(Duration.ofSeconds(30)), t);
        awaitBlocked(t.get());
        event.set();
        event.clear();
        assertThat(waiter.get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(event.isSet()).isFalse();
    }

    @Test
    void awaitAsync_setThenClearPulse_completesTheFuture() throws Exception {
        EventFlag event = createEvent();
        CompletableFuture<?> f = event.awaitAsync();
        assertThat(f).isNotDone();
        event.set();
        event.clear();
        assertThat(f.get(30, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void manyWaiters_oneSet_wakesEveryOne() throws Exception {
        EventFlag event = createEvent();
        List<CompletableFuture<Boolean>> waiters = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            AtomicReference<Thread> t = new AtomicReference<>();
            waiters.add(inThread(() -> event.await(30, TimeUnit.SECONDS), t));
            threads.add(t.get());
        }
        for (Thread t : threads) {
            awaitBlocked(t);
        }
        event.set();
        for (CompletableFuture<Boolean> w : waiters) {
            assertThat(w.get(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void await_interruptedOnEntry_throwsAndChangesNothing() throws Exception {
        EventFlag event = createEvent();
        Thread.currentThread().interrupt();
        assertThatThrownBy(event::await).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
        assertThat(event.isSet()).isFalse();
    }

    @Test
    void await_interruptedWhileWaiting_throwsAndLeavesTheOtherWaiters() throws Exception {
        EventFlag event = createEvent();
        AtomicReference<Thread> interrupted = new AtomicReference<>();
        AtomicReference<Thread> other = new AtomicReference<>();
        CompletableFuture<Boolean> a = inThread(() -> {
            event.await();
            return true;
        }, interrupted);
        CompletableFuture<Boolean> b = inThread(() -> event.await(Duration.ofSeconds(30)), other);
        awaitBlocked(interrupted.get());
        awaitBlocked(other.get());
        interrupted.get().interrupt();
        assertThat(failureOf(a)).isInstanceOf(InterruptedException.class);
        assertThat(event.isSet()).isFalse();
        assertThat(b).isNotDone();
        event.set();
        assertThat(b.get(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void awaitAsync_cancelled_leavesTheEventAndTheOtherWaiters() throws Exception {
        EventFlag event = createEvent();
        CompletableFuture<?> cancelled = event.awaitAsync();
        CompletableFuture<?> kept = event.awaitAsync();
        assertThat(cancelled.cancel(true)).isTrue();
        assertThat(event.isSet()).isFalse();
        assertThat(kept).isNotDone();
        event.set();
        assertThat(kept.get(30, TimeUnit.SECONDS)).isNull();
        assertThat(cancelled).isCancelled();
    }

    @Test
    void nullTimeouts_areRejected() throws Exception {
        EventFlag event = createEvent();
        assertThatThrownBy(() -> event.await((Duration) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> event.await(1, null)).isInstanceOf(NullPointerException.class);
    }
}
