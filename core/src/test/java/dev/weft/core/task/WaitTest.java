package dev.weft.core.task;

import static dev.weft.core.task.Wait.ReturnWhen.ALL_COMPLETED;
import static dev.weft.core.task.Wait.ReturnWhen.FIRST_COMPLETED;
import static dev.weft.core.task.Wait.ReturnWhen.FIRST_EXCEPTION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tests of {@link Wait}, porting the wait behaviours of CPython's {@code test_tasks.py}
 * ({@code test_wait}, {@code test_wait_first_completed}, {@code test_wait_really_done},
 * {@code test_wait_first_exception*}, {@code test_wait_with_timeout}, {@code test_wait_errors},
 * {@code test_wait_duplicate_coroutines}, {@code test_yield_wait_does_not_shield_cancel}).
 */
@Timeout(20)
class WaitTest {

    /** Runs a wait on a new virtual thread; the result or exception lands in {@code out}. */
    private static Thread waitInBackground(AtomicReference<@Nullable Object> out, WaitCall call) {
        return Thread.ofVirtual().start(() -> {
            try {
                out.set(call.run());
            } catch (Throwable t) {
                out.set(t);
            }
        });
    }

    @FunctionalInterface
    private interface WaitCall {
        Object run() throws Exception;
    }

    @Test
    void await_allCompleted_returnsEveryInputAsDone() throws Exception {
        CompletableFuture<Integer> a = new CompletableFuture<>();
        CompletableFuture<Integer> b = new CompletableFuture<>();
        AtomicReference<@Nullable Object> out = new AtomicReference<>();
        Thread waiter = waitInBackground(out, () -> Wait.await(List.of(a, b)));
        Blocking.awaitBlocked(waiter);
        b.complete(2);
        Blocking.awaitBlocked(waiter); // still waiting for a
        a.complete(1);
        waiter.join();
        assertThat(out.get()).isEqualTo(new Wait.Result<>(Set.of(a, b), Set.of()));
    }

    @Test
    void await_firstCompleted_returnsWhenOneCompletesWithTheOtherPending() throws Exception {
        CompletableFuture<Integer> a = new CompletableFuture<>();
        CompletableFuture<Integer> b = new CompletableFuture<>();
        AtomicReference<@Nullable Object> out = new AtomicReference<>();
        Thread waiter = waitInBackground(out, () -> Wait.await(List.of(a, b), FIRST_COMPLETED));
        Blocking.awaitBlocked(waiter);
        b.complete(2);
        waiter.join();
        assertThat(out.get()).isEqualTo(new Wait.Result<>(Set.of(b), Set.of(a)));
        assertThat(a.isCancelled()).isFalse();
    }

    @Test
    void await_firstCompletedWithSeveralAlreadyDone_doneHoldsAllOfThem() throws Exception {
        CompletableFuture<Integer> a = CompletableFuture.completedFuture(1);
        CompletableFuture<Integer> b = CompletableFuture.completedFuture(2);
        CompletableFuture<Integer> c = new CompletableFuture<>();
        Wait.Result<CompletableFuture<Integer>> r = Wait.await(List.of(a, b, c), FIRST_COMPLETED);
        assertThat(r.done()).containsExactly(a, b);
        assertThat(r.pending()).containsExactly(c);
    }

    @Test
    void await_firstCompletedByCancellation_countsAsCompleted() throws Exception {
        CompletableFuture<Integer> a = new CompletableFuture<>();
        CompletableFuture<Integer> b = new CompletableFuture<>();
        AtomicReference<@Nullable Object> out = new AtomicReference<>();
        Thread waiter = waitInBackground(out, () -> Wait.await(List.of(a, b), FIRST_COMPLETED));
        Blocking.awaitBlocked(waiter);
        a.cancel(true);
        waiter.join();
        assertThat(out.get()).isEqualTo(new Wait.Result<>(Set.of(a), Set.of(b)));
    }

    @Test
    void await_firstException_returnsAtTheFirstFailure() throws Exception {
        CompletableFuture<Integer> a = new CompletableFuture<>();
        CompletableFuture<Integer> b = new CompletableFuture<>();
        CompletableFuture<Integer> c = new CompletableFuture<>();
        AtomicReference<@Nullable Object> out = new AtomicReference<>();
        Thread waiter = waitInBackground(out, () -> Wait.await(List.of(a, b, c), FIRST_EXCEPTION));
        Blocking.awaitBlocked(waiter);
        a.complete(1);
        Blocking.awaitBlocked(waiter); // a success does not end a FIRST_EXCEPTION wait
        b.completeExceptionally(new IOException("boom"));
        waiter.join();
        assertThat(out.get()).isEqualTo(new Wait.Result<>(Set.of(a, b), Set.of(c)));
    }

    @Test
    void await_firstExceptionAlreadyFailed_returnsAtOnce() throws Exception {
        CompletableFuture<Integer> failed = CompletableFuture.failedFuture(new IOException("boom"));
        CompletableFuture<Integer> pending = new CompletableFuture<>();
        Wait.Result<CompletableFuture<Integer>> r = Wait.await(List.of(pending, failed), FIRST_EXCEPTION);
        assertThat(r.done()).containsExactly(failed);
        assertThat(r.pending()).containsExactly(pending);
    }

    @Test
    void await_firstExceptionWithCancellationOnly_behavesLikeAllCompleted() throws Exception {
        CompletableFuture<Integer> a = new CompletableFuture<>();
        CompletableFuture<Integer> b = new CompletableFuture<>();
        AtomicReference<@Nullable Object> out = new AtomicReference<>();
        Thread waiter = waitInBackground(out, () -> Wait.await(List.of(a, b), FIRST_EXCEPTION));
        Blocking.awaitBlocked(waiter);
        a.cancel(true); // not an exception for FIRST_EXCEPTION
        Blocking.awaitBlocked(waiter);
        b.complete(2);
        waiter.join();
        assertThat(out.get()).isEqualTo(new Wait.Result<>(Set.of(a, b), Set.of()));
    }

    @Test
    void await_timeoutElapses_returnsSnapshotAndCancelsNothing() throws Exception {
        CompletableFuture<Integer> a = CompletableFuture.completedFuture(1);
        CompletableFuture<Integer> b = new CompletableFuture<>();
        Wait.Result<CompletableFuture<Integer>> r = Wait.await(List.of(a, b), ALL_COMPLETED, Duration.ofMillis(20));
        assertThat(r.done()).containsExactly(a);
        assertThat(r.pending()).containsExactly(b);
        assertThat(b.isDone()).isFalse();
    }

    @Test
    void await_zeroTimeout_pollsWithoutBlocking() throws Exception {
        CompletableFuture<Integer> a = CompletableFuture.completedFuture(1);
        CompletableFuture<Integer> b = new CompletableFuture<>();
        Wait.Result<CompletableFuture<Integer>> r = Wait.await(List.of(a, b), ALL_COMPLETED, 0, TimeUnit.SECONDS);
        assertThat(r.done()).containsExactly(a);
        assertThat(r.pending()).containsExactly(b);
        r = Wait.await(List.of(a, b), ALL_COMPLETED, Duration.ofSeconds(-1));
        assertThat(r.pending()).containsExactly(b);
    }

    @Test
    void await_emptyInput_throwsIllegalArgument() {
        assertThatThrownBy(() -> Wait.await(List.<CompletableFuture<Integer>>of(), FIRST_COMPLETED))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> Wait.awaitAsync(List.<CompletableFuture<Integer>>of(), FIRST_COMPLETED))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void await_nullArguments_throwNullPointer() {
        CompletableFuture<Integer> a = new CompletableFuture<>();
        List<@Nullable CompletableFuture<Integer>> withNull = new ArrayList<>();
        withNull.add(a);
        withNull.add(null);
        @SuppressWarnings("unchecked")
        List<CompletableFuture<Integer>> unchecked = (List<CompletableFuture<Integer>>) (List<?>) withNull;
        assertThatThrownBy(() -> Wait.await(unchecked, FIRST_COMPLETED))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("futures[1]");
        Wait.ReturnWhen noWhen = castNull();
        assertThatThrownBy(() -> Wait.await(List.of(a), noWhen)).isInstanceOf(NullPointerException.class);
    }

    @SuppressWarnings("unchecked")
    private static <T> T castNull() {
        return (T) null;
    }

    @Test
    void await_duplicates_collapseIntoOneEntry() throws Exception {
        CompletableFuture<Integer> a = CompletableFuture.completedFuture(1);
        Wait.Result<CompletableFuture<Integer>> r = Wait.await(List.of(a, a, a));
        assertThat(r.done()).containsExactly(a);
        assertThat(r.pending()).isEmpty();
    }

    @Test
    void await_interruptedWhileWaiting_throwsAndCancelsNothing() throws Exception {
        CompletableFuture<Integer> a = new CompletableFuture<>();
        AtomicReference<@Nullable Object> out = new AtomicReference<>();
        Thread waiter = waitInBackground(out, () -> Wait.await(List.of(a), FIRST_COMPLETED));
        Blocking.awaitBlocked(waiter);
        waiter.interrupt();
        waiter.join();
        assertThat(out.get()).isInstanceOf(InterruptedException.class);
        assertThat(a.isDone()).isFalse();
    }

    @Test
    void await_interruptedOnEntry_throwsEvenIfConditionHolds() {
        CompletableFuture<Integer> a = CompletableFuture.completedFuture(1);
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> Wait.await(List.of(a))).isInstanceOf(InterruptedException.class);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void await_tasks_doneAndPendingAreTheTasksThemselves() throws Exception {
        Task<String> quick = Task.start(() -> "quick");
        Task<String> slow = Task.start(() -> {
            new java.util.concurrent.CountDownLatch(1).await();
            return "never";
        });
        Wait.Result<Task<String>> r = Wait.await(List.of(slow, quick), FIRST_COMPLETED);
        assertThat(r.done()).containsExactly(quick);
        assertThat(r.pending()).containsExactly(slow);
        slow.cancel("done with it");
        slow.awaitStopped();
    }

    @Test
    void result_sets_areUnmodifiableAndInInputOrder() throws Exception {
        List<CompletableFuture<Integer>> fs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            fs.add(CompletableFuture.completedFuture(i));
        }
        Wait.Result<CompletableFuture<Integer>> r = Wait.await(fs);
        assertThat(r.done()).containsExactlyElementsOf(fs);
        assertThatThrownBy(() -> r.done().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> new Wait.Result<>(castNull(), Set.of())).isInstanceOf(NullPointerException.class);
    }

    // ---- async form --------------------------------------------------------------------------------

    @Test
    void awaitAsync_firstCompleted_completesWhenOneInputCompletes() {
        CompletableFuture<Integer> a = new CompletableFuture<>();
        CompletableFuture<Integer> b = new CompletableFuture<>();
        CompletableFuture<Wait.Result<CompletableFuture<Integer>>> r = Wait.awaitAsync(List.of(a, b), FIRST_COMPLETED);
        assertThat(r).isNotDone();
        a.complete(1);
        assertThat(r.join()).isEqualTo(new Wait.Result<>(Set.of(a), Set.of(b)));
    }

    @Test
    void awaitAsync_timeout_completesWithSnapshotOnTimerThread() throws Exception {
        CompletableFuture<Integer> a = new CompletableFuture<>();
        CompletableFuture<Wait.Result<CompletableFuture<Integer>>> r =
                Wait.awaitAsync(List.of(a), ALL_COMPLETED, Duration.ofMillis(10));
        assertThat(r.get(10, TimeUnit.SECONDS)).isEqualTo(new Wait.Result<>(Set.of(), Set.of(a)));
        assertThat(a.isDone()).isFalse();
    }

    @Test
    void awaitAsync_zeroTimeout_completesAtOnce() {
        CompletableFuture<Integer> a = CompletableFuture.completedFuture(1);
        CompletableFuture<Integer> b = new CompletableFuture<>();
        assertThat(Wait.awaitAsync(List.of(a, b), ALL_COMPLETED, Duration.ZERO))
                .isCompletedWithValue(new Wait.Result<>(Set.of(a), Set.of(b)));
    }

    @Test
    void awaitAsync_cancelled_cancelsNoInput() {
        CompletableFuture<Integer> a = new CompletableFuture<>();
        CompletableFuture<Wait.Result<CompletableFuture<Integer>>> r = Wait.awaitAsync(List.of(a), ALL_COMPLETED);
        assertThat(r.cancel(true)).isTrue();
        assertThat(a.isDone()).isFalse();
        a.complete(1); // the detached callback does nothing
        assertThat(r.isCancelled()).isTrue();
    }
}
