package dev.weft.core.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntPredicate;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tests of {@link Gather}, porting the gather behaviours of CPython's {@code test_tasks.py}
 * ({@code GatherTestsBase}, {@code test_gather_*}, {@code test_cancel_gather_*},
 * {@code test_cancellation_broadcast}, {@code test_duplicate_coroutines}).
 */
@Timeout(20)
class GatherTest {

    private static final long WAIT_SECONDS = 10;

    private static void await(CountDownLatch latch) throws InterruptedException {
        assertThat(latch.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("latch released in time").isTrue();
    }

    /** A task that blocks until interrupted, counting down {@code started} first. */
    private static Task<String> blockingTask(CountDownLatch started, AtomicInteger interrupted) {
        return Task.start(() -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
                throw e;
            }
            return "never";
        });
    }

    // ---- results ---------------------------------------------------------------------------------

    @Test
    void all_emptyInput_completesAtOnceWithEmptyList() {
        CompletableFuture<List<Object>> g = Gather.all(List.of());
        assertThat(g).isCompletedWithValue(List.of());
        assertThat(Gather.allSettled(List.of())).isCompletedWithValue(List.of());
    }

    @Test
    void all_childrenCompleteInAnyOrder_resultsAreInArgumentOrder() {
        CompletableFuture<Integer> a = new CompletableFuture<>();
        CompletableFuture<Integer> b = new CompletableFuture<>();
        CompletableFuture<Integer> c = new CompletableFuture<>();
        CompletableFuture<List<Integer>> g = Gather.all(a, b, c);
        b.complete(2);
        a.complete(1);
        assertThat(g).isNotDone();
        c.complete(3);
        assertThat(g.join()).containsExactly(1, 2, 3);
    }

    @Test
    void all_resultList_isUnmodifiableAndMayHoldNullValues() {
        CompletableFuture<@Nullable String> a = CompletableFuture.completedFuture(null);
        CompletableFuture<@Nullable String> b = CompletableFuture.completedFuture("b");
        List<@Nullable String> r = Gather.<@Nullable String>all(a, b).join();
        assertThat(r).containsExactly(null, "b");
        assertThatThrownBy(() -> r.add("c")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void all_sameInputTwice_itsResultAppearsAtEachPosition() {
        CompletableFuture<String> c = new CompletableFuture<>();
        CompletableFuture<String> d = new CompletableFuture<>();
        CompletableFuture<List<String>> g = Gather.all(c, c, d, c);
        c.complete("abc");
        d.complete("def");
        assertThat(g.join()).containsExactly("abc", "abc", "def", "abc");
    }

    @Test
    void all_tasksOfDifferentDurations_gatherTheirValues() throws Exception {
        Task<String> hello = Task.start(() -> "Hello");
        Task<String> world = Task.start(() -> "World");
        assertThat(Gather.all(hello, world).get(WAIT_SECONDS, TimeUnit.SECONDS)).containsExactly("Hello", "World");
    }

    // ---- failure policy --------------------------------------------------------------------------

    @Test
    void all_oneChildFails_gatherFailsAtOnceAndOthersKeepRunning() {
        CompletableFuture<Integer> a = new CompletableFuture<>();
        CompletableFuture<Integer> b = new CompletableFuture<>();
        CompletableFuture<Integer> c = new CompletableFuture<>();
        CompletableFuture<List<Integer>> g = Gather.all(a, b, c);
        IOException boom = new IOException("boom");
        b.completeExceptionally(boom);
        assertThat(g).isCompletedExceptionally();
        assertThatThrownBy(g::join).isInstanceOf(CompletionException.class).hasCause(boom);
        assertThat(a).isNotDone();
        assertThat(c).isNotDone();
        // later outcomes are ignored
        a.complete(1);
        c.completeExceptionally(new IllegalStateException("later"));
        assertThatThrownBy(g::join).hasCause(boom);
    }

    @Test
    void all_childAlreadyFailed_gatherFailsDuringConstruction() {
        IOException boom = new IOException("boom");
        CompletableFuture<List<Object>> g = Gather.all(new CompletableFuture<>(), CompletableFuture.failedFuture(boom));
        assertThatThrownBy(g::join).hasCause(boom);
    }

    @Test
    void all_childIsCancelled_gatherEndsWithCancellationAndOthersAreNotCancelled() {
        CompletableFuture<Integer> a = new CompletableFuture<>();
        CompletableFuture<Integer> b = new CompletableFuture<>();
        CompletableFuture<List<Integer>> g = Gather.all(a, b);
        a.cancel(true);
        assertThat(g.isCancelled()).isTrue();
        assertThatThrownBy(g::join).isInstanceOf(CancellationException.class);
        assertThat(b.isDone()).isFalse();
    }

    @Test
    void all_dependentStageFails_causeIsUnwrapped() {
        IOException boom = new IOException("boom");
        CompletableFuture<Integer> source = new CompletableFuture<>();
        CompletionStage<Integer> dependent = source.thenApply(x -> x + 1);
        CompletableFuture<List<Integer>> g = Gather.all(List.of(dependent));
        source.completeExceptionally(boom);
        assertThatThrownBy(g::join).isInstanceOf(CompletionException.class).hasCause(boom);
    }

    @Test
    void allSettled_mixedOutcomes_givesOneTypedOutcomePerInputInOrder() {
        CompletableFuture<String> ok = new CompletableFuture<>();
        CompletableFuture<String> failed = new CompletableFuture<>();
        CompletableFuture<String> cancelled = new CompletableFuture<>();
        CompletableFuture<List<Outcome<String>>> g = Gather.allSettled(ok, failed, cancelled);
        IOException boom = new IOException("boom");
        failed.completeExceptionally(boom);
        cancelled.cancel(true);
        assertThat(g).isNotDone();
        ok.complete("fine");
        List<Outcome<String>> r = g.join();
        assertThat(r).hasSize(3);
        assertThat(r.get(0)).isEqualTo(new Outcome.Success<>("fine"));
        assertThat(r.get(1)).isEqualTo(new Outcome.Failure<String>(boom));
        assertThat(r.get(2)).isInstanceOf(Outcome.Cancelled.class);
        assertThat(r).doesNotContainNull();
    }

    @Test
    void allSettled_cancelledTask_outcomeCarriesTheCancelMessage() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Task<String> t = blockingTask(started, new AtomicInteger());
        CompletableFuture<List<Outcome<String>>> g = Gather.allSettled(List.of(t));
        await(started);
        t.cancel("stop it");
        Outcome<String> o = g.get(WAIT_SECONDS, TimeUnit.SECONDS).get(0);
        assertThat(o).isInstanceOfSatisfying(Outcome.Cancelled.class,
                c -> assertThat(c.exception()).hasMessage("stop it"));
    }

    // ---- cancellation ----------------------------------------------------------------------------

    @Test
    void cancel_whilePending_cancelsEveryChildAndInterruptsTaskBodies() throws Exception {
        CountDownLatch started = new CountDownLatch(2);
        AtomicInteger interrupted = new AtomicInteger();
        Task<String> t1 = blockingTask(started, interrupted);
        Task<String> t2 = blockingTask(started, interrupted);
        CompletableFuture<String> plain = new CompletableFuture<>();
        CompletableFuture<List<String>> g = Gather.all(t1, t2, plain);
        await(started);

        assertThat(g.cancel(true)).isTrue();

        assertThat(g.isCancelled()).isTrue();
        assertThat(t1.isCancelled()).isTrue();
        assertThat(t2.isCancelled()).isTrue();
        assertThat(plain.isCancelled()).isTrue();
        t1.awaitStopped();
        t2.awaitStopped();
        assertThat(interrupted).hasValue(2);
        assertThatThrownBy(t1::join).hasMessage("gather was cancelled");
    }

    @Test
    void cancel_afterAllChildrenDone_returnsFalseAndKeepsResults() {
        CompletableFuture<Integer> a = CompletableFuture.completedFuture(1);
        CompletableFuture<Integer> b = CompletableFuture.completedFuture(2);
        CompletableFuture<List<Integer>> g = Gather.all(a, b);
        assertThat(g.cancel(true)).isFalse();
        assertThat(g.join()).containsExactly(1, 2);
    }

    @Test
    void cancel_afterAChildFailed_doesNothingToTheOthers() {
        CompletableFuture<Integer> a = new CompletableFuture<>();
        CompletableFuture<Integer> b = new CompletableFuture<>();
        CompletableFuture<List<Integer>> g = Gather.all(a, b);
        a.completeExceptionally(new IOException("boom"));
        assertThat(g.cancel(true)).isFalse();
        assertThat(b.isCancelled()).isFalse();
    }

    @Test
    void cancel_afterAChildWasCancelled_doesNotCancelTheOthers() {
        CompletableFuture<Integer> a = new CompletableFuture<>();
        CompletableFuture<Integer> b = new CompletableFuture<>();
        CompletableFuture<List<Integer>> g = Gather.all(a, b);
        a.cancel(true);
        assertThat(g.cancel(true)).isTrue(); // it is cancelled (by the child), as Future says
        assertThat(b.isCancelled()).isFalse();
    }

    @Test
    void cancel_settledGather_cancelsChildrenAndEndsCancelled() {
        CompletableFuture<Integer> a = new CompletableFuture<>();
        CompletableFuture<Integer> b = CompletableFuture.completedFuture(2);
        CompletableFuture<List<Outcome<Integer>>> g = Gather.allSettled(a, b);
        assertThat(g.cancel(false)).isTrue();
        assertThat(a.isCancelled()).isTrue();
        assertThatThrownBy(g::join).isInstanceOf(CancellationException.class);
    }

    @Test
    void cancel_duplicateTask_isCancelledOnceOnly() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Task<String> t = blockingTask(started, new AtomicInteger());
        CompletableFuture<List<String>> g = Gather.all(t, t, t);
        await(started);
        g.cancel(true);
        assertThat(t.cancelling()).isEqualTo(1);
    }

    @Test
    void cancel_dependentStage_doesNotReachTheChildren() {
        CompletableFuture<Integer> a = new CompletableFuture<>();
        CompletableFuture<List<Integer>> g = Gather.all(a);
        CompletableFuture<Integer> size = g.thenApply(List::size);
        assertThat(size).isExactlyInstanceOf(CompletableFuture.class);
        size.cancel(true);
        assertThat(a.isCancelled()).isFalse();
        assertThat(g.isDone()).isFalse();
    }

    @Test
    void cancel_minimalStageInput_isLeftAloneWithoutError() {
        CompletableFuture<Integer> source = new CompletableFuture<>();
        CompletionStage<Integer> minimal = source.minimalCompletionStage();
        CompletableFuture<List<Integer>> g = Gather.all(List.of(minimal));
        assertThat(g.cancel(true)).isTrue();
        assertThat(source.isDone()).isFalse();
    }

    // ---- large gathers (counted down in stripes from 64 inputs) ---------------------------------

    @Test
    void all_sizesAroundTheStripedCountDown_completeExactlyWhenTheLastInputDoes() {
        for (int n : new int[] {1, 15, 16, 17, 63, 64, 65, 79, 80, 1000}) {
            List<CompletableFuture<Integer>> inputs = incompleteFutures(n);
            CompletableFuture<List<Integer>> g = Gather.all(inputs);
            CompletableFuture<List<Outcome<Integer>>> settled = Gather.allSettled(inputs);
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                order.add(i);
            }
            Collections.shuffle(order, new Random(n));
            for (int k = 0; k < n - 1; k++) {
                int i = order.get(k);
                inputs.get(i).complete(i * 10);
            }
            assertThat(g).as("n=%d, one input left", n).isNotDone();
            assertThat(settled).as("n=%d, one input left", n).isNotDone();
            int last = order.get(n - 1);
            inputs.get(last).complete(last * 10);
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                expected.add(i * 10);
            }
            assertThat(g.join()).as("n=%d", n).isEqualTo(expected);
            assertThat(settled.join()).as("n=%d", n).extracting(Outcome::valueOrThrow).isEqualTo(expected);
        }
    }

    @Test
    void all_largeGatherCompletedByFourThreadsAtOnce_countsEveryInput() throws Exception {
        int n = 20_000;
        List<CompletableFuture<Integer>> inputs = incompleteFutures(n);
        CompletableFuture<List<Integer>> g = Gather.all(inputs);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int first = t;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                for (int i = first; i < n; i += 4) { // neighbours complete in different threads
                    inputs.get(i).complete(i);
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        List<Integer> r = g.get(10, TimeUnit.SECONDS);
        assertThat(r).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(r.get(i)).isEqualTo(i);
        }
    }

    private static List<CompletableFuture<Integer>> incompleteFutures(int n) {
        List<CompletableFuture<Integer>> futures = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            futures.add(new CompletableFuture<>());
        }
        return futures;
    }

    /** Bodies that return their index, or throw {@code IOException("failed <index>")} where {@code fails} says so. */
    private static List<Callable<Integer>> indexBodies(int n, IntPredicate fails) {
        List<Callable<Integer>> bodies = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int value = i;
            bodies.add(() -> {
                if (fails.test(value)) {
                    throw new IOException("failed " + value);
                }
                return value;
            });
        }
        return bodies;
    }

    @Test
    void startSettled_largeGatherWithFailures_reportsEveryOutcomeInOrder() {
        int n = 300;
        List<Outcome<Integer>> r = Gather.startSettled(indexBodies(n, i -> i % 7 == 3)).join();
        assertThat(r).hasSize(n);
        for (int i = 0; i < n; i++) {
            int index = i;
            if (i % 7 == 3) {
                assertThat(r.get(i)).isInstanceOfSatisfying(Outcome.Failure.class,
                        f -> assertThat(f.exception()).isInstanceOf(IOException.class).hasMessage("failed " + index));
            } else {
                assertThat(r.get(i).valueOrThrow()).isEqualTo(i);
            }
        }
    }

    @Test
    void start_largeGatherWithOneFailure_failsWithIt() {
        CompletableFuture<List<Integer>> g = Gather.start(indexBodies(500, i -> i == 301));
        assertThatThrownBy(g::join).isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(IOException.class).hasMessage("failed 301");
    }

    @Test
    void start_largeGather_givesEveryValueInOrder() {
        int n = 5_000;
        List<Integer> r = Gather.start(indexBodies(n, i -> false)).join();
        assertThat(r).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(r.get(i)).isEqualTo(i);
        }
    }

    // ---- starting and awaiting -------------------------------------------------------------------

    @Test
    void start_callables_runsEachAsATask() {
        List<Callable<String>> bodies = List.of(
                () -> Task.current() != null ? "a" : "not a task",
                () -> Thread.currentThread().isVirtual() ? "b" : "not virtual");
        assertThat(Gather.start(bodies).join()).containsExactly("a", "b");
    }

    @Test
    void startSettled_oneBodyFails_othersStillReported() {
        List<Callable<Integer>> bodies = List.of(() -> 1, () -> {
            throw new IOException("boom");
        }, () -> 3);
        List<Outcome<Integer>> r = Gather.startSettled(bodies).join();
        assertThat(r.get(0).valueOrThrow()).isEqualTo(1);
        assertThat(r.get(1)).isInstanceOfSatisfying(Outcome.Failure.class,
                f -> assertThat(f.exception()).isInstanceOf(IOException.class).hasMessage("boom"));
        assertThat(r.get(2).isSuccess()).isTrue();
    }

    @Test
    void start_nullBody_throwsBeforeStartingAnything() {
        AtomicInteger ran = new AtomicInteger();
        List<@Nullable Callable<Integer>> bodies = Arrays.asList(ran::incrementAndGet, null);
        List<Callable<Integer>> unchecked = castNonNull(bodies);
        assertThatThrownBy(() -> Gather.start(unchecked)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("bodies[1]");
        assertThat(ran).hasValue(0);
    }

    @SuppressWarnings("unchecked")
    private static <T> T castNonNull(Object o) {
        return (T) o;
    }

    @Test
    void all_nullElement_throwsNamingItsIndex() {
        List<@Nullable CompletableFuture<Integer>> inputs = new ArrayList<>();
        inputs.add(new CompletableFuture<>());
        inputs.add(null);
        List<CompletableFuture<Integer>> unchecked = castNonNull(inputs);
        assertThatThrownBy(() -> Gather.all(unchecked)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("inputs[1]");
    }

    @Test
    void await_allSucceed_returnsResults() throws Exception {
        assertThat(Gather.await(List.of(Task.start(() -> 1), Task.start(() -> 2)))).containsExactly(1, 2);
    }

    @Test
    void await_childFails_throwsExecutionExceptionWithTheFailure() {
        IOException boom = new IOException("boom");
        assertThatThrownBy(() -> Gather.await(List.of(Task.start(() -> 1), CompletableFuture.failedFuture(boom))))
                .isInstanceOf(ExecutionException.class).hasCause(boom);
    }

    @Test
    void await_waitingThreadInterrupted_cancelsChildrenAndThrows() throws Exception {
        CountDownLatch started = new CountDownLatch(2);
        AtomicInteger interrupted = new AtomicInteger();
        Task<String> t1 = blockingTask(started, interrupted);
        Task<String> t2 = blockingTask(started, interrupted);
        AtomicReference<@Nullable Throwable> thrown = new AtomicReference<>();
        Task<Void> waiter = Task.start(() -> {
            try {
                Gather.await(List.of(t1, t2));
            } catch (Throwable e) {
                thrown.set(e);
            }
            return null;
        });
        await(started);
        waiter.interrupt();
        waiter.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        t1.awaitStopped();
        t2.awaitStopped();
        assertThat(t1.isCancelled()).isTrue();
        assertThat(t2.isCancelled()).isTrue();
        assertThat(interrupted).hasValue(2);
    }

    @Test
    void await_interruptedOnEntry_cancelsChildrenEvenIfNothingWaits() {
        CompletableFuture<Integer> a = new CompletableFuture<>();
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> Gather.await(List.of(a))).isInstanceOf(InterruptedException.class);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(a.isCancelled()).isTrue();
    }

    @Test
    void toString_showsInputsAndState() {
        CompletableFuture<Integer> a = new CompletableFuture<>();
        CompletableFuture<List<Integer>> g = Gather.all(a, CompletableFuture.completedFuture(1));
        assertThat(g.toString()).isEqualTo("Gather[inputs=2, remaining=1, state=PENDING]");
        a.complete(0);
        assertThat(g.toString()).isEqualTo("Gather[inputs=2, remaining=0, state=DONE]");
    }

    @Test
    void twoGathersOverTheSameUnfinishedTasks_bothSeeEveryOutcome() throws Exception {
        // The tasks are held (not run) while both gathers register: the first registers a task's
        // one completion listener, the second falls back to whenComplete; both must see each outcome.
        List<Runnable> held = new ArrayList<>();
        Task.Builder builder = Task.builder().executor(held::add);
        Task<Integer> one = builder.start(() -> 1);
        Task<Integer> failing = builder.start(() -> {
            throw new IOException("boom");
        });
        Task<Integer> cancelled = builder.start(() -> 3);
        Task<Integer> four = builder.start(() -> 4);
        List<Task<Integer>> tasks = List.of(one, failing, cancelled, four);
        CompletableFuture<List<Outcome<Integer>>> first = Gather.allSettled(tasks);
        CompletableFuture<List<Outcome<Integer>>> second = Gather.allSettled(tasks);
        CompletableFuture<List<Integer>> failFast = Gather.all(List.of(one, four));
        assertThat(first).isNotDone();
        assertThat(second).isNotDone();

        cancelled.cancel(true);
        for (Runnable r : held) {
            r.run();
        }
        for (CompletableFuture<List<Outcome<Integer>>> gather : List.of(first, second)) {
            List<Outcome<Integer>> outcomes = gather.get(10, TimeUnit.SECONDS);
            assertThat(outcomes.get(0)).isEqualTo(new Outcome.Success<>(1));
            assertThat(outcomes.get(1)).isInstanceOf(Outcome.Failure.class);
            assertThat(((Outcome.Failure<Integer>) outcomes.get(1)).exception()).isInstanceOf(IOException.class)
                    .hasMessage("boom");
            assertThat(outcomes.get(2)).isInstanceOf(Outcome.Cancelled.class);
            assertThat(outcomes.get(3)).isEqualTo(new Outcome.Success<>(4));
        }
        assertThat(failFast.get(10, TimeUnit.SECONDS)).containsExactly(1, 4);
    }

    @Test
    void gatherOverTasksAlreadyFinished_takesTheirValuesAtOnce() throws Exception {
        Task<Integer> a = Task.start(() -> 1);
        Task<Integer> b = Task.start(() -> 2);
        a.join();
        b.join();
        CompletableFuture<List<Integer>> gather = Gather.all(List.of(a, b, CompletableFuture.completedFuture(3)));
        assertThat(gather).isDone();
        assertThat(gather.join()).containsExactly(1, 2, 3);
    }
}
