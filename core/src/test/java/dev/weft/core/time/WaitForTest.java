package dev.weft.core.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.core.task.Shield;
import dev.weft.core.task.Task;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Tests of {@link WaitFor}, porting CPython's {@code test_waitfor.py} ({@code test_wait_for},
 * {@code test_wait_for_timeout_less_then_0_or_0*}, {@code test_wait_for_waits_for_task_cancellation},
 * {@code test_wait_for_cancel_suppressed}, {@code test_wait_for_reraises_exception_during_cancellation},
 * {@code test_cancel_wait_for}, {@code test_wait_for_issue86296}, {@code WaitForShieldTests}).
 */
@org.junit.jupiter.api.Timeout(20)
class WaitForTest {

    private static <T> T blockForever() throws InterruptedException {
        new CountDownLatch(1).await();
        throw new AssertionError("unreachable");
    }

    @Test
    void waitFor_completesInTime_returnsTheValue() throws Exception {
        Task<String> t = Task.start(() -> "done");
        assertThat(WaitFor.waitFor(t, Duration.ofSeconds(10))).isEqualTo("done");
    }

    @Test
    void waitFor_deadlinePasses_interruptsTaskAndReturnsOnlyAfterItStopped() throws Exception {
        AtomicBoolean cleanedUp = new AtomicBoolean();
        CountDownLatch cleanupMayFinish = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        Task<String> t = Task.start(() -> {
            started.countDown();
            try {
                return blockForever();
            } finally {
                cleanupMayFinish.await(10, TimeUnit.SECONDS); // slow clean-up, released below
                cleanedUp.set(true);
            }
        });
        Thread releaser = Thread.ofVirtual().start(() -> {
            // Let the clean-up finish only once the waiter had to wait for it.
            while (t.status() != Task.Status.RUNNING || t.cancelling() == 0) {
                Thread.onSpinWait();
            }
            cleanupMayFinish.countDown();
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue(); // running, so it is interrupted, not cancelled unstarted
        assertThatThrownBy(() -> WaitFor.waitFor(t, Duration.ofMillis(10)))
                .isInstanceOf(TimeoutException.class).hasCauseInstanceOf(CancellationException.class)
                .hasMessageContaining("the work has stopped");
        assertThat(cleanedUp).isTrue();
        assertThat(t.isStopped()).isTrue();
        assertThat(t.isCancelled()).isTrue();
        releaser.join();
    }

    @Test
    void waitFor_taskSuppressesTheInterruptAndReturns_thatValueIsReturned() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Task<String> t = Task.start(() -> {
            started.countDown();
            try {
                return blockForever();
            } catch (InterruptedException e) {
                return "suppressed";
            }
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(WaitFor.waitFor(t, Duration.ofMillis(10))).isEqualTo("suppressed");
    }

    @Test
    void waitFor_taskIgnoresItsInterrupt_keepsWaitingUntilTheTaskEnds() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger interrupts = new AtomicInteger();
        Task<String> t = Task.start(() -> {
            started.countDown();
            while (true) {
                try {
                    release.await();
                    return "ended on its own";
                } catch (InterruptedException ignored) {
                    interrupts.incrementAndGet();
                }
            }
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        AtomicReference<@Nullable Object> result = new AtomicReference<>();
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                result.set(WaitFor.waitFor(t, Duration.ofMillis(5)));
            } catch (Throwable e) {
                result.set(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (interrupts.get() == 0) { // the deadline passed and the task was interrupted ...
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.yield();
        }
        while (waiter.getState() != Thread.State.WAITING) { // ... and waitFor still waits for it
            assertThat(waiter.isAlive()).as("waitFor returned while the task ran").isTrue();
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.yield();
        }
        assertThat(t.isDone()).isFalse();
        release.countDown();
        waiter.join();
        assertThat(result.get()).isEqualTo("ended on its own");
    }

    @Test
    void waitFor_taskFailsWhileBeingCancelled_thatFailureIsThrown() throws Exception {
        IOException cleanupFailure = new IOException("clean-up failed");
        CountDownLatch started = new CountDownLatch(1);
        Task<String> t = Task.start(() -> {
            started.countDown();
            try {
                return blockForever();
            } catch (InterruptedException e) {
                throw cleanupFailure;
            }
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> WaitFor.waitFor(t, Duration.ofMillis(10)))
                .isInstanceOf(ExecutionException.class).hasCause(cleanupFailure);
    }

    @Test
    void waitFor_workFails_throwsExecutionException() {
        IOException boom = new IOException("boom");
        assertThatThrownBy(() -> WaitFor.waitFor(CompletableFuture.failedFuture(boom), Duration.ofSeconds(1)))
                .isInstanceOf(ExecutionException.class).hasCause(boom);
    }

    @Test
    void waitFor_workCancelledBySomeoneElse_throwsCancellation() {
        CompletableFuture<String> f = new CompletableFuture<>();
        f.cancel(true);
        assertThatThrownBy(() -> WaitFor.waitFor(f, Duration.ofSeconds(1))).isInstanceOf(CancellationException.class);
    }

    @Test
    void waitFor_zeroTimeout_doneFutureGivesItsValue_pendingOneIsCancelled() throws Exception {
        assertThat(WaitFor.waitFor(CompletableFuture.completedFuture("x"), Duration.ZERO)).isEqualTo("x");
        CompletableFuture<String> pending = new CompletableFuture<>();
        assertThatThrownBy(() -> WaitFor.waitFor(pending, 0, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
        assertThat(pending.isCancelled()).isTrue();
    }

    @Test
    void waitFor_zeroTimeoutOnCallable_bodyNeverStarts() {
        AtomicBoolean ran = new AtomicBoolean();
        assertThatThrownBy(() -> WaitFor.waitFor(() -> ran.getAndSet(true), Duration.ZERO))
                .isInstanceOf(TimeoutException.class).hasMessageContaining("not started");
        assertThat(ran).isFalse();
    }

    @Test
    void waitFor_callable_runsAsTaskAndNothingIsLeftRunningAfterTheDeadline() throws Exception {
        AtomicInteger bodiesRunning = new AtomicInteger();
        assertThatThrownBy(() -> WaitFor.waitFor(() -> {
            bodiesRunning.incrementAndGet();
            try {
                return blockForever();
            } finally {
                bodiesRunning.decrementAndGet();
            }
        }, Duration.ofMillis(10))).isInstanceOf(TimeoutException.class);
        // Whether the body had started (then it was interrupted and waited for) or not (then it
        // was cancelled and never runs), no body is running once waitFor has thrown.
        assertThat(bodiesRunning).hasValue(0);
        assertThat(WaitFor.waitFor(() -> Task.current() != null ? "in a task" : "not", Duration.ofSeconds(10)))
                .isEqualTo("in a task");
    }

    @Test
    void waitFor_plainFutureTimesOut_isCancelled() {
        CompletableFuture<String> f = new CompletableFuture<>();
        assertThatThrownBy(() -> WaitFor.waitFor(f, Duration.ofMillis(5))).isInstanceOf(TimeoutException.class);
        assertThat(f.isCancelled()).isTrue();
    }

    @Test
    void waitFor_stageThatCannotBeCancelled_timesOutAndIsLeftAlone() {
        CompletableFuture<String> source = new CompletableFuture<>();
        CompletionStage<String> minimal = source.minimalCompletionStage();
        assertThatThrownBy(() -> WaitFor.waitFor(minimal, Duration.ofMillis(5)))
                .isInstanceOf(TimeoutException.class).hasMessageContaining("cannot be cancelled");
        assertThat(source.isDone()).isFalse();
    }

    @Test
    void waitFor_shieldedTask_timesOutButTheTaskRunsOn() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Task<String> t = Task.start(() -> {
            release.await();
            return "finished";
        });
        assertThatThrownBy(() -> WaitFor.waitFor(Shield.shield(t), Duration.ofMillis(5)))
                .isInstanceOf(TimeoutException.class);
        assertThat(t.isDone()).isFalse();
        release.countDown();
        assertThat(t.get(10, TimeUnit.SECONDS)).isEqualTo("finished");
    }

    @Test
    void waitFor_pendingTaskAtDeadline_isCancelledAndNeverRuns() throws Exception {
        BlockingQueue<Runnable> held = new ArrayBlockingQueue<>(1);
        Executor holding = held::add;
        AtomicBoolean ran = new AtomicBoolean();
        Task<Boolean> t = Task.builder().executor(holding).start(() -> ran.getAndSet(true));
        assertThatThrownBy(() -> WaitFor.waitFor(t, Duration.ofMillis(5))).isInstanceOf(TimeoutException.class);
        assertThat(t.isCancelled()).isTrue();
        held.take().run();
        assertThat(ran).isFalse();
    }

    @Test
    void waitFor_callerInterrupted_cancelsTheTaskAndWaitsUntilItStopped() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger stoppedAtStep = new AtomicInteger();
        AtomicInteger step = new AtomicInteger();
        Task<String> inner = Task.start(() -> {
            started.countDown();
            try {
                return blockForever();
            } finally {
                stoppedAtStep.set(step.incrementAndGet());
            }
        });
        AtomicReference<@Nullable Throwable> thrown = new AtomicReference<>();
        AtomicInteger threwAtStep = new AtomicInteger();
        Task<Void> caller = Task.start(() -> {
            try {
                WaitFor.waitFor(inner, Duration.ofSeconds(30));
            } catch (Throwable e) {
                threwAtStep.set(step.incrementAndGet());
                thrown.set(e);
            }
            return null;
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        caller.interrupt();
        caller.get(10, TimeUnit.SECONDS);
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(inner.isCancelled()).isTrue();
        assertThat(stoppedAtStep.get()).isEqualTo(1);
        assertThat(threwAtStep.get()).isEqualTo(2);
    }

    @Test
    void waitFor_callerInterruptedOnEntry_cancelsTheWorkEvenIfItIsDone() {
        CompletableFuture<String> pending = new CompletableFuture<>();
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> WaitFor.waitFor(pending, Duration.ofSeconds(1))).isInstanceOf(InterruptedException.class);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(pending.isCancelled()).isTrue();
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> WaitFor.waitFor(CompletableFuture.completedFuture("done"), Duration.ofSeconds(1)))
                .isInstanceOf(InterruptedException.class);
    }

    @Test
    void waitFor_nullArguments_throwNullPointer() {
        CompletableFuture<String> f = new CompletableFuture<>();
        Duration none = castNull();
        assertThatThrownBy(() -> WaitFor.waitFor(f, none)).isInstanceOf(NullPointerException.class);
        CompletableFuture<String> noFuture = castNull();
        assertThatThrownBy(() -> WaitFor.waitFor(noFuture, Duration.ZERO)).isInstanceOf(NullPointerException.class);
    }

    @SuppressWarnings("unchecked")
    private static <T> T castNull() {
        return (T) null;
    }
}
