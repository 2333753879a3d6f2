package dev.weft.core.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.weft.core.time.Timeout;
import dev.weft.core.time.WaitFor;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Tests of how a task's cancellation reaches what its body awaits through Weft
 * ({@link Task#get()}, {@link Task#join()}, {@link Task#get(long, TimeUnit)}), porting CPython's
 * {@code test_tasks.py} {@code test_cancel_awaited_task}, {@code test_cancel_current_task},
 * {@code test_cancellation_broadcast} and {@code test_cancel_wait_for}.
 */
@org.junit.jupiter.api.Timeout(20)
class TaskAwaitTest {

    private static final long WAIT_SECONDS = 10;

    /** Released after each test, so that no body is left blocked on it. */
    private final CountDownLatch never = new CountDownLatch(1);

    @AfterEach
    void releaseBlockedBodies() {
        never.countDown();
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        assertThat(latch.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("latch released in time").isTrue();
    }

    private Task<String> blockedTask() {
        return Task.start(() -> {
            never.await();
            return "released";
        });
    }

    private static Task<?> current() {
        return Objects.requireNonNull(Task.current(), "called outside of a task");
    }

    // ---- get() ---------------------------------------------------------------------------------

    @Test
    void get_inATaskThatCancelsItself_cancelsTheAwaitedTask() throws Exception {
        CompletableFuture<@Nullable Void> fut = new CompletableFuture<>();
        AtomicReference<@Nullable Task<@Nullable Void>> inner = new AtomicReference<>();
        Task<@Nullable Void> outer = Task.start(() -> {
            inner.set(Task.start(() -> {
                fut.get();
            }));
            current().cancel(true);
            Objects.requireNonNull(inner.get()).get();
        });
        assertThat(outer.awaitStopped(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        Task<@Nullable Void> in = Objects.requireNonNull(inner.get());
        assertThat(in.isCancelled()).isTrue();
        assertThat(in.awaitStopped(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        // A raw CompletableFuture.get() in the inner body only sees the interrupt: fut is left alone.
        assertThat(fut.isDone()).isFalse();
    }

    @Test
    void get_waiterTaskCancelledWhileBlocked_cancelsTheAwaitedTaskAndThrowsInterrupted() throws Exception {
        Task<String> awaited = blockedTask();
        CountDownLatch waiting = new CountDownLatch(1);
        AtomicReference<@Nullable Throwable> thrown = new AtomicReference<>();
        Task<String> waiter = Task.start(() -> {
            waiting.countDown();
            try {
                return awaited.get();
            } catch (InterruptedException e) {
                thrown.set(e);
                throw e;
            }
        });
        await(waiting);
        waiter.cancel("give up");
        assertThat(waiter.awaitStopped(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(awaited.isCancelled()).isTrue();
        assertThat(awaited.awaitStopped(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(awaited.status()).isEqualTo(Task.Status.CANCELLED);
    }

    @Test
    void timedGet_waiterTaskInterruptedAsARequest_cancelsTheAwaitedTask() throws Exception {
        Task<String> awaited = blockedTask();
        CountDownLatch waiting = new CountDownLatch(1);
        Task<String> waiter = Task.start(() -> {
            waiting.countDown();
            return awaited.get(1, TimeUnit.DAYS);
        });
        await(waiting);
        assertThat(waiter.interrupt()).isTrue(); // a request only: cancelling() > 0, not cancelled
        assertThat(waiter.awaitStopped(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(waiter.status()).isEqualTo(Task.Status.CANCELLED);
        assertThat(awaited.isCancelled()).isTrue();
    }

    @Test
    void get_chainOfTasks_cancellationReachesTheInnermost() throws Exception {
        Task<String> innermost = blockedTask();
        Task<String> middle = Task.start(() -> innermost.get());
        CountDownLatch waiting = new CountDownLatch(1);
        Task<String> outer = Task.start(() -> {
            waiting.countDown();
            return middle.get();
        });
        await(waiting);
        outer.cancel("stop everything");
        assertThat(middle.awaitStopped(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(middle.isCancelled()).isTrue();
        assertThat(innermost.awaitStopped(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(innermost.isCancelled()).isTrue();
    }

    @Test
    void get_onAPlainThreadInterrupted_throwsAndLeavesTheAwaitedTaskRunning() throws Exception {
        Task<String> awaited = blockedTask();
        AtomicReference<@Nullable Throwable> thrown = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                awaited.get();
            } catch (Exception e) {
                thrown.set(e);
            }
        });
        Blocking.awaitBlocked(waiter);
        waiter.interrupt();
        waiter.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertThat(waiter.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(awaited.isDone()).isFalse();
    }

    @Test
    void get_inATaskInterruptedWithoutACancelRequest_throwsAndLeavesTheAwaitedTaskRunning() throws Exception {
        Task<String> awaited = blockedTask();
        AtomicReference<@Nullable Thread> waiterThread = new AtomicReference<>();
        CountDownLatch waiting = new CountDownLatch(1);
        Task<String> waiter = Task.start(() -> {
            waiterThread.set(Thread.currentThread());
            waiting.countDown();
            try {
                return awaited.get();
            } catch (InterruptedException e) {
                return "interrupted";
            }
        });
        await(waiting);
        Objects.requireNonNull(waiterThread.get()).interrupt(); // not through the task: no cancel request
        assertThat(waiter.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("interrupted");
        assertThat(waiter.cancelling()).isZero();
        assertThat(awaited.isDone()).isFalse();
    }

    // ---- join() --------------------------------------------------------------------------------

    @Test
    void join_inACancelledTask_stopsWaitingCancelsTheAwaitedTaskAndKeepsTheInterrupt() throws Exception {
        Task<String> awaited = blockedTask();
        CountDownLatch joining = new CountDownLatch(1);
        AtomicReference<@Nullable Throwable> thrown = new AtomicReference<>();
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        Task<String> joiner = Task.start(() -> {
            joining.countDown();
            try {
                return awaited.join();
            } catch (CancellationException e) {
                thrown.set(e);
                interruptedAfter.set(Thread.currentThread().isInterrupted());
                throw e;
            }
        });
        await(joining);
        joiner.cancel("give up");
        assertThat(joiner.awaitStopped(WAIT_SECONDS, TimeUnit.SECONDS)).as("the joiner stopped").isTrue();
        assertThat(thrown.get()).isInstanceOf(CancellationException.class);
        assertThat(interruptedAfter).isTrue();
        assertThat(awaited.isCancelled()).isTrue();
        assertThat(awaited.awaitStopped(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void join_onAPlainThreadInterrupted_keepsWaitingAndReassertsTheInterrupt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Task<String> awaited = Task.start(() -> {
            release.await();
            return "value";
        });
        AtomicReference<@Nullable String> joined = new AtomicReference<>();
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        Thread joiner = Thread.ofPlatform().start(() -> {
            joined.set(awaited.join());
            interruptedAfter.set(Thread.currentThread().isInterrupted());
        });
        Blocking.awaitBlocked(joiner);
        joiner.interrupt();
        release.countDown();
        joiner.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertThat(joiner.isAlive()).isFalse();
        assertThat(joined.get()).isEqualTo("value");
        assertThat(interruptedAfter).isTrue();
        assertThat(awaited.isCancelled()).isFalse();
    }

    @Test
    void join_inATaskInterruptedWithoutACancelRequest_keepsWaitingAndReassertsTheInterrupt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Task<String> awaited = Task.start(() -> {
            release.await();
            return "value";
        });
        AtomicReference<@Nullable Thread> joinerThread = new AtomicReference<>();
        CountDownLatch joining = new CountDownLatch(1);
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        Task<String> joiner = Task.start(() -> {
            joinerThread.set(Thread.currentThread());
            joining.countDown();
            String v = awaited.join();
            interruptedAfter.set(Thread.currentThread().isInterrupted());
            return v;
        });
        await(joining);
        Objects.requireNonNull(joinerThread.get()).interrupt(); // not through the task: no cancel request
        release.countDown();
        assertThat(joiner.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("value");
        assertThat(interruptedAfter).isTrue();
        assertThat(awaited.isCancelled()).isFalse();
    }

    @Test
    void join_ofADoneTaskInACancelledTask_returnsItsResult() throws Exception {
        Task<String> done = Task.start(() -> "done");
        assertThat(done.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("done");
        AtomicReference<@Nullable String> joined = new AtomicReference<>();
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        Task<@Nullable Void> joiner = Task.start(() -> {
            current().cancel(true);
            joined.set(done.join());
            interruptedAfter.set(Thread.currentThread().isInterrupted());
        });
        assertThat(joiner.awaitStopped(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(joined.get()).isEqualTo("done");
        assertThat(interruptedAfter).isTrue();
        assertThat(done.isCancelled()).isFalse();
    }

    // ---- deadlines -----------------------------------------------------------------------------

    @Test
    void timeoutAroundGet_deadlinePasses_cancelsTheAwaitedTask() throws Exception {
        Task<String> awaited = blockedTask();
        Task<Throwable> body = Task.start(() -> {
            try {
                Timeout.within(Duration.ZERO, scope -> awaited.get());
                throw new AssertionError("the awaited task never completes");
            } catch (TimeoutException e) {
                return e;
            }
        });
        assertThat(body.get(WAIT_SECONDS, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
        assertThat(body.cancelling()).isZero();
        assertThat(awaited.isCancelled()).isTrue();
        assertThat(awaited.awaitStopped(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void timeoutAroundJoin_deadlinePasses_cancelsTheAwaitedTaskAndTimesOut() throws Exception {
        Task<String> awaited = blockedTask();
        Task<Throwable> body = Task.start(() -> {
            try {
                Timeout.within(Duration.ofMillis(20), scope -> awaited.join());
                throw new AssertionError("the awaited task never completes");
            } catch (TimeoutException e) {
                return e;
            }
        });
        Throwable timeout = body.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(timeout).isInstanceOf(TimeoutException.class).hasCauseInstanceOf(CancellationException.class);
        assertThat(awaited.isCancelled()).isTrue();
    }

    @Test
    void waitForDeadline_reachesWhatTheInterruptedTaskAwaits() throws Exception {
        Task<String> awaited = blockedTask();
        Task<String> middle = Task.start(() -> awaited.get());
        Throwable timeout = catchThrowable(
                () -> WaitFor.waitFor(middle, Duration.ofMillis(20)));
        assertThat(timeout).isInstanceOf(TimeoutException.class);
        assertThat(middle.isStopped()).isTrue();
        assertThat(awaited.isCancelled()).isTrue();
    }
    // ---- Task.await ----------------------------------------------------------------------------

    @Test
    void await_chainEndingInAFuture_cancellationReachesTheFuture() throws Exception {
        CompletableFuture<@Nullable Void> fut = new CompletableFuture<>();
        AtomicReference<@Nullable Task<@Nullable Void>> inner = new AtomicReference<>();
        Task<@Nullable Void> outer = Task.start(() -> {
            CountDownLatch innerRunning = new CountDownLatch(1);
            inner.set(Task.start(() -> {
                innerRunning.countDown();
                Task.await(fut);
            }));
            innerRunning.await();
            current().cancel(true);
            Objects.requireNonNull(inner.get()).get();
        });
        assertThat(outer.awaitStopped(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        Task<@Nullable Void> in = Objects.requireNonNull(inner.get());
        assertThat(in.isCancelled()).isTrue();
        assertThat(in.awaitStopped(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(fut.isCancelled()).isTrue();
    }

    @Test
    void await_inACancelledTaskWhileBlocked_cancelsTheFutureAndThrowsInterrupted() throws Exception {
        CompletableFuture<String> fut = new CompletableFuture<>();
        CountDownLatch waiting = new CountDownLatch(1);
        AtomicReference<@Nullable Throwable> thrown = new AtomicReference<>();
        Task<String> waiter = Task.start(() -> {
            waiting.countDown();
            try {
                return Task.await(fut);
            } catch (InterruptedException e) {
                thrown.set(e);
                throw e;
            }
        });
        await(waiting);
        waiter.cancel("give up");
        assertThat(waiter.awaitStopped(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(fut.isCancelled()).isTrue();
    }

    @Test
    void await_ofAShieldInACancelledTask_cancelsTheShieldNotTheWorkBehindIt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Task<String> work = Task.start(() -> {
            release.await();
            return "done";
        });
        CompletableFuture<String> shielded = Shield.shield(work);
        CountDownLatch waiting = new CountDownLatch(1);
        Task<String> waiter = Task.start(() -> {
            waiting.countDown();
            return Task.await(shielded);
        });
        await(waiting);
        waiter.cancel("give up");
        assertThat(waiter.awaitStopped(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(waiter.isCancelled()).isTrue();
        assertThat(shielded.isCancelled()).isTrue();
        assertThat(work.isDone()).isFalse();
        release.countDown();
        assertThat(work.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("done");
    }

    @Test
    void get_ofAShieldInACancelledTask_leavesTheWorkBehindItRunning() throws Exception {
        Task<String> work = blockedTask();
        CountDownLatch waiting = new CountDownLatch(1);
        Task<String> waiter = Task.start(() -> {
            waiting.countDown();
            return Shield.shield(work).get();
        });
        await(waiting);
        waiter.cancel("give up");
        assertThat(waiter.awaitStopped(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(work.isDone()).isFalse();
    }

    @Test
    void await_onAPlainThreadInterrupted_throwsAndLeavesTheFutureAlone() throws Exception {
        CompletableFuture<String> fut = new CompletableFuture<>();
        AtomicReference<@Nullable Throwable> thrown = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                Task.await(fut);
            } catch (Exception e) {
                thrown.set(e);
            }
        });
        Blocking.awaitBlocked(waiter);
        waiter.interrupt();
        waiter.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertThat(waiter.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(fut.isDone()).isFalse();
    }

    @Test
    void await_interruptedOnEntry_throwsAndClearsTheStatusEvenIfTheFutureIsDone() {
        Thread.currentThread().interrupt();
        Throwable thrown = catchThrowable(
                () -> Task.await(CompletableFuture.completedFuture("v")));
        assertThat(thrown).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
    }

    @Test
    void await_keepsTheFutureExceptionContracts() throws Exception {
        assertThat(Task.await(CompletableFuture.completedFuture("v"))).isEqualTo("v");
        IOException boom = new IOException("boom");
        assertThatThrownBy(() -> Task.await(CompletableFuture.failedFuture(boom)))
                .isInstanceOf(ExecutionException.class).hasCause(boom);
        CompletableFuture<String> cancelled = new CompletableFuture<>();
        cancelled.cancel(true);
        assertThatThrownBy(() -> Task.await(cancelled))
                .isInstanceOf(CancellationException.class);
        CompletableFuture<String> source = new CompletableFuture<>();
        source.complete("minimal");
        assertThat(Task.await(source.minimalCompletionStage())).isEqualTo("minimal");
        Task<String> task = Task.start(() -> "task");
        assertThat(Task.await(task)).isEqualTo("task");
    }

    @Test
    void await_timedForms_timeOutWithoutCancellingAndReturnDoneValues() throws Exception {
        CompletableFuture<String> pending = new CompletableFuture<>();
        assertThatThrownBy(() -> Task.await(pending, Duration.ofMillis(1)))
                .isInstanceOf(TimeoutException.class);
        assertThatThrownBy(() -> Task.await(pending, 0, TimeUnit.SECONDS))
                .isInstanceOf(TimeoutException.class);
        assertThat(pending.isDone()).isFalse();
        pending.complete("v");
        assertThat(Task.await(pending, Duration.ZERO)).isEqualTo("v");
        assertThat(Task.await(pending, 1, TimeUnit.SECONDS)).isEqualTo("v");
        Task<String> task = blockedTask();
        assertThatThrownBy(() -> Task.await(task, Duration.ofMillis(1)))
                .isInstanceOf(TimeoutException.class);
        assertThat(task.isDone()).isFalse();
    }

    @Test
    void timedAwait_inACancelledTask_cancelsTheFuture() throws Exception {
        CompletableFuture<String> fut = new CompletableFuture<>();
        CountDownLatch waiting = new CountDownLatch(1);
        Task<String> waiter = Task.start(() -> {
            waiting.countDown();
            return Task.await(fut, Duration.ofDays(1));
        });
        await(waiting);
        waiter.cancel("give up");
        assertThat(waiter.awaitStopped(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(fut.isCancelled()).isTrue();
    }

    @Test
    void timeoutAroundAwait_deadlinePasses_cancelsTheFuture() throws Exception {
        CompletableFuture<String> fut = new CompletableFuture<>();
        Task<Throwable> body = Task.start(() -> {
            try {
                Timeout.within(Duration.ofMillis(20), scope -> Task.await(fut));
                throw new AssertionError("the future never completes");
            } catch (TimeoutException e) {
                return e;
            }
        });
        assertThat(body.get(WAIT_SECONDS, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
        assertThat(fut.isCancelled()).isTrue();
    }

    @Test
    void getWithDuration_waitsAtMostThatLongAndReturnsTheValue() throws Exception {
        Task<String> task = blockedTask();
        assertThatThrownBy(() -> task.get(Duration.ofMillis(1)))
                .isInstanceOf(TimeoutException.class);
        assertThat(task.isDone()).isFalse();
        never.countDown();
        assertThat(task.get(Duration.ofSeconds(WAIT_SECONDS))).isEqualTo("released");
    }

    @Test
    void await_nullArguments_throwNullPointer() {
        assertThatThrownBy(() -> Task.await(null))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(
                () -> Task.await(new CompletableFuture<>(), (Duration) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(
                () -> Task.await(new CompletableFuture<>(), 1, null)).isInstanceOf(NullPointerException.class);
    }
}
