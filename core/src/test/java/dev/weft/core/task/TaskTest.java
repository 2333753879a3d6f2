package dev.weft.core.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tests of {@link Task}; the cancellation tests port CPython's {@code test_tasks.py} behaviours
 * (cancel before start, while blocked, with a message, at the end, twice, from inside, and the
 * {@code cancelling}/{@code uncancel} counter).
 */
@Timeout(20)
class TaskTest {

    private static final long WAIT_SECONDS = 10;

    /** An executor that keeps the runnables it is given until the test runs them. */
    private static final class HeldExecutor implements Executor {
        final BlockingQueue<Runnable> held = new ArrayBlockingQueue<>(16);

        @Override
        public void execute(Runnable command) {
            held.add(command);
        }

        void runNext() {
            Runnable r = held.poll();
            assertThat(r).as("a held runnable").isNotNull();
            r.run();
        }
    }

    /** Blocks until released, ignoring interrupts but counting them. */
    private static void awaitIgnoringInterrupts(CountDownLatch release, AtomicInteger interrupts) {
        for (;;) {
            try {
                release.await();
                return;
            } catch (InterruptedException e) {
                interrupts.incrementAndGet();
            }
        }
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        assertThat(latch.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("latch released in time").isTrue();
    }

    // ---- starting and results ------------------------------------------------------------------

    @Test
    void start_callable_completesWithBodyValue() {
        Task<Integer> task = Task.start(() -> 6 * 7);
        assertThat(task.join()).isEqualTo(42);
        assertThat(task.status()).isEqualTo(Task.Status.FINISHED);
        assertThat(task.isStopped()).isTrue();
    }

    @Test
    void start_action_completesWithNull() throws Exception {
        AtomicBoolean ran = new AtomicBoolean();
        Task<@Nullable Void> task = Task.start(() -> ran.set(true));
        assertThat(task.get(WAIT_SECONDS, TimeUnit.SECONDS)).isNull();
        assertThat(ran).isTrue();
    }

    @Test
    void start_action_mayThrowCheckedException() {
        IOException boom = new IOException("boom");
        Task<@Nullable Void> task = Task.start("io", () -> {
            throw boom;
        });
        assertThatThrownBy(task::get).isInstanceOf(ExecutionException.class).hasCause(boom);
    }

    @Test
    void start_default_runsBodyOnNewVirtualThreadNamedAfterTask() {
        Task<Thread> task = Task.start("fetch", Thread::currentThread);
        Thread body = task.join();
        assertThat(body.isVirtual()).isTrue();
        assertThat(body.getName()).isEqualTo("fetch");
        assertThat(body).isNotSameAs(Thread.currentThread());
        assertThat(task.name()).isEqualTo("fetch");
    }

    @Test
    void start_withoutName_generatesDistinctTaskNames() {
        Task<Integer> a = Task.start(() -> 1);
        Task<Integer> b = Task.start(() -> 2);
        assertThat(a.name()).startsWith("Task-");
        assertThat(b.name()).startsWith("Task-").isNotEqualTo(a.name());
        CompletableFuture.allOf(a, b).join();
    }

    @Test
    void start_nullArguments_throwNullPointerException() {
        assertThatThrownBy(() -> Task.start((java.util.concurrent.Callable<Object>) null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("body");
        assertThatThrownBy(() -> Task.start(null, () -> 1))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("name");
        assertThatThrownBy(() -> Task.builder().executor(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("executor");
    }

    @Test
    void builder_executor_runsBodyOnThatExecutor() {
        HeldExecutor executor = new HeldExecutor();
        Task<String> task = Task.builder().name("held").executor(executor).start(() -> "done");
        assertThat(task.status()).isEqualTo(Task.Status.PENDING);
        assertThat(task.isDone()).isFalse();
        executor.runNext();
        assertThat(task.join()).isEqualTo("done");
    }

    @Test
    void builder_threadFactory_runsBodyOnFactoryThread() {
        Task<String> task = Task.builder()
                .threadFactory(r -> new Thread(r, "from-factory"))
                .start(() -> Thread.currentThread().getName());
        assertThat(task.join()).isEqualTo("from-factory");
    }

    @Test
    void builder_threadFactoryReturnsNull_throwsRejectedExecution() {
        assertThatThrownBy(() -> Task.builder().threadFactory(r -> null).start(() -> 1))
                .isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("returned null");
    }

    @Test
    void builder_executorRejects_throwsAndBodyNeverRuns() {
        AtomicBoolean ran = new AtomicBoolean();
        ExecutorService closed = Executors.newSingleThreadExecutor();
        closed.shutdown();
        assertThatThrownBy(() -> Task.builder().executor(closed).start(() -> ran.getAndSet(true)))
                .isInstanceOf(RejectedExecutionException.class);
        assertThat(ran).isFalse();
    }

    @Test
    void join_bodyThrows_completesExceptionallyWithThatException() {
        IllegalStateException boom = new IllegalStateException("boom");
        Task<Object> task = Task.start(() -> {
            throw boom;
        });
        assertThatThrownBy(task::join).isInstanceOf(CompletionException.class).hasCause(boom);
        assertThatThrownBy(task::get).isInstanceOf(ExecutionException.class).hasCause(boom);
        assertThat(task.isCompletedExceptionally()).isTrue();
        assertThat(task.isCancelled()).isFalse();
        assertThat(task.status()).isEqualTo(Task.Status.FINISHED);
    }

    @Test
    void thenApply_onTask_returnsPlainCompletableFuture() {
        Task<Integer> task = Task.start(() -> 20);
        CompletableFuture<Integer> next = task.thenApply(v -> v + 1);
        assertThat(next).isNotInstanceOf(Task.class);
        assertThat(next.join()).isEqualTo(21);
        assertThat(task.copy()).isNotInstanceOf(Task.class);
    }

    @Test
    void allOf_ofTasks_completesWhenAllTasksComplete() {
        Task<Integer> a = Task.start(() -> 1);
        Task<Integer> b = Task.start(() -> 2);
        CompletableFuture.allOf(a, b).join();
        assertThat(a.resultNow() + b.resultNow()).isEqualTo(3);
    }

    @Test
    void completeFromOutside_throwsUnsupportedAndLeavesTaskAlone() throws Exception {
        HeldExecutor executor = new HeldExecutor();
        Task<String> task = Task.builder().executor(executor).start(() -> "body");
        List<Runnable> attempts = List.of(
                () -> task.complete("outside"),
                () -> task.completeExceptionally(new RuntimeException()),
                () -> task.obtrudeValue("outside"),
                () -> task.obtrudeException(new RuntimeException()),
                () -> task.completeAsync(() -> "outside"),
                () -> task.completeAsync(() -> "outside", Runnable::run),
                () -> task.orTimeout(1, TimeUnit.NANOSECONDS),
                () -> task.completeOnTimeout("outside", 1, TimeUnit.NANOSECONDS));
        for (Runnable attempt : attempts) {
            assertThatThrownBy(attempt::run)
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("Task does not support")
                    .hasMessageContaining(task.name());
        }
        assertThat(task.isDone()).isFalse();
        executor.runNext();
        assertThat(task.get()).isEqualTo("body");
    }

    @Test
    void current_insideBody_isItsTask_andOutsideIsNull() {
        assertThat(Task.current()).isNull();
        AtomicReference<@Nullable Task<?>> seen = new AtomicReference<>();
        Task<@Nullable Void> task = Task.start(() -> seen.set(Task.current()));
        task.join();
        assertThat(seen.get()).isSameAs(task);
    }

    @Test
    void current_onPooledThread_isClearedAfterTheBody() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Task.builder().executor(pool).start(() -> 1).join();
            assertThat(pool.submit(() -> Task.current()).get()).isNull();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void current_nestedBodyRunOnTheSameThread_isTheInnerTaskThenTheOuterAgain() {
        AtomicReference<@Nullable Task<?>> inner = new AtomicReference<>();
        AtomicReference<@Nullable Task<?>> afterInner = new AtomicReference<>();
        AtomicReference<@Nullable Task<?>> innerTask = new AtomicReference<>();
        for (Task.Builder outerStart : List.of(Task.builder(), Task.builder().threadFactory(r -> new Thread(r, "platform")))) {
            Task<@Nullable Void> outer = outerStart.start(() -> {
                // An executor that runs the body at once, on the outer task's own thread.
                innerTask.set(Task.builder().executor(Runnable::run).start(() -> inner.set(Task.current())));
                afterInner.set(Task.current());
            });
            outer.join();
            assertThat(inner.get()).isSameAs(innerTask.get()).isNotSameAs(outer);
            assertThat(afterInner.get()).isSameAs(outer);
        }
    }

    @Test
    void current_onAVirtualThreadOfAnExecutor_isClearedAfterTheBody() throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            AtomicReference<@Nullable Task<?>> seen = new AtomicReference<>();
            AtomicReference<@Nullable Task<?>> after = new AtomicReference<>();
            Task<@Nullable Void> task = Task.builder().executor(r -> pool.execute(() -> {
                r.run();
                after.set(Task.current());
            })).start(() -> seen.set(Task.current()));
            task.join();
            pool.shutdown();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            assertThat(seen.get()).isSameAs(task);
            assertThat(after.get()).isNull();
        }
    }

    @Test
    void unnamedTask_isNamedTaskN_andItsThreadIsUnnamed() {
        Task<String> task = Task.start(() -> Thread.currentThread().getName());
        assertThat(task.join()).isEmpty();
        assertThat(task.name()).matches("Task-[1-9][0-9]*");
        assertThat(task.name()).isSameAs(task.name());
        Task<String> named = Task.start("fetch", () -> Thread.currentThread().getName());
        assertThat(named.join()).isEqualTo("fetch");
        assertThat(named.name()).isEqualTo("fetch");
    }

    @Test
    void toString_showsNameStateAndCancelCount() throws Exception {
        HeldExecutor executor = new HeldExecutor();
        Task<String> pending = Task.builder().name("fetch").executor(executor).start(() -> "x");
        assertThat(pending).hasToString("Task[name=fetch, state=PENDING]");
        executor.runNext();
        assertThat(pending).hasToString("Task[name=fetch, state=FINISHED]");

        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger interrupts = new AtomicInteger();
        Task<@Nullable Void> stubborn = Task.start("stubborn", () -> {
            started.countDown();
            awaitIgnoringInterrupts(release, interrupts);
        });
        await(started);
        assertThat(stubborn).hasToString("Task[name=stubborn, state=RUNNING]");
        stubborn.cancel("stop");
        assertThat(stubborn).hasToString("Task[name=stubborn, state=STOPPING, cancelling=1]");
        release.countDown();
        assertThat(stubborn.awaitStopped(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(stubborn).hasToString("Task[name=stubborn, state=CANCELLED, cancelling=1]");
    }

    // ---- cancellation (test_tasks.py) ----------------------------------------------------------

    @Test
    void cancel_beforeStart_bodyNeverRuns() throws Exception {
        HeldExecutor executor = new HeldExecutor();
        AtomicBoolean ran = new AtomicBoolean();
        Task<Boolean> task = Task.builder().executor(executor).start(() -> ran.getAndSet(true));

        assertThat(task.cancel("not today")).isTrue();

        assertThat(task.isCancelled()).isTrue();
        assertThat(task.isDone()).isTrue();
        assertThat(task.isStopped()).isTrue();
        assertThat(task.status()).isEqualTo(Task.Status.CANCELLED);
        assertThat(task.whenStopped()).isDone();
        assertThatThrownBy(task::join).isInstanceOf(CancellationException.class).hasMessage("not today");
        executor.runNext(); // the executor gets round to it: nothing happens
        assertThat(ran).isFalse();
        assertThat(task.isCancelled()).isTrue();
    }

    @Test
    void cancel_whileBlocked_completesAtOnceAndInterruptsBody() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        Task<String> task = Task.start(() -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
                return "never";
            } catch (InterruptedException e) {
                interrupted.set(true);
                throw e;
            }
        });
        await(started);

        assertThat(task.cancel(true)).isTrue();
        assertThat(task.isCancelled()).isTrue();
        assertThat(task.isDone()).isTrue();
        assertThatThrownBy(task::join).isInstanceOf(CancellationException.class);

        assertThat(task.awaitStopped(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(interrupted).isTrue();
        assertThat(task.status()).isEqualTo(Task.Status.CANCELLED);
        assertThat(task.cancelling()).isEqualTo(1);
    }

    @Test
    void cancel_withMessage_getAndJoinThrowCancellationCarryingIt() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Task<String> task = Task.start(() -> {
            started.countDown();
            new CountDownLatch(1).await();
            return "never";
        });
        await(started);
        task.cancel("my message");
        assertThatThrownBy(task::get).isInstanceOf(CancellationException.class).hasMessage("my message");
        assertThatThrownBy(task::join).isInstanceOf(CancellationException.class).hasMessage("my message");
        assertThatThrownBy(() -> task.get(1, TimeUnit.SECONDS))
                .isInstanceOf(CancellationException.class).hasMessage("my message");
    }

    @Test
    void join_afterCancel_throwsNewCancellationCausedByTheCancellersOne() {
        HeldExecutor executor = new HeldExecutor();
        Task<Integer> task = Task.builder().executor(executor).start(() -> 1);
        task.cancel("why");
        Throwable first = org.assertj.core.api.Assertions.catchThrowable(task::join);
        Throwable second = org.assertj.core.api.Assertions.catchThrowable(() -> task.getNow(0));
        assertThat(first).isInstanceOf(CancellationException.class).hasMessage("why");
        assertThat(second).isInstanceOf(CancellationException.class).hasMessage("why");
        assertThat(first).isNotSameAs(second);
        assertThat(first.getCause()).isSameAs(second.getCause()).hasMessage("why");
        assertThat(first.getStackTrace()[0].getMethodName()).isNotEqualTo("installCancellation");
        assertThat(first.getCause().getStackTrace())
                .anyMatch(frame -> frame.getMethodName().equals("join_afterCancel_throwsNewCancellationCausedByTheCancellersOne"));
    }

    @Test
    void cancel_withoutMessage_cancellationNamesTheTask() {
        HeldExecutor executor = new HeldExecutor();
        Task<Integer> task = Task.builder().name("report").executor(executor).start(() -> 1);
        task.cancel(true);
        assertThatThrownBy(task::join).isInstanceOf(CancellationException.class).hasMessageContaining("report");
    }

    @Test
    void cancel_atEnd_discardsTheReturnedValue() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger interrupts = new AtomicInteger();
        Task<Integer> task = Task.start(() -> {
            started.countDown();
            awaitIgnoringInterrupts(release, interrupts);
            return 42;
        });
        await(started);

        assertThat(task.cancel("late")).isTrue();
        assertThat(task.status()).isEqualTo(Task.Status.STOPPING);
        assertThat(task.isStopped()).isFalse();
        release.countDown();

        assertThat(task.awaitStopped(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(task.status()).isEqualTo(Task.Status.CANCELLED);
        assertThatThrownBy(task::join).isInstanceOf(CancellationException.class).hasMessage("late");
        assertThat(interrupts.get()).isEqualTo(1);
    }

    @Test
    void cancel_twice_bothReturnTrueAndBothCount() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger interrupts = new AtomicInteger();
        Task<@Nullable Void> task = Task.start(() -> {
            started.countDown();
            awaitIgnoringInterrupts(release, interrupts);
        });
        await(started);
        assertThat(task.cancelling()).isZero();

        assertThat(task.cancel("first")).isTrue();
        assertThat(task.cancelling()).isEqualTo(1);
        assertThat(task.cancel("second")).isTrue();
        assertThat(task.cancelling()).isEqualTo(2);
        assertThatThrownBy(task::join).hasMessage("first");

        release.countDown();
        task.awaitStopped();
        assertThat(task.cancel("after stop")).isTrue(); // still cancelled, as CompletableFuture answers
        assertThat(task.cancelling()).isEqualTo(2); // but no longer counted
    }

    @Test
    void cancel_afterFinished_returnsFalseAndKeepsResult() {
        Task<String> task = Task.start(() -> "result");
        task.join();
        assertThat(task.cancel("too late")).isFalse();
        assertThat(task.isCancelled()).isFalse();
        assertThat(task.join()).isEqualTo("result");
        assertThat(task.cancelling()).isZero();
    }

    @Test
    void cancel_withoutInterrupt_letsBodyRunToItsEnd() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean sawInterrupt = new AtomicBoolean();
        Task<@Nullable Void> task = Task.start(() -> {
            started.countDown();
            release.await();
            sawInterrupt.set(Thread.currentThread().isInterrupted());
        });
        await(started);

        assertThat(task.cancel(false)).isTrue();
        assertThat(task.isCancelled()).isTrue();
        assertThat(task.status()).isEqualTo(Task.Status.STOPPING);
        release.countDown();
        assertThat(task.awaitStopped(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(sawInterrupt).isFalse();
        assertThat(task.status()).isEqualTo(Task.Status.CANCELLED);
    }

    @Test
    void cancel_bodyFailsWhileStopping_failureIsSuppressedOnTheCancellation() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        IllegalStateException cleanupFailure = new IllegalStateException("clean-up failed");
        Task<String> task = Task.start(() -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
                return "never";
            } catch (InterruptedException e) {
                throw cleanupFailure;
            }
        });
        await(started);
        task.cancel("stop");
        task.awaitStopped();

        assertThatThrownBy(task::join)
                .isInstanceOf(CancellationException.class)
                .hasMessage("stop")
                .satisfies(e -> assertThat(e.getCause().getSuppressed()).containsExactly(cleanupFailure));
    }

    @Test
    void cancel_bodyAnswersWithInterruptedException_nothingIsSuppressed() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Task<String> task = Task.start(() -> {
            started.countDown();
            new CountDownLatch(1).await();
            return "never";
        });
        await(started);
        task.cancel("stop");
        task.awaitStopped();
        assertThatThrownBy(task::join).satisfies(e -> {
            assertThat(e.getSuppressed()).isEmpty();
            assertThat(e.getCause().getSuppressed()).isEmpty();
        });
    }

    @Test
    void cancel_onPooledThread_interruptDoesNotLeakIntoNextWork() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger interrupts = new AtomicInteger();
            Task<@Nullable Void> first = Task.builder().executor(pool).start(() -> {
                started.countDown();
                awaitIgnoringInterrupts(release, interrupts); // absorbs the interrupt, returns
                Thread.currentThread().interrupt(); // and even leaves it set again
            });
            await(started);
            first.cancel(true);
            release.countDown();
            first.awaitStopped();
            // The same pool thread now runs unrelated work: it must not be interrupted.
            assertThat(pool.submit(() -> Thread.currentThread().isInterrupted()).get()).isFalse();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void cancel_fromInsideTheBody_interruptsItsOwnThread() throws Exception {
        AtomicBoolean interrupted = new AtomicBoolean();
        Task<String> task = Task.start(() -> {
            Task<?> self = Task.current();
            assertThat(self).isNotNull();
            self.cancel("self");
            try {
                new CountDownLatch(1).await();
                return "never";
            } catch (InterruptedException e) {
                interrupted.set(true);
                throw e;
            }
        });
        assertThat(task.awaitStopped(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(interrupted).isTrue();
        assertThatThrownBy(task::join).isInstanceOf(CancellationException.class).hasMessage("self");
    }

    @Test
    void body_throwsCancellationException_taskEndsCancelled() {
        CancellationException inner = new CancellationException("inner task was cancelled");
        Task<Object> task = Task.start(() -> {
            throw inner;
        });
        assertThatThrownBy(task::join)
                .isInstanceOf(CancellationException.class)
                .hasMessage("inner task was cancelled")
                .hasCause(inner);
        assertThat(task.isCancelled()).isTrue();
        assertThat(task.status()).isEqualTo(Task.Status.CANCELLED);
    }

    @Test
    void body_throwsInterruptedException_taskEndsCancelledWithItAsCause() {
        InterruptedException ie = new InterruptedException("interrupted elsewhere");
        Task<Object> task = Task.start("sleeper", () -> {
            throw ie;
        });
        assertThatThrownBy(task::join)
                .isInstanceOf(CancellationException.class)
                .hasMessageContaining("sleeper")
                .hasRootCause(ie);
        assertThat(task.isCancelled()).isTrue();
        assertThat(task.status()).isEqualTo(Task.Status.CANCELLED);
    }

    // ---- interrupt / cancelling / uncancel (asyncio 3.13) --------------------------------------

    @Test
    void interrupt_bodyAbsorbsIt_taskCompletesNormally() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Task<String> task = Task.start(() -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
                return "never";
            } catch (InterruptedException e) {
                return "absorbed";
            }
        });
        await(started);
        assertThat(task.interrupt()).isTrue();
        assertThat(task.cancelling()).isEqualTo(1);
        assertThat(task.join()).isEqualTo("absorbed");
        assertThat(task.isCancelled()).isFalse();
        assertThat(task.status()).isEqualTo(Task.Status.FINISHED);
    }

    /** Port of {@code test_uncancel_basic}. */
    @Test
    void uncancel_afterAbsorbedInterrupt_resetsCountAndLaterInterruptCancels() throws Exception {
        CountDownLatch firstWait = new CountDownLatch(1);
        CountDownLatch countChecked = new CountDownLatch(1);
        CountDownLatch uncancelled = new CountDownLatch(1);
        CountDownLatch secondWait = new CountDownLatch(1);
        Task<@Nullable Void> task = Task.start(() -> {
            try {
                firstWait.countDown();
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                Task<?> self = Task.current();
                assertThat(self).isNotNull();
                countChecked.await();
                self.uncancel();
                uncancelled.countDown();
                secondWait.countDown();
                new CountDownLatch(1).await(); // the second interrupt escapes from here
            }
        });
        await(firstWait);
        assertThat(task.interrupt()).isTrue();
        assertThat(task.cancelling()).isEqualTo(1);
        countChecked.countDown();
        await(uncancelled);
        assertThat(task.cancelling()).isZero();
        assertThat(task.isCancelled()).isFalse();
        assertThat(task).hasToString("Task[name=" + task.name() + ", state=RUNNING]");

        await(secondWait);
        assertThat(task.interrupt()).isTrue();
        assertThat(task.cancelling()).isEqualTo(1);
        assertThat(task.awaitStopped(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(task.isCancelled()).isTrue();
        assertThat(task.isDone()).isTrue();

        assertThat(task.uncancel()).isZero(); // no longer effective: still cancelled
        assertThat(task.isCancelled()).isTrue();
    }

    /** Port of {@code test_uncancel_resets_must_cancel}. */
    @Test
    void uncancel_toZeroBeforeStart_dropsThePendingInterrupt() {
        HeldExecutor executor = new HeldExecutor();
        Task<Boolean> task = Task.builder().executor(executor)
                .start(() -> Thread.currentThread().isInterrupted());
        assertThat(task.interrupt()).isTrue();
        assertThat(task.interrupt()).isTrue();
        assertThat(task.cancelling()).isEqualTo(2);
        assertThat(task.uncancel()).isEqualTo(1);
        assertThat(task.uncancel()).isZero();
        executor.runNext();
        assertThat(task.join()).isFalse();
    }

    @Test
    void interrupt_beforeStart_bodyStartsInterrupted() {
        HeldExecutor executor = new HeldExecutor();
        Task<Boolean> task = Task.builder().executor(executor)
                .start(() -> Thread.currentThread().isInterrupted());
        assertThat(task.interrupt()).isTrue();
        executor.runNext();
        assertThat(task.join()).isTrue();
    }

    @Test
    void interrupt_afterStopped_returnsFalseAndDoesNotCount() {
        Task<Integer> task = Task.start(() -> 1);
        task.join();
        assertThat(task.interrupt()).isFalse();
        assertThat(task.cancelling()).isZero();
    }

    @Test
    void uncancel_atZero_staysZero() {
        Task<Integer> task = Task.start(() -> 1);
        assertThat(task.uncancel()).isZero();
        assertThat(task.cancelling()).isZero();
        task.join();
    }

    // ---- stopped ------------------------------------------------------------------------------

    @Test
    void whenStopped_afterCancel_completesOnlyWhenBodyLeaves() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger interrupts = new AtomicInteger();
        Task<@Nullable Void> task = Task.start(() -> {
            started.countDown();
            awaitIgnoringInterrupts(release, interrupts);
        });
        await(started);
        CompletableFuture<@Nullable Void> stopped = task.whenStopped();
        task.cancel("stop");

        assertThat(task.isDone()).isTrue();
        assertThat(stopped).isNotDone();
        assertThat(task.awaitStopped(0, TimeUnit.SECONDS)).isFalse();

        release.countDown();
        stopped.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(task.isStopped()).isTrue();
        assertThat(task.whenStopped()).isDone();
    }

    @Test
    void whenStopped_cancellingReturnedFuture_doesNotAffectTaskOrOtherCallers() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Task<String> task = Task.start(() -> {
            release.await();
            return "ok";
        });
        CompletableFuture<@Nullable Void> mine = task.whenStopped();
        CompletableFuture<@Nullable Void> theirs = task.whenStopped();
        mine.cancel(true);
        release.countDown();
        assertThat(task.join()).isEqualTo("ok");
        theirs.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(mine).isCancelled();
    }

    @Test
    void awaitStopped_interruptedOnEntry_throwsAndClearsStatus() {
        Task<Integer> task = Task.start(() -> 1);
        task.join();
        Thread.currentThread().interrupt();
        assertThatThrownBy(task::awaitStopped).isInstanceOf(InterruptedException.class);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> task.awaitStopped(Duration.ofSeconds(1))).isInstanceOf(InterruptedException.class);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void awaitStopped_interruptedWhileWaiting_throwsAndLeavesTaskRunning() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Task<@Nullable Void> task = Task.start(() -> release.await());
        CountDownLatch waiting = new CountDownLatch(1);
        AtomicReference<@Nullable Throwable> thrown = new AtomicReference<>();
        Thread waiter = Thread.ofVirtual().start(() -> {
            waiting.countDown();
            try {
                task.awaitStopped();
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        await(waiting);
        waiter.interrupt();
        waiter.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(task.status()).isEqualTo(Task.Status.RUNNING);
        release.countDown();
        task.join();
    }

    @Test
    void awaitStopped_timeoutElapses_returnsFalse() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Task<@Nullable Void> task = Task.start(() -> release.await());
        assertThat(task.awaitStopped(Duration.ofMillis(20))).isFalse();
        assertThat(task.awaitStopped(-1, TimeUnit.SECONDS)).isFalse();
        release.countDown();
        assertThat(task.awaitStopped(Duration.ofSeconds(WAIT_SECONDS))).isTrue();
        assertThat(task.awaitStopped(0, TimeUnit.SECONDS)).isTrue();
    }

    // ---- races --------------------------------------------------------------------------------

    /** Cancel races the body's completion many times; every round must be consistent. */
    @Test
    void cancel_racingCompletion_exactlyOneOutcomeConsistentOnBothSidesNoStrayInterrupt() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            int cancelledWins = 0;
            int bodyWins = 0;
            for (int round = 0; round < 2_000; round++) {
                HeldExecutor held = new HeldExecutor();
                Task<Integer> task = Task.builder().executor(held).start(() -> 7);
                Runnable runner = held.held.remove();
                CyclicBarrier go = new CyclicBarrier(2);
                CompletableFuture<String> runnerView = CompletableFuture.supplyAsync(() -> {
                    awaitBarrier(go);
                    runner.run();
                    boolean strayInterrupt = Thread.interrupted();
                    return "interrupted=" + strayInterrupt + ", done=" + task.isDone();
                }, pool);
                CompletableFuture<Boolean> cancelled = CompletableFuture.supplyAsync(() -> {
                    awaitBarrier(go);
                    boolean result = task.cancel(true);
                    assertThat(task.isDone()).isTrue();
                    assertThat(task.isCancelled()).isEqualTo(result);
                    return result;
                }, pool);
                boolean cancelWon = cancelled.get(WAIT_SECONDS, TimeUnit.SECONDS);
                assertThat(runnerView.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("interrupted=false, done=true");
                assertThat(task.isStopped()).isTrue();
                if (cancelWon) {
                    cancelledWins++;
                    assertThat(task.status()).isEqualTo(Task.Status.CANCELLED);
                    assertThatThrownBy(task::join).isInstanceOf(CancellationException.class);
                } else {
                    bodyWins++;
                    assertThat(task.status()).isEqualTo(Task.Status.FINISHED);
                    assertThat(task.join()).isEqualTo(7);
                }
            }
            assertThat(cancelledWins + bodyWins).isEqualTo(2_000);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void awaitBarrier(CyclicBarrier barrier) {
        try {
            barrier.await(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void cancel_concurrentCancels_allReturnTrueAndOneMessageWins() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Task<String> task = Task.start(() -> {
            started.countDown();
            new CountDownLatch(1).await();
            return "never";
        });
        await(started);
        List<Task<Boolean>> cancellers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String message = "m" + i;
            cancellers.add(Task.start(() -> task.cancel(message)));
        }
        for (Task<Boolean> c : cancellers) {
            assertThat(c.join()).isTrue();
        }
        assertThatThrownBy(task::join).isInstanceOf(CancellationException.class).hasMessageMatching("m[0-3]");
        assertThat(task.cancelling()).isBetween(1, 4);
        task.awaitStopped();
    }

    // ---- errors nobody waits for

    /** A platform thread factory whose threads hand uncaught throwables to {@code sink}. */
    private static java.util.concurrent.ThreadFactory reportingTo(BlockingQueue<Throwable> sink) {
        return r -> Thread.ofPlatform().uncaughtExceptionHandler((t, e) -> sink.add(e)).unstarted(r);
    }

    @Test
    void errorInAnUnobservedTask_reachesTheThreadsUncaughtExceptionHandler() throws Exception {
        BlockingQueue<Throwable> reported = new ArrayBlockingQueue<>(4);
        AssertionError boom = new AssertionError("boom");
        Task<Void> task = Task.builder().threadFactory(reportingTo(reported)).start(() -> {
            throw boom;
        });
        assertThat(reported.poll(30, TimeUnit.SECONDS)).isSameAs(boom);
        task.awaitStopped();
        assertThat(task.isCompletedExceptionally()).isTrue();
        assertThatThrownBy(task::join).hasCause(boom);
    }

    @Test
    void errorInAnObservedTask_isTheResultOnly() throws Exception {
        BlockingQueue<Throwable> reported = new ArrayBlockingQueue<>(4);
        CountDownLatch observed = new CountDownLatch(1);
        AssertionError boom = new AssertionError("boom");
        Task<Void> task = Task.builder().threadFactory(reportingTo(reported)).start(() -> {
            observed.await();
            throw boom;
        });
        CompletableFuture<Throwable> seen = task.handle((v, e) -> e);   // a dependent stage observes it
        observed.countDown();
        assertThat(seen.get(30, TimeUnit.SECONDS)).isSameAs(boom);
        task.awaitStopped();
        assertThat(reported).isEmpty();
    }

    @Test
    void exceptionInAnUnobservedTask_isNotReported() throws Exception {
        BlockingQueue<Throwable> reported = new ArrayBlockingQueue<>(4);
        Task<Void> task = Task.builder().threadFactory(reportingTo(reported)).start(() -> {
            throw new IOException("just a result");
        });
        task.awaitStopped();
        assertThat(reported).isEmpty();
        assertThatThrownBy(task::join).hasCauseInstanceOf(IOException.class);
    }
}
