package dev.weft.core.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tests of {@link Shield}, porting CPython's {@code test_tasks.py} shield tests
 * ({@code test_shield_result}, {@code test_shield_exception}, {@code test_shield_cancel_inner},
 * {@code test_shield_cancel_outer}, {@code test_shield_cancel_outer_result},
 * {@code test_shield_cancel_outer_exception}, {@code test_shield_duplicate_log_once},
 * {@code test_shield_shortcut}, {@code test_shield_effect}, {@code test_gather_shield},
 * {@code test_shield_gather}).
 */
@Timeout(20)
class ShieldTest {

    @Test
    void shield_innerCompletes_outerGetsTheValue() {
        CompletableFuture<String> inner = new CompletableFuture<>();
        CompletableFuture<String> outer = Shield.shield(inner);
        assertThat(outer).isNotSameAs(inner).isNotDone();
        inner.complete("done");
        assertThat(outer.join()).isEqualTo("done");
    }

    @Test
    void shield_innerFails_outerFailsWithIt() {
        CompletableFuture<String> inner = new CompletableFuture<>();
        CompletableFuture<String> outer = Shield.shield(inner);
        IOException boom = new IOException("boom");
        inner.completeExceptionally(boom);
        assertThatThrownBy(outer::join).isInstanceOf(CompletionException.class).hasCause(boom);
    }

    @Test
    void shield_innerCancelled_outerIsCancelled() {
        CompletableFuture<String> inner = new CompletableFuture<>();
        CompletableFuture<String> outer = Shield.shield(inner);
        inner.cancel(true);
        assertThat(outer.isCancelled()).isTrue();
    }

    @Test
    void shield_outerCancelled_innerKeepsRunningAndLateValueIsDroppedSilently() {
        CompletableFuture<String> inner = new CompletableFuture<>();
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        CompletableFuture<String> outer = Shield.shield(inner, reported::add);
        assertThat(outer.cancel(true)).isTrue();
        assertThat(inner.isDone()).isFalse();
        inner.complete("late");
        assertThat(outer.isCancelled()).isTrue();
        assertThat(reported).isEmpty();
    }

    @Test
    void shield_outerCancelledThenInnerFails_failureIsReportedExactlyOnce() {
        CompletableFuture<String> inner = new CompletableFuture<>();
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        CompletableFuture<String> outer = Shield.shield(inner, reported::add);
        outer.cancel(true);
        IOException boom = new IOException("boom");
        inner.completeExceptionally(boom);
        assertThat(reported).containsExactly(boom);
        assertThat(outer.isCancelled()).isTrue();
    }

    @Test
    void shield_innerFailsThenOuterCancelled_nothingReportedAndOuterKeepsFailure() {
        CompletableFuture<String> inner = new CompletableFuture<>();
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        CompletableFuture<String> outer = Shield.shield(inner, reported::add);
        IOException boom = new IOException("boom");
        inner.completeExceptionally(boom);
        assertThat(outer.cancel(true)).isFalse();
        assertThatThrownBy(outer::join).hasCause(boom);
        assertThat(reported).isEmpty();
    }

    @Test
    void shield_outerCancelledThenInnerCancelled_nothingReported() {
        CompletableFuture<String> inner = new CompletableFuture<>();
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        CompletableFuture<String> outer = Shield.shield(inner, reported::add);
        outer.cancel(true);
        inner.cancel(true);
        assertThat(reported).isEmpty();
    }

    @Test
    void shield_twoShieldsOfOneInnerBothCancelled_lateFailureGoesOnceToTheFirstCancelledShieldsReporter() {
        CompletableFuture<String> inner = new CompletableFuture<>();
        List<Throwable> first = new CopyOnWriteArrayList<>();
        List<Throwable> second = new CopyOnWriteArrayList<>();
        CompletableFuture<String> shieldOfFirst = Shield.shield(inner, first::add);
        CompletableFuture<String> shieldOfSecond = Shield.shield(inner, second::add);
        shieldOfSecond.cancel(true); // cancelled first: its reporter is the one
        shieldOfFirst.cancel(true);
        IOException boom = new IOException("boom");
        inner.completeExceptionally(boom);
        assertThat(second).containsExactly(boom);
        assertThat(first).isEmpty();
    }

    @Test
    void shield_twoDefaultShieldsOfOneInnerBothCancelled_lateFailureReachesTheUncaughtHandlerOnce() throws Exception {
        CompletableFuture<String> inner = new CompletableFuture<>();
        Shield.shield(inner).cancel(true);
        Shield.shield(inner).cancel(true);
        IOException boom = new IOException("boom");
        List<Throwable> handled = new CopyOnWriteArrayList<>();
        Thread completer = Thread.ofPlatform().unstarted(() -> inner.completeExceptionally(boom));
        completer.setUncaughtExceptionHandler((t, e) -> handled.add(e));
        completer.start();
        completer.join();
        assertThat(handled).hasSize(1);
        assertThat(handled.get(0)).hasCause(boom);
    }

    @Test
    void shield_manyShieldsCancelledAndOneStillWaiting_waiterGetsTheFailureAndItIsReportedOnce() {
        CompletableFuture<String> inner = new CompletableFuture<>();
        AtomicInteger reported = new AtomicInteger();
        for (int i = 0; i < 5; i++) {
            Shield.shield(inner, e -> reported.incrementAndGet()).cancel(true);
        }
        CompletableFuture<String> waiting = Shield.shield(inner, e -> reported.incrementAndGet());
        IOException boom = new IOException("boom");
        inner.completeExceptionally(boom);
        assertThatThrownBy(waiting::join).hasCause(boom);
        assertThat(reported).hasValue(1); // asyncio keeps one "exception in shielded future" callback per inner
    }

    @Test
    void shield_outerCompletedByItsHolderThenInnerFails_failureIsReportedOnce() {
        CompletableFuture<String> inner = new CompletableFuture<>();
        AtomicInteger reported = new AtomicInteger();
        CompletableFuture<String> a = Shield.shield(inner, e -> reported.incrementAndGet());
        CompletableFuture<String> b = Shield.shield(inner, e -> reported.incrementAndGet());
        assertThat(a.complete("gave up with a default")).isTrue();
        assertThat(b.cancel(true)).isTrue();
        inner.completeExceptionally(new IOException("boom"));
        assertThat(reported).hasValue(1);
    }

    @Test
    void shield_cancelledThenInnerCompletesWithAValue_leavesNoBookkeepingBehind() {
        CompletableFuture<String> inner = new CompletableFuture<>();
        Shield.shield(inner).cancel(true);
        assertThat(Shield.lateReportState(inner)).isEqualTo("pending");
        inner.complete("late");
        assertThat(Shield.lateReportState(inner)).isEqualTo("none");
    }

    @Test
    void shield_cancelledThenInnerCancelled_leavesNoBookkeepingBehind() {
        CompletableFuture<String> inner = new CompletableFuture<>();
        Shield.shield(inner).cancel(true);
        inner.cancel(true);
        assertThat(Shield.lateReportState(inner)).isEqualTo("none");
    }

    @Test
    void shield_neverCancelled_keepsNoBookkeeping() {
        CompletableFuture<String> inner = new CompletableFuture<>();
        CompletableFuture<String> outer = Shield.shield(inner);
        inner.completeExceptionally(new IOException("boom"));
        assertThat(outer.isCompletedExceptionally()).isTrue();
        assertThat(Shield.lateReportState(inner)).isEqualTo("none");
    }

    @Test
    void shield_lateFailureReported_aLaterShieldOfTheInnerGetsTheFailureAndNothingMoreIsReported() {
        CompletableFuture<String> inner = new CompletableFuture<>();
        AtomicInteger reported = new AtomicInteger();
        Shield.shield(inner, e -> reported.incrementAndGet()).cancel(true);
        inner.completeExceptionally(new IOException("boom"));
        assertThat(Shield.lateReportState(inner)).isEqualTo("reported");
        assertThat(reported).hasValue(1);
        CompletionStage<String> minimal = inner.minimalCompletionStage(); // a shield that is not short-cut
        assertThat(Shield.shield(minimal, e -> reported.incrementAndGet()).isCompletedExceptionally()).isTrue();
        assertThat(reported).hasValue(1);
    }

    @Test
    void shield_innerNeverCompleted_isNotKeptReachableByTheBookkeeping() {
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        WeakReference<CompletableFuture<String>> ref = abandonedInnerWithCancelledShield(reported);
        for (int i = 0; i < 50 && ref.get() != null; i++) {
            System.gc();
        }
        assertThat(ref.get()).as("the abandoned inner was collected").isNull();
        assertThat(reported).isEmpty();
    }

    /** A shielded inner that nobody will complete, whose reporter even captures it. */
    private static WeakReference<CompletableFuture<String>> abandonedInnerWithCancelledShield(
            List<Throwable> reported) {
        CompletableFuture<String> inner = new CompletableFuture<>();
        Shield.shield(inner, e -> reported.add(new IllegalStateException("late failure of " + inner, e)))
                .cancel(true);
        assertThat(Shield.lateReportState(inner)).isEqualTo("pending");
        return new WeakReference<>(inner);
    }

    @Test
    void shield_defaultReporter_handsLateFailureToTheCompletingThreadsUncaughtHandler() throws Exception {
        CompletableFuture<String> inner = new CompletableFuture<>();
        CompletableFuture<String> outer = Shield.shield(inner);
        outer.cancel(true);
        IOException boom = new IOException("boom");
        AtomicReference<@Nullable Throwable> handled = new AtomicReference<>();
        AtomicReference<@Nullable Thread> handledIn = new AtomicReference<>();
        Thread completer = Thread.ofPlatform().unstarted(() -> inner.completeExceptionally(boom));
        completer.setUncaughtExceptionHandler((t, e) -> {
            handledIn.set(t);
            handled.set(e);
        });
        completer.start();
        completer.join();
        assertThat(handledIn.get()).isSameAs(completer);
        assertThat(handled.get()).isInstanceOf(CompletionException.class).hasCause(boom)
                .hasMessageContaining("shielded work failed after its shield was cancelled");
        assertThat(completer.getState()).isEqualTo(Thread.State.TERMINATED);
    }

    @Test
    void shield_reporterThrows_isIgnored() {
        CompletableFuture<String> inner = new CompletableFuture<>();
        CompletableFuture<String> outer = Shield.shield(inner, e -> {
            throw new IllegalStateException("reporter broke");
        });
        outer.cancel(true);
        assertThat(inner.completeExceptionally(new IOException("boom"))).isTrue();
    }

    @Test
    void shield_innerAlreadyDone_returnsTheInnerItself() {
        CompletableFuture<String> done = CompletableFuture.completedFuture("x");
        assertThat(Shield.shield(done)).isSameAs(done);
    }

    @Test
    void shield_minimalStage_isWrapped() {
        CompletableFuture<String> source = new CompletableFuture<>();
        CompletionStage<String> minimal = source.minimalCompletionStage();
        CompletableFuture<String> outer = Shield.shield(minimal);
        source.complete("v");
        assertThat(outer.join()).isEqualTo("v");
    }

    @Test
    void shield_taskWaitingOnShieldIsCancelled_waiterStopsAndInnerTaskRunsOn() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Task<String> inner = Task.start(() -> {
            release.await();
            return "Completed";
        });
        CompletableFuture<String> shielded = Shield.shield(inner);
        CountDownLatch waiting = new CountDownLatch(1);
        Task<String> waiter = Task.start(() -> {
            waiting.countDown();
            return shielded.get(); // an interrupt before or during get() ends it alike
        });
        assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
        waiter.cancel("give up");
        waiter.awaitStopped();
        assertThat(waiter.isCancelled()).isTrue();
        assertThat(inner.isDone()).isFalse();
        release.countDown();
        assertThat(inner.get(10, TimeUnit.SECONDS)).isEqualTo("Completed");
    }

    @Test
    void gatherOfShields_cancelled_cancelsTheShieldsNotTheInners() {
        CompletableFuture<Integer> a = new CompletableFuture<>();
        CompletableFuture<Integer> b = new CompletableFuture<>();
        CompletableFuture<List<Integer>> g = Gather.all(Shield.shield(a), Shield.shield(b));
        assertThat(g.cancel(true)).isTrue();
        assertThat(a.isDone()).isFalse();
        assertThat(b.isDone()).isFalse();
    }

    @Test
    void shieldOfGather_cancelled_leavesTheGatherRunning() {
        CompletableFuture<Integer> a = new CompletableFuture<>();
        CompletableFuture<List<Integer>> g = Gather.all(a);
        CompletableFuture<List<Integer>> outer = Shield.shield(g);
        assertThat(outer.cancel(true)).isTrue();
        assertThat(g.isDone()).isFalse();
        a.complete(1);
        assertThat(g.join()).containsExactly(1);
    }

    @Test
    void shield_callable_runsItAsATask() throws Exception {
        CompletableFuture<String> outer = Shield.shield(() -> Task.current() != null ? "in a task" : "not");
        assertThat(outer.get(10, TimeUnit.SECONDS)).isEqualTo("in a task");
    }

    @Test
    void shield_dependentStages_arePlainFutures() throws ExecutionException, InterruptedException {
        CompletableFuture<String> inner = new CompletableFuture<>();
        CompletableFuture<String> outer = Shield.shield(inner);
        assertThat(outer.thenApply(String::length)).isExactlyInstanceOf(CompletableFuture.class);
        assertThat(outer.toString()).startsWith("Shield[state=PENDING, inner=");
        inner.complete("ok");
        assertThat(outer.get()).isEqualTo("ok");
    }

    @Test
    void shield_cancelledOuter_throwsCancellationToWaiters() {
        CompletableFuture<String> outer = Shield.shield(new CompletableFuture<>());
        outer.cancel(true);
        assertThatThrownBy(outer::join).isInstanceOf(CancellationException.class);
    }
}
