package dev.weft.core.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tests of {@link AsCompleted}, porting the as_completed behaviours of CPython's
 * {@code test_tasks.py} ({@code test_as_completed}, {@code test_as_completed_with_timeout},
 * {@code test_as_completed_with_unused_timeout}, {@code test_as_completed_reverse_wait},
 * {@code test_as_completed_concurrent}, {@code test_as_completed_same_tasks_in_as_out},
 * {@code test_as_completed_resume_iterator}, {@code test_as_completed_duplicate_coroutines}).
 */
@Timeout(20)
class AsCompletedTest {

    @Test
    void of_yieldsTheOriginalFuturesInCompletionOrder() throws Exception {
        CompletableFuture<String> a = new CompletableFuture<>();
        CompletableFuture<String> b = new CompletableFuture<>();
        CompletableFuture<String> c = new CompletableFuture<>();
        AsCompleted<CompletableFuture<String>> ac = AsCompleted.of(List.of(a, b, c));
        c.complete("c");
        a.completeExceptionally(new IOException("a failed"));
        b.complete("b");
        assertThat(ac.get()).isSameAs(c);
        assertThat(ac.get()).isSameAs(a);
        assertThat(ac.get()).isSameAs(b);
        assertThat(ac.hasNext()).isFalse();
        assertThatThrownBy(ac::get).isInstanceOf(NoSuchElementException.class).hasMessageContaining("3 inputs");
    }

    @Test
    void iterator_yieldsAsTheyCompleteWhileTheLoopWaits() throws Exception {
        CompletableFuture<Integer> first = new CompletableFuture<>();
        CompletableFuture<Integer> second = new CompletableFuture<>();
        List<Integer> seen = new ArrayList<>();
        Thread consumer = Thread.ofVirtual().start(() -> {
            for (CompletableFuture<Integer> f : AsCompleted.of(List.of(second, first))) {
                seen.add(f.join());
            }
        });
        Blocking.awaitBlocked(consumer);
        first.complete(1);
        Blocking.awaitBlocked(consumer);
        second.complete(2);
        consumer.join();
        assertThat(seen).containsExactly(1, 2);
    }

    @Test
    void of_emptyInput_yieldsNothing() {
        AsCompleted<CompletableFuture<Integer>> ac = AsCompleted.of(List.of(), Duration.ofMillis(1));
        assertThat(ac.hasNext()).isFalse();
        assertThat(ac.iterator().hasNext()).isFalse();
        assertThat(ac.remaining()).isZero();
    }

    @Test
    void of_duplicates_areYieldedOnce() throws Exception {
        CompletableFuture<Integer> a = CompletableFuture.completedFuture(1);
        AsCompleted<CompletableFuture<Integer>> ac = AsCompleted.of(List.of(a, a, a));
        assertThat(ac.remaining()).isEqualTo(1);
        assertThat(ac.get()).isSameAs(a);
        assertThat(ac.hasNext()).isFalse();
    }

    @Test
    void of_timeout_remainingTakesThrowAndInputsAreNotCancelled() throws Exception {
        CompletableFuture<Integer> done = CompletableFuture.completedFuture(1);
        CompletableFuture<Integer> slow1 = new CompletableFuture<>();
        CompletableFuture<Integer> slow2 = new CompletableFuture<>();
        AsCompleted<CompletableFuture<Integer>> ac = AsCompleted.of(List.of(slow1, done, slow2), Duration.ofMillis(20));
        assertThat(ac.get()).isSameAs(done); // completed before the timeout: handed out first
        assertThatThrownBy(ac::get).isInstanceOf(TimeoutException.class).hasMessageContaining("2 of 3");
        assertThatThrownBy(ac::get).isInstanceOf(TimeoutException.class);
        assertThat(ac.hasNext()).isFalse();
        assertThat(slow1.isDone()).isFalse();
        assertThat(slow2.isDone()).isFalse();
        slow1.complete(2); // too late: not reported, and nothing breaks
        assertThatThrownBy(ac::get).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void of_unusedTimeout_everythingIsHandedOut() throws Exception {
        CompletableFuture<Integer> a = new CompletableFuture<>();
        AsCompleted<CompletableFuture<Integer>> ac = AsCompleted.of(List.of(a), Duration.ofSeconds(30));
        a.complete(1);
        assertThat(ac.get()).isSameAs(a);
        assertThat(ac.hasNext()).isFalse();
    }

    @Test
    void of_zeroTimeout_handsOutWhatIsDoneAndTimesOutTheRest() throws Exception {
        CompletableFuture<Integer> a = CompletableFuture.completedFuture(1);
        CompletableFuture<Integer> b = new CompletableFuture<>();
        AsCompleted<CompletableFuture<Integer>> ac = AsCompleted.of(List.of(b, a), Duration.ZERO);
        assertThat(ac.get()).isSameAs(a);
        assertThatThrownBy(ac::get).isInstanceOf(TimeoutException.class);
    }

    @Test
    void iterator_afterTimeout_throwsCompletionExceptionHoldingTimeout() {
        CompletableFuture<Integer> never = new CompletableFuture<>();
        var it = AsCompleted.of(List.of(never), Duration.ofMillis(5)).iterator();
        assertThat(it.hasNext()).isTrue();
        assertThatThrownBy(it::next).isInstanceOf(CompletionException.class).hasCauseInstanceOf(TimeoutException.class);
        assertThat(it.hasNext()).isFalse();
    }

    @Test
    void overallTimeout_everyConsumingMethodReportsItWithTheSameTimeoutException() throws Exception {
        CompletableFuture<Integer> done = CompletableFuture.completedFuture(0);
        List<CompletableFuture<Integer>> never = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            never.add(new CompletableFuture<>());
        }
        List<CompletableFuture<Integer>> inputs = new ArrayList<>(never);
        inputs.add(done);
        AsCompleted<CompletableFuture<Integer>> ac = AsCompleted.of(inputs, Duration.ZERO);
        assertThat(ac.get()).isSameAs(done); // completed before the timeout: handed out first

        TimeoutException fromTake = catchTimeout(ac::get);
        TimeoutException fromPoll = catchTimeout(ac::poll);
        TimeoutException fromTimedPoll = catchTimeout(() -> ac.poll(Duration.ofSeconds(10)));
        Throwable fromNext = catchThrowable(() -> ac.iterator().next());
        assertThat(fromNext).isExactlyInstanceOf(CompletionException.class).hasCauseInstanceOf(TimeoutException.class);
        TimeoutException carried = (TimeoutException) fromNext.getCause();

        for (TimeoutException e : List.of(fromPoll, fromTimedPoll, carried)) {
            assertThat(e.getMessage()).isEqualTo(fromTake.getMessage()).contains("4 of 5");
            assertThat(e.getCause()).isSameAs(fromTake.getCause()); // the one timeout of the iteration
        }
        assertThat(ac.hasNext()).isFalse(); // four timed-out elements, each reported once
        assertThat(never).allSatisfy(f -> assertThat(f).isNotDone());
    }

    private interface Taking {
        @Nullable Object take() throws Exception;
    }

    private static TimeoutException catchTimeout(Taking call) {
        Throwable t = catchThrowable(call::take);
        assertThat(t).isExactlyInstanceOf(TimeoutException.class);
        return (TimeoutException) t;
    }

    @Test
    void pollDuration_waitsAtMostTheTimeoutAndTakesNothingOnTimeout() throws Exception {
        CompletableFuture<Integer> a = new CompletableFuture<>();
        AsCompleted<CompletableFuture<Integer>> ac = AsCompleted.of(List.of(a));
        assertThat(ac.poll(Duration.ofMillis(5))).isNull();
        assertThat(ac.poll(Duration.ZERO)).isNull();
        assertThat(ac.poll(Duration.ofSeconds(-1))).isNull();
        assertThat(ac.remaining()).isEqualTo(1);
        a.complete(1);
        assertThat(ac.poll(Duration.ZERO)).isSameAs(a);
        assertThat(ac.hasNext()).isFalse();
        assertThatThrownBy(() -> ac.poll(Duration.ofSeconds(1))).isInstanceOf(NoSuchElementException.class);
        assertThatThrownBy(() -> ac.poll((Duration) null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void pollDuration_completionWhileWaiting_returnsIt() throws Exception {
        CompletableFuture<Integer> a = new CompletableFuture<>();
        AsCompleted<CompletableFuture<Integer>> ac = AsCompleted.of(List.of(a));
        AtomicReference<@Nullable CompletableFuture<Integer>> got = new AtomicReference<>();
        Thread poller = Thread.ofVirtual().start(() -> {
            try {
                got.set(ac.poll(Duration.ofDays(1)));
            } catch (InterruptedException | TimeoutException e) {
                throw new AssertionError(e);
            }
        });
        Blocking.awaitBlocked(poller);
        a.complete(1);
        poller.join();
        assertThat(got.get()).isSameAs(a);
    }

    @Test
    void pollDuration_interruptedOnEntry_throwsAndTakesNothing() {
        AsCompleted<CompletableFuture<Integer>> ac = AsCompleted.of(List.of(CompletableFuture.completedFuture(1)));
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> ac.poll(Duration.ofSeconds(1))).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
        assertThat(ac.remaining()).isEqualTo(1);
    }

    @Test
    void iterator_resumedAfterBreak_continuesWithTheRest() {
        List<CompletableFuture<Integer>> fs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            fs.add(CompletableFuture.completedFuture(i));
        }
        AsCompleted<CompletableFuture<Integer>> ac = AsCompleted.of(fs);
        List<Integer> seen = new ArrayList<>();
        for (CompletableFuture<Integer> f : ac) {
            seen.add(f.join());
            if (seen.size() == 2) {
                break;
            }
        }
        for (CompletableFuture<Integer> f : ac) {
            seen.add(f.join());
        }
        assertThat(seen).containsExactlyInAnyOrder(0, 1, 2, 3);
    }

    @Test
    void take_interruptedWhileWaiting_takesNothing() throws Exception {
        CompletableFuture<Integer> a = new CompletableFuture<>();
        AsCompleted<CompletableFuture<Integer>> ac = AsCompleted.of(List.of(a));
        AtomicReference<@Nullable Throwable> thrown = new AtomicReference<>();
        Thread taker = Thread.ofVirtual().start(() -> {
            try {
                ac.get();
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        Blocking.awaitBlocked(taker);
        taker.interrupt();
        taker.join();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        a.complete(1);
        assertThat(ac.get()).isSameAs(a);
    }

    @Test
    void iterator_interrupted_throwsCancellationAndKeepsInterruptStatus() throws Exception {
        CompletableFuture<Integer> a = new CompletableFuture<>();
        AsCompleted<CompletableFuture<Integer>> ac = AsCompleted.of(List.of(a));
        AtomicReference<@Nullable Throwable> thrown = new AtomicReference<>();
        AtomicReference<@Nullable Boolean> interruptedAfter = new AtomicReference<>();
        Thread taker = Thread.ofVirtual().start(() -> {
            try {
                ac.iterator().next();
            } catch (Throwable t) {
                thrown.set(t);
                interruptedAfter.set(Thread.currentThread().isInterrupted());
            }
        });
        Blocking.awaitBlocked(taker);
        taker.interrupt();
        taker.join();
        assertThat(thrown.get()).isInstanceOf(CancellationException.class).hasCauseInstanceOf(InterruptedException.class);
        assertThat(interruptedAfter.get()).isTrue();
        assertThat(ac.remaining()).isEqualTo(1);
    }

    @Test
    void poll_nothingCompleted_returnsNullWithoutBlocking() throws Exception {
        CompletableFuture<Integer> a = new CompletableFuture<>();
        AsCompleted<CompletableFuture<Integer>> ac = AsCompleted.of(List.of(a));
        assertThat(ac.poll()).isNull();
        assertThat(ac.poll(10, TimeUnit.MILLISECONDS)).isNull();
        a.complete(1);
        assertThat(ac.poll()).isSameAs(a);
        assertThatThrownBy(ac::poll).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void poll_keepsTheCallersInterruptStatus() throws Exception {
        AsCompleted<CompletableFuture<Integer>> ac = AsCompleted.of(List.of(CompletableFuture.completedFuture(1)));
        Thread.currentThread().interrupt();
        assertThat(ac.poll()).isNotNull();
        assertThat(Thread.interrupted()).isTrue();
    }

    @Test
    void take_concurrentConsumers_eachInputHandedOutExactlyOnce() throws Exception {
        int n = 2_000;
        List<CompletableFuture<Integer>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            fs.add(new CompletableFuture<>());
        }
        AsCompleted<CompletableFuture<Integer>> ac = AsCompleted.of(fs);
        ConcurrentLinkedQueue<CompletableFuture<Integer>> taken = new ConcurrentLinkedQueue<>();
        CountDownLatch consumersDone = new CountDownLatch(4);
        for (int c = 0; c < 4; c++) {
            Thread.ofVirtual().start(() -> {
                try {
                    for (;;) {
                        taken.add(ac.get());
                    }
                } catch (NoSuchElementException end) {
                    consumersDone.countDown();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
        }
        List<CompletableFuture<Integer>> shuffled = new ArrayList<>(fs);
        Collections.shuffle(shuffled, new java.util.Random(42));
        Thread p1 = Thread.ofVirtual().start(() -> shuffled.subList(0, n / 2).forEach(f -> f.complete(1)));
        Thread p2 = Thread.ofVirtual().start(() -> shuffled.subList(n / 2, n).forEach(f -> f.complete(2)));
        p1.join();
        p2.join();
        assertThat(consumersDone.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(taken).hasSize(n).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(fs);
    }

    @Test
    void start_runsCallablesAsTasksAndYieldsTheTasks() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AsCompleted<Task<String>> ac = AsCompleted.start(List.of(() -> {
            release.await();
            return "slow";
        }, () -> "fast"));
        Task<String> first = ac.get();
        assertThat(first.join()).isEqualTo("fast");
        release.countDown();
        assertThat(ac.get().join()).isEqualTo("slow");
    }

    @Test
    void toString_showsCounts() throws Exception {
        CompletableFuture<Integer> a = CompletableFuture.completedFuture(1);
        AsCompleted<CompletableFuture<Integer>> ac = AsCompleted.of(List.of(a, new CompletableFuture<>()));
        assertThat(ac).hasToString("AsCompleted[inputs=2, completed=1, handedOut=0]");
        ac.get();
        assertThat(ac).hasToString("AsCompleted[inputs=2, completed=1, handedOut=1]");
    }

    // ---- results in completion order ---------------------------------------------------------------

    @Test
    void inCompletionOrder_kthFutureGetsTheKthCompletion() throws Exception {
        CompletableFuture<String> a = new CompletableFuture<>();
        CompletableFuture<String> b = new CompletableFuture<>();
        CompletableFuture<String> c = new CompletableFuture<>();
        List<CompletableFuture<String>> ordered = AsCompleted.inCompletionOrder(List.of(a, b, c));
        assertThat(ordered).hasSize(3).allSatisfy(f -> assertThat(f).isNotDone());
        IOException boom = new IOException("boom");
        b.complete("b");
        c.completeExceptionally(boom);
        a.complete("a");
        assertThat(ordered.get(0).join()).isEqualTo("b");
        assertThatThrownBy(() -> ordered.get(1).get()).isInstanceOf(ExecutionException.class).hasCause(boom);
        assertThat(ordered.get(2).join()).isEqualTo("a");
        assertThatThrownBy(() -> ordered.add(a)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void inCompletionOrder_awaitedInReverse_lastFutureGetsTheLastCompletion() throws Exception {
        CompletableFuture<Integer> a = new CompletableFuture<>();
        CompletableFuture<Integer> b = new CompletableFuture<>();
        List<CompletableFuture<Integer>> ordered = AsCompleted.inCompletionOrder(List.of(a, b));
        AtomicReference<@Nullable Integer> last = new AtomicReference<>();
        Thread waiter = Thread.ofVirtual().start(() -> last.set(ordered.get(1).join()));
        a.complete(1);
        Blocking.awaitBlocked(waiter); // the second place waits for the second completion
        b.complete(2);
        waiter.join();
        assertThat(last.get()).isEqualTo(2);
        assertThat(ordered.get(0).join()).isEqualTo(1);
    }

    @Test
    void inCompletionOrder_placesAreBoundByPositionNotByWhoWaitsFirst() throws Exception {
        CompletableFuture<String> a = new CompletableFuture<>();
        CompletableFuture<String> b = new CompletableFuture<>();
        List<CompletableFuture<String>> ordered = AsCompleted.inCompletionOrder(List.of(a, b));
        AtomicReference<@Nullable String> firstWaiterGot = new AtomicReference<>();
        Thread firstWaiter = Thread.ofVirtual().start(() -> firstWaiterGot.set(ordered.get(1).join()));
        Blocking.awaitBlocked(firstWaiter); // waits on the second place before anything completes
        b.complete("b");
        // asyncio's classic iterator would hand "b" to the first coroutine awaited; here it goes
        // to the first place, and the waiter on the second place keeps waiting.
        assertThat(ordered.get(0).getNow("pending")).isEqualTo("b");
        assertThat(ordered.get(1).isDone()).isFalse();
        a.complete("a");
        firstWaiter.join();
        assertThat(firstWaiterGot.get()).isEqualTo("a");
    }

    @Test
    void inCompletionOrder_cancelledPlace_passesTheOutcomeToTheNextPlace() {
        CompletableFuture<Integer> a = new CompletableFuture<>();
        CompletableFuture<Integer> b = new CompletableFuture<>();
        List<CompletableFuture<Integer>> ordered = AsCompleted.inCompletionOrder(List.of(a, b));
        ordered.get(0).cancel(true);
        a.complete(1);
        assertThat(ordered.get(1).join()).isEqualTo(1);
        b.complete(2); // no place left for it: dropped, nothing breaks
        assertThat(a.isCancelled()).isFalse();
    }

    @Test
    void inCompletionOrder_timeout_pendingPlacesFailWithTimeout() {
        CompletableFuture<Integer> a = CompletableFuture.completedFuture(1);
        CompletableFuture<Integer> b = new CompletableFuture<>();
        List<CompletableFuture<Integer>> ordered = AsCompleted.inCompletionOrder(List.of(b, a), Duration.ofMillis(10));
        assertThat(ordered.get(0).join()).isEqualTo(1);
        assertThatThrownBy(() -> ordered.get(1).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TimeoutException.class);
        assertThat(b.isDone()).isFalse();
    }
}
