package dev.weft.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.core.task.AsCompleted;
import dev.weft.core.task.Outcome;
import dev.weft.core.task.Task;
import dev.weft.core.task.TaskGroup;
import dev.weft.core.task.Wait;
import java.io.IOException;
import java.lang.reflect.UndeclaredThrowableException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tests of {@link Weft}: the task functions ({@code run}, {@code createTask}, {@code currentTask}),
 * {@code sleep} and {@code sleepAsync}, and the composition entry points (thin delegations, checked
 * here for wiring; their behaviour is tested with their delegates).
 */
@Timeout(20)
class WeftTest {

    @Test
    void run_bodyReturns_returnsItsValueFromATask() throws Exception {
        AtomicReference<@Nullable Task<?>> inside = new AtomicReference<>();
        String result = Weft.run(() -> {
            inside.set(Weft.currentTask());
            return "hello";
        });
        assertThat(result).isEqualTo("hello");
        assertThat(inside.get()).isNotNull();
        assertThat(inside.get().name()).isEqualTo("main");
        assertThat(Weft.currentTask()).isNull();
    }

    @Test
    void run_bodyThrowsCheckedException_rethrowsThatException() {
        IOException boom = new IOException("boom");
        assertThatThrownBy(() -> Weft.run(() -> {
            throw boom;
        })).isSameAs(boom);
    }

    @Test
    void run_bodyThrowsError_rethrowsThatError() {
        AssertionError boom = new AssertionError("boom");
        assertThatThrownBy(() -> Weft.run(() -> {
            throw boom;
        })).isSameAs(boom);
    }

    @Test
    void run_bodyThrowsOtherThrowable_wrapsItInUndeclaredThrowable() {
        Throwable odd = new Throwable("odd");
        assertThatThrownBy(() -> Weft.run(() -> {
            throw WeftTest.<RuntimeException>sneaky(odd);
        })).isInstanceOf(UndeclaredThrowableException.class).hasCause(odd);
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable t) throws E {
        throw (E) t;
    }

    @Test
    void run_bodyCancelsItself_throwsCancellation() {
        assertThatThrownBy(() -> Weft.run(() -> {
            Task<?> self = Weft.currentTask();
            assertThat(self).isNotNull();
            self.cancel("self");
            return "discarded";
        })).isInstanceOf(CancellationException.class).hasMessage("self");
    }

    @Test
    void run_interruptedOnEntry_throwsWithoutStartingBody() {
        AtomicBoolean ran = new AtomicBoolean();
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> Weft.run(() -> ran.getAndSet(true))).isInstanceOf(InterruptedException.class);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(ran).isFalse();
    }

    @Test
    void run_callerInterrupted_cancelsTaskAndReturnsOnlyAfterBodyStopped() throws Exception {
        CountDownLatch bodyBlocked = new CountDownLatch(1);
        CountDownLatch cleanupMayFinish = new CountDownLatch(1);
        AtomicInteger step = new AtomicInteger();
        AtomicInteger bodyStoppedAtStep = new AtomicInteger(-1);
        AtomicInteger runThrewAtStep = new AtomicInteger(-1);
        AtomicReference<@Nullable Throwable> runThrew = new AtomicReference<>();
        IllegalStateException cleanupFailure = new IllegalStateException("clean-up failed");

        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                Weft.run(() -> {
                    bodyBlocked.countDown();
                    try {
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        cleanupMayFinish.await(); // the test's "slow clean-up", released below
                        bodyStoppedAtStep.set(step.incrementAndGet());
                        throw cleanupFailure;
                    }
                    return "never";
                });
            } catch (Throwable t) {
                runThrewAtStep.set(step.incrementAndGet());
                runThrew.set(t);
            }
        });
        assertThat(bodyBlocked.await(10, TimeUnit.SECONDS)).isTrue();
        caller.interrupt();
        cleanupMayFinish.countDown();
        caller.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(runThrew.get()).isInstanceOf(InterruptedException.class);
        assertThat(runThrew.get().getSuppressed()).containsExactly(cleanupFailure);
        assertThat(bodyStoppedAtStep.get()).isEqualTo(1);
        assertThat(runThrewAtStep.get()).isEqualTo(2);
    }

    @Test
    void run_callerInterruptedTwice_stopsWaitingForTheBody() throws Exception {
        CountDownLatch bodyBlocked = new CountDownLatch(1);
        CountDownLatch bodyInterrupted = new CountDownLatch(1);
        CountDownLatch releaseBody = new CountDownLatch(1);
        AtomicReference<@Nullable Task<?>> task = new AtomicReference<>();
        AtomicReference<@Nullable Throwable> runThrew = new AtomicReference<>();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                Weft.run(() -> {
                    task.set(Weft.currentTask());
                    bodyBlocked.countDown();
                    try {
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        bodyInterrupted.countDown();
                        releaseBody.await(); // a stubborn clean-up
                    }
                    return "ignored";
                });
            } catch (Throwable t) {
                runThrew.set(t);
            }
        });
        assertThat(bodyBlocked.await(10, TimeUnit.SECONDS)).isTrue();
        caller.interrupt();
        assertThat(bodyInterrupted.await(10, TimeUnit.SECONDS)).isTrue();
        caller.interrupt(); // the second interrupt gives up waiting
        caller.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(caller.isAlive()).isFalse();
        assertThat(runThrew.get()).isInstanceOf(InterruptedException.class);
        Task<?> t = task.get();
        assertThat(t).isNotNull();
        assertThat(t.isStopped()).isFalse();
        releaseBody.countDown();
        assertThat(t.awaitStopped(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void createTask_startsTheBodyAtOnce() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        Task<Integer> task = Weft.createTask(() -> {
            ran.countDown();
            return 5;
        });
        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(task.join()).isEqualTo(5);
        assertThat(Weft.createTask("named", () -> 1).name()).isEqualTo("named");
    }

    // ---- sleep ---------------------------------------------------------------------------------------

    @Test
    void sleep_waitsAtLeastTheDelay() throws Exception {
        long start = System.nanoTime();
        Weft.sleep(Duration.ofMillis(20));
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(20));
    }

    @Test
    void sleep_withResult_returnsIt() throws Exception {
        assertThat(Weft.sleep(Duration.ofMillis(1), "result")).isEqualTo("result");
    }

    @Test
    void sleep_zeroOrNegative_returnsAtOnce() throws Exception {
        Weft.sleep(Duration.ZERO);
        Weft.sleep(Duration.ofSeconds(-1));
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void sleep_interruptedOnEntry_throwsAndClearsStatus() {
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> Weft.sleep(Duration.ZERO)).isInstanceOf(InterruptedException.class);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void sleep_interruptedWhileSleeping_throwsAtOnce() throws Exception {
        AtomicReference<@Nullable Throwable> thrown = new AtomicReference<>();
        Thread sleeper = Thread.ofVirtual().start(() -> {
            try {
                Weft.sleep(Duration.ofHours(1));
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        awaitBlocked(sleeper);
        sleeper.interrupt();
        sleeper.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    }

    @Test
    void sleep_inACancelledTask_stopsTheTask() throws Exception {
        CountDownLatch sleeping = new CountDownLatch(1);
        Task<String> t = Weft.createTask(() -> {
            sleeping.countDown();
            Weft.sleep(Duration.ofHours(1));
            return "woke";
        });
        assertThat(sleeping.await(10, TimeUnit.SECONDS)).isTrue();
        t.cancel("stop sleeping");
        assertThat(t.awaitStopped(10, TimeUnit.SECONDS)).isTrue();
        assertThat(t.isCancelled()).isTrue();
    }

    @Test
    void sleepWithUnit_waitsAtLeastTheDelay() throws Exception {
        long start = System.nanoTime();
        Weft.sleep(20, TimeUnit.MILLISECONDS);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(20));
        assertThat(Weft.sleep(1, TimeUnit.MILLISECONDS, "result")).isEqualTo("result");
        Weft.sleep(0, TimeUnit.SECONDS);
        Weft.sleep(-1, TimeUnit.DAYS);
        assertThatThrownBy(() -> Weft.sleep(1, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void sleepWithUnit_interruptedOnEntryOrWhileSleeping_throws() throws Exception {
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> Weft.sleep(0, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        AtomicReference<@Nullable Throwable> thrown = new AtomicReference<>();
        Thread sleeper = Thread.ofVirtual().start(() -> {
            try {
                Weft.sleep(1, TimeUnit.HOURS, "never");
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        awaitBlocked(sleeper);
        sleeper.interrupt();
        sleeper.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    }

    @Test
    void sleepAsync_completesAfterTheDelayWithoutAThread() throws Exception {
        long start = System.nanoTime();
        CompletableFuture<@Nullable Void> f = Weft.sleepAsync(Duration.ofMillis(20));
        assertThat(f.get(10, TimeUnit.SECONDS)).isNull();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(20));
        assertThat(Weft.sleepAsync(Duration.ofMillis(1), "r").get(10, TimeUnit.SECONDS)).isEqualTo("r");
    }

    @Test
    void sleepAsync_zero_isAlreadyComplete() {
        assertThat(Weft.sleepAsync(Duration.ZERO)).isCompleted();
        assertThat(Weft.sleepAsync(Duration.ofSeconds(-1), "r")).isCompletedWithValue("r");
    }

    private static void awaitBlocked(Thread t) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
            assertThat(System.nanoTime() - deadline).as("%s blocked in time", t).isNegative();
            Thread.yield();
        }
    }

    // ---- composition entry points ------------------------------------------------------------------

    @Test
    void gather_delegatesToGather() {
        assertThat(Weft.gather(CompletableFuture.completedFuture(1), CompletableFuture.completedFuture(2)).join())
                .containsExactly(1, 2);
        assertThat(Weft.gather(List.of(CompletableFuture.completedFuture("a"))).join()).containsExactly("a");
        List<Outcome<String>> settled = Weft.<String>gatherSettled(List.of(CompletableFuture.failedFuture(new IOException()))).join();
        assertThat(settled).singleElement().isInstanceOf(Outcome.Failure.class);
    }

    @Test
    void wait_delegatesToWait() throws Exception {
        CompletableFuture<Integer> done = CompletableFuture.completedFuture(1);
        CompletableFuture<Integer> pending = new CompletableFuture<>();
        Wait.Result<CompletableFuture<Integer>> r = Weft.wait(List.of(done, pending), Wait.ReturnWhen.FIRST_COMPLETED);
        assertThat(r).isEqualTo(new Wait.Result<>(Set.of(done), Set.of(pending)));
        assertThat(Weft.wait(List.of(pending), Wait.ReturnWhen.ALL_COMPLETED, Duration.ZERO).pending()).containsExactly(pending);
    }

    @Test
    void asCompleted_delegatesToAsCompleted() throws Exception {
        CompletableFuture<Integer> a = CompletableFuture.completedFuture(1);
        AsCompleted<CompletableFuture<Integer>> ac = Weft.asCompleted(List.of(a));
        assertThat(ac.get()).isSameAs(a);
        CompletableFuture<Integer> never = new CompletableFuture<>();
        assertThatThrownBy(() -> Weft.asCompleted(List.of(never), Duration.ZERO).get()).isInstanceOf(TimeoutException.class);
    }

    @Test
    void shieldAndWaitFor_delegate() throws Exception {
        CompletableFuture<String> inner = new CompletableFuture<>();
        CompletableFuture<String> outer = Weft.shield(inner);
        assertThatThrownBy(() -> Weft.waitFor(outer, Duration.ofMillis(1))).isInstanceOf(TimeoutException.class);
        assertThat(outer.isCancelled()).isTrue();
        assertThat(inner.isDone()).isFalse();
    }

    @Test
    void timeoutAndTimeoutAt_delegate() throws Exception {
        String inTime = Weft.timeout(Duration.ofSeconds(10), scope -> "in time");
        assertThat(inTime).isEqualTo("in time");
        assertThatThrownBy(() -> Weft.timeoutAt(System.nanoTime(), scope -> {
            new CountDownLatch(1).await();
            return "never";
        })).isInstanceOf(TimeoutException.class);
    }

    @Test
    void await_inACancelledTask_cancelsTheAwaitedFuture() throws Exception {
        CompletableFuture<String> fut = new CompletableFuture<>();
        CountDownLatch waiting = new CountDownLatch(1);
        Task<String> waiter = Weft.createTask(() -> {
            waiting.countDown();
            return Weft.await(fut);
        });
        assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
        waiter.cancel("give up");
        assertThat(waiter.awaitStopped(10, TimeUnit.SECONDS)).isTrue();
        assertThat(fut.isCancelled()).isTrue();
    }

    @Test
    void await_delegatesToTaskAwait() throws Exception {
        assertThat(Weft.await(CompletableFuture.completedFuture("v"))).isEqualTo("v");
        CompletableFuture<String> pending = new CompletableFuture<>();
        assertThatThrownBy(() -> Weft.await(pending, Duration.ofMillis(1))).isInstanceOf(TimeoutException.class);
        assertThatThrownBy(() -> Weft.await(pending, 1, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        assertThat(pending.isDone()).isFalse();
        IOException boom = new IOException("boom");
        assertThatThrownBy(() -> Weft.await(CompletableFuture.failedFuture(boom), 1, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCause(boom);
    }

    @Test
    void timedFormsWithUnit_delegate() throws Exception {
        CompletableFuture<Integer> done = CompletableFuture.completedFuture(1);
        CompletableFuture<Integer> pending = new CompletableFuture<>();
        Wait.Result<CompletableFuture<Integer>> r = Weft.wait(List.of(done, pending), Wait.ReturnWhen.ALL_COMPLETED,
                1, TimeUnit.MILLISECONDS);
        assertThat(r).isEqualTo(new Wait.Result<>(Set.of(done), Set.of(pending)));

        CompletableFuture<String> inner = new CompletableFuture<>();
        CompletableFuture<String> outer = Weft.shield(inner);
        assertThatThrownBy(() -> Weft.waitFor(outer, 1, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        assertThat(outer.isCancelled()).isTrue();
        assertThat(Weft.waitFor(CompletableFuture.completedFuture("ok"), 1, TimeUnit.SECONDS)).isEqualTo("ok");

        String inTime = Weft.timeout(10, TimeUnit.SECONDS, scope -> "in time");
        assertThat(inTime).isEqualTo("in time");
        assertThatThrownBy(() -> Weft.timeout(0, TimeUnit.SECONDS, scope -> {
            new CountDownLatch(1).await();
            return "never";
        })).isInstanceOf(TimeoutException.class);
        boolean hasDeadline = Weft.timeout(Long.MAX_VALUE, TimeUnit.DAYS, scope -> scope.deadlineNanos().isPresent());
        assertThat(hasDeadline).isTrue();
        assertThatThrownBy(() -> Weft.timeout(1, null, scope -> "x")).isInstanceOf(NullPointerException.class);
    }

    @Test
    void taskGroup_opensAGroup() {
        Task<Integer> t;
        try (TaskGroup tg = Weft.taskGroup()) {
            t = tg.start(() -> 3);
        }
        assertThat(t.join()).isEqualTo(3);
    }
}
