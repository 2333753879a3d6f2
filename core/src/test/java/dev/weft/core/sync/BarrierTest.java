package dev.weft.core.sync;

import static dev.weft.core.sync.SyncTesting.awaitParked;
import static dev.weft.core.sync.SyncTesting.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.core.sync.SyncTesting.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Behaviours of {@link Barrier}, after CPython's {@code test_locks.BarrierTests}. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BarrierTest {

    @Test
    void constructor_fewerThanOneParty_throws() {
        assertThatThrownBy(() -> new Barrier(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(">= 1")
                .hasMessageContaining("0");
    }

    @Test
    void newBarrier_isEmptyAndNotBroken() {
        Barrier barrier = new Barrier(3);

        assertThat(barrier.parties()).isEqualTo(3);
        assertThat(barrier.waiterCount()).isZero();
        assertThat(barrier.isBroken()).isFalse();
        assertThat(barrier).hasToString("Barrier[parties=3, waiting=0]");
    }

    @Test
    void await_singleParty_passesAtOnceWithIndexZero() throws Exception {
        Barrier barrier = new Barrier(1);

        assertThat(barrier.await()).isZero();
        assertThat(barrier.awaitAsync()).isCompletedWithValue(0);
        assertThat(barrier.await(Duration.ZERO)).isZero();
    }

    // ---- tripping (test_barrier, test_barrier_parties, test_wait_return_index)

    @Test
    void await_lastArrival_releasesEveryoneWithArrivalIndexes() throws Exception {
        Barrier barrier = new Barrier(3);
        CompletableFuture<Integer> first = barrier.awaitAsync();
        CompletableFuture<Integer> second = barrier.awaitAsync();
        assertThat(barrier.waiterCount()).isEqualTo(2);
        assertThat(barrier.hasWaiters()).isTrue();
        assertThat(first).isNotDone();

        int last = barrier.await();

        assertThat(last).isEqualTo(2);
        assertThat(first).isCompletedWithValue(0);
        assertThat(second).isCompletedWithValue(1);
        assertThat(barrier.waiterCount()).isZero();
        assertThat(barrier.hasWaiters()).isFalse();
    }

    @Test
    void await_blockingThreads_eachGetADistinctIndex() throws Exception {
        Barrier barrier = new Barrier(3);
        List<Worker<Integer>> workers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            workers.add(Worker.start("party-" + i, barrier::await));
        }
        Set<Integer> indexes = new HashSet<>();
        for (Worker<Integer> w : workers) {
            indexes.add(w.get());
        }

        assertThat(indexes).containsExactlyInAnyOrder(0, 1, 2);
    }

    @Test
    void barrier_isReusableCycleAfterCycle() throws Exception {
        Barrier barrier = new Barrier(2);
        for (int cycle = 0; cycle < 5; cycle++) {
            CompletableFuture<Integer> first = barrier.awaitAsync();
            assertThat(barrier.awaitAsync()).isCompletedWithValue(1);
            assertThat(first).isCompletedWithValue(0);
        }
        assertThat(barrier.waiterCount()).isZero();
    }

    @Test
    void arrivalsAfterATrip_belongToTheNextCycle() throws Exception {
        Barrier barrier = new Barrier(2);
        Worker<Integer> slow = Worker.start("slow", barrier::await);
        eventually("slow waits", () -> barrier.waiterCount() == 1);
        assertThat(barrier.await()).isEqualTo(1);

        CompletableFuture<Integer> next = barrier.awaitAsync();   // whether or not 'slow' has resumed

        assertThat(next).isNotDone();
        assertThat(barrier.waiterCount()).isEqualTo(1);
        assertThat(slow.get()).isZero();
        assertThat(barrier.awaitAsync()).isCompletedWithValue(1);
        assertThat(next).isCompletedWithValue(0);
    }

    // ---- abort and reset (test_abort_barrier, test_reset_barrier, ..._when_exception_then_resetting)

    @Test
    void abort_failsWaitingPartiesAndLaterArrivalsUntilReset() throws Exception {
        Barrier barrier = new Barrier(3);
        CompletableFuture<Integer> waiting = barrier.awaitAsync();
        Worker<Integer> blocked = Worker.start("blocked", barrier::await);
        eventually("two wait", () -> barrier.waiterCount() == 2);

        barrier.abort();

        assertThat(barrier.isBroken()).isTrue();
        assertThat(barrier).hasToString("Barrier[parties=3, broken]");
        assertThatThrownBy(waiting::join).hasCauseInstanceOf(BrokenBarrierException.class);
        assertThatThrownBy(blocked::get).hasCauseInstanceOf(BrokenBarrierException.class)
                .cause().hasMessageContaining("aborted");
        assertThatThrownBy(barrier::await).isInstanceOf(BrokenBarrierException.class).hasMessage("Barrier aborted");
        assertThatThrownBy(barrier.awaitAsync()::join).hasCauseInstanceOf(BrokenBarrierException.class);
        assertThat(barrier.waiterCount()).isZero();

        barrier.reset();

        assertThat(barrier.isBroken()).isFalse();
        CompletableFuture<Integer> a = barrier.awaitAsync();
        CompletableFuture<Integer> b = barrier.awaitAsync();
        assertThat(barrier.awaitAsync()).isCompletedWithValue(2);
        assertThat(a).isCompletedWithValue(0);
        assertThat(b).isCompletedWithValue(1);
    }

    @Test
    void reset_failsWaitingPartiesAndLeavesTheBarrierUsable() throws Exception {
        Barrier barrier = new Barrier(2);
        CompletableFuture<Integer> waiting = barrier.awaitAsync();

        barrier.reset();

        assertThatThrownBy(waiting::join).hasCauseInstanceOf(BrokenBarrierException.class)
                .cause().hasMessageContaining("reset");
        assertThat(barrier.isBroken()).isFalse();
        assertThat(barrier.waiterCount()).isZero();
        CompletableFuture<Integer> again = barrier.awaitAsync();
        assertThat(barrier.awaitAsync()).isCompletedWithValue(1);
        assertThat(again).isCompletedWithValue(0);
    }

    @Test
    void abort_afterTrip_doesNotAffectTheReleasedCycle() throws Exception {
        Barrier barrier = new Barrier(2);
        CompletableFuture<Integer> first = barrier.awaitAsync();
        assertThat(barrier.awaitAsync()).isCompletedWithValue(1);

        barrier.abort();

        assertThat(first).isCompletedWithValue(0);
    }

    // ---- leaving without breaking (test_filling_tasks_cancel_one)

    @Test
    void cancelledParty_leavesWithoutBreakingTheBarrier() throws Exception {
        Barrier barrier = new Barrier(3);
        CompletableFuture<Integer> leaver = barrier.awaitAsync();
        CompletableFuture<Integer> stayer = barrier.awaitAsync();

        assertThat(leaver.cancel(false)).isTrue();

        assertThat(barrier.waiterCount()).isEqualTo(1);
        assertThat(barrier.isBroken()).isFalse();
        CompletableFuture<Integer> third = barrier.awaitAsync();
        assertThat(third).as("two of three").isNotDone();
        assertThat(barrier.awaitAsync()).isCompletedWithValue(2);
        assertThat(stayer).isCompletedWithValue(0);
        assertThat(third).as("indexes stay unique after a party left").isCompletedWithValue(1);
    }

    @Test
    void interruptedParty_leavesWithoutBreakingTheBarrier() throws Exception {
        Barrier barrier = new Barrier(2);
        Worker<String> party = Worker.start("party", () -> {
            try {
                return "index " + barrier.await();
            } catch (InterruptedException e) {
                return "interrupted, flag=" + Thread.currentThread().isInterrupted();
            }
        });
        eventually("waits", () -> barrier.waiterCount() == 1);
        awaitParked(party.thread);

        party.thread.interrupt();

        assertThat(party.get()).isEqualTo("interrupted, flag=false");
        assertThat(barrier.waiterCount()).isZero();
        assertThat(barrier.isBroken()).isFalse();
    }

    @Test
    void await_interruptedOnEntry_throwsWithoutArriving() {
        Barrier barrier = new Barrier(2);
        Thread.currentThread().interrupt();

        assertThatThrownBy(barrier::await).isInstanceOf(InterruptedException.class);
        assertThat(barrier.waiterCount()).isZero();
    }

    @Test
    void await_withTimeout_leavesWithoutBreaking() throws Exception {
        Barrier barrier = new Barrier(2);

        assertThatThrownBy(() -> barrier.await(Duration.ofMillis(20)))
                .isInstanceOf(TimeoutException.class)
                .hasMessageContaining("Barrier did not trip");

        assertThat(barrier.waiterCount()).isZero();
        assertThat(barrier.isBroken()).isFalse();
    }

    @Test
    void await_withZeroTimeout_pollsAndTripsOnlyIfLast() throws Exception {
        Barrier barrier = new Barrier(2);
        assertThatThrownBy(() -> barrier.await(Duration.ZERO)).isInstanceOf(TimeoutException.class);
        assertThat(barrier.waiterCount()).isZero();

        CompletableFuture<Integer> first = barrier.awaitAsync();
        assertThat(barrier.await(Duration.ZERO)).isEqualTo(1);
        assertThat(first).isCompletedWithValue(0);
    }

    @Test
    void await_withTimeout_trippedInTime_returnsTheIndex() throws Exception {
        Barrier barrier = new Barrier(2);
        Worker<Integer> party = Worker.start("party", () -> barrier.await(Duration.ofSeconds(20)));
        eventually("waits", () -> barrier.waiterCount() == 1);

        assertThat(barrier.await()).isEqualTo(1);
        assertThat(party.get()).isZero();
    }

    @Test
    void interruptRacingWithTheTrip_eitherPassesWithInterruptOrLeaves() throws Exception {
        for (int round = 0; round < 300; round++) {
            Barrier barrier = new Barrier(2);
            Worker<String> party = Worker.start("party", () -> {
                try {
                    int index = barrier.await();
                    return "passed " + index;
                } catch (InterruptedException e) {
                    return "left";
                }
            });
            eventually("waits", () -> barrier.waiterCount() == 1);
            party.thread.interrupt();
            CompletableFuture<Integer> last = barrier.awaitAsync();
            String outcome = party.get();
            if (outcome.equals("left")) {
                assertThat(last).as("round %d: the other party left first", round).isNotDone();
                assertThat(barrier.waiterCount()).isEqualTo(1);
            } else {
                assertThat(outcome).isEqualTo("passed 0");
                assertThat(last).isCompletedWithValue(1);
                assertThat(barrier.waiterCount()).isZero();
            }
        }
    }

    // ---- load

    @Test
    void manyCycles_onVirtualThreads_everyCycleHasEveryIndexOnce() throws Exception {
        int parties = 4;
        int cycles = 200;
        Barrier barrier = new Barrier(parties);
        AtomicIntegerArray seen = new AtomicIntegerArray(parties);
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int p = 0; p < parties; p++) {
                futures.add(executor.submit(() -> {
                    threads.add(Thread.currentThread());
                    for (int c = 0; c < cycles; c++) {
                        seen.incrementAndGet(barrier.await());
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        for (int i = 0; i < parties; i++) {
            assertThat(seen.get(i)).as("index %d", i).isEqualTo(cycles);
        }
        assertThat(threads).hasSize(parties);
    }

    @Test
    void await_timeUnitForm_tripsOrTimesOutLikeTheDurationForm() throws Exception {
        Barrier barrier = new Barrier(2);
        assertThatThrownBy(() -> barrier.await(10, java.util.concurrent.TimeUnit.MILLISECONDS))
                .isInstanceOf(java.util.concurrent.TimeoutException.class);
        assertThat(barrier.isBroken()).isFalse();
        assertThat(barrier.waiterCount()).isZero();
        CompletableFuture<Integer> first = barrier.awaitAsync();
        assertThat(barrier.await(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(first).isCompletedWithValue(0);
    }
}
