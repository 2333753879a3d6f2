package dev.weft.testlib.sync;

import static dev.weft.testlib.Threads.failureOf;
import static dev.weft.testlib.Threads.inThread;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.core.sync.PartyBarrier;
import dev.weft.testlib.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@link PartyBarrier} contract as a test suite, run against every Weft barrier at every scale by
 * a subclass in that implementation's tests: trips with unique arrival indexes, cycles, the blocking,
 * timed (both styles, zero timeout) and asynchronous forms, abort, reset, the broken state, and
 * parties that leave on interrupt, timeout or cancellation without breaking the barrier.
 *
 * <p>A subclass supplies {@link #createBarrier(int)}; it may override {@link #awaitBlocked(Thread)}.
 * Every party is alive throughout; what a dead party does stays in the implementation's own tests.
 */
@Timeout(60)
public abstract class PartyBarrierContractTest {

    /**
     * A new, intact barrier for {@code parties} parties.
     *
     * @param parties the parties, 1 to 4
     * @return the barrier
     * @throws Exception if it cannot be created
     */
    protected abstract PartyBarrier createBarrier(int parties) throws Exception;

    /**
     * Waits until {@code t} is blocked in a barrier operation. The default waits for
     * {@code WAITING}/{@code TIMED_WAITING}.
     *
     * @param t the thread
     * @throws InterruptedException if interrupted
     */
    protected void awaitBlocked(Thread t) throws InterruptedException {
        Threads.awaitWaiting(t);
    }

    /** Polls a snapshot until it reaches {@code expected} (30 s at most); orders nothing. */
    private static void awaitValue(IntSupplier snapshot, int expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (snapshot.getAsInt() != expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + expected + " but was " + snapshot.getAsInt());
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    private CompletableFuture<Integer> arrive(PartyBarrier b) throws InterruptedException {
        AtomicReference<Thread> t = new AtomicReference<>();
        CompletableFuture<Integer> f = inThread(b::await, t);
        awaitBlocked(t.get());
        return f;
    }

    @Test
    void parties_tripTogether_withUniqueIndexes_cycleAfterCycle() throws Exception {
        PartyBarrier b = createBarrier(3);
        assertThat(b.parties()).isEqualTo(3);
        for (int cycle = 0; cycle < 2; cycle++) {
            CompletableFuture<Integer> first = arrive(b);
            awaitValue(b::waiterCount, 1);
            CompletableFuture<Integer> second = arrive(b);
            awaitValue(b::waiterCount, 2);
            assertThat(first).isNotDone();
            int last = b.await();
            TreeSet<Integer> indexes = new TreeSet<>(List.of(first.get(30, TimeUnit.SECONDS),
                    second.get(30, TimeUnit.SECONDS), last));
            assertThat(last).isEqualTo(2);
            assertThat(indexes).containsExactly(0, 1, 2);
            assertThat(first.get()).isZero();
            assertThat(b.waiterCount()).isZero();
            assertThat(b.isBroken()).isFalse();
        }
    }

    @Test
    void oneParty_passesAtOnce() throws Exception {
        PartyBarrier b = createBarrier(1);
        assertThat(b.await()).isZero();
        assertThat(b.await(Duration.ZERO)).isZero();
        assertThat(b.awaitAsync().get(30, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void abort_failsWaitersAndLaterArrivals_untilReset() throws Exception {
        PartyBarrier b = createBarrier(2);
        CompletableFuture<Integer> waiting = arrive(b);
        awaitValue(b::waiterCount, 1);
        b.abort();
        assertThat(failureOf(waiting)).isInstanceOf(BrokenBarrierException.class);
        assertThat(b.isBroken()).isTrue();
        assertThatThrownBy(b::await).isInstanceOf(BrokenBarrierException.class);
        assertThat(failureOf(b.awaitAsync())).isInstanceOf(BrokenBarrierException.class);
        b.reset();
        assertThat(b.isBroken()).isFalse();
        CompletableFuture<Integer> again = arrive(b);
        awaitValue(b::waiterCount, 1);
        assertThat(b.await()).isEqualTo(1);
        assertThat(again.get(30, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void reset_failsWaiters_andLeavesTheBarrierUsable() throws Exception {
        PartyBarrier b = createBarrier(2);
        CompletableFuture<Integer> waiting = arrive(b);
        awaitValue(b::waiterCount, 1);
        b.reset();
        assertThat(failureOf(waiting)).isInstanceOf(BrokenBarrierException.class);
        assertThat(b.isBroken()).isFalse();
        assertThat(b.waiterCount()).isZero();
        CompletableFuture<Integer> next = arrive(b);
        awaitValue(b::waiterCount, 1);
        assertThat(b.await(30, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(next.get(30, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void timeout_leavesWithoutBreaking_inBothStyles() throws Exception {
        PartyBarrier b = createBarrier(2);
        long start = System.nanoTime();
        assertThatThrownBy(() -> b.await(Duration.ofMillis(20))).isInstanceOf(TimeoutException.class);
        assertThatThrownBy(() -> b.await(20, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(40));
        assertThat(b.isBroken()).isFalse();
        assertThat(b.waiterCount()).isZero();
        CompletableFuture<Integer> other = arrive(b);
        awaitValue(b::waiterCount, 1);
        assertThat(b.await(Duration.ZERO)).as("a zero timeout succeeds when it trips").isEqualTo(1);
        assertThat(other.get(30, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void zeroOrNegativeTimeout_withoutTrip_failsWithoutArriving() throws Exception {
        PartyBarrier b = createBarrier(2);
        assertThatThrownBy(() -> b.await(Duration.ZERO)).isInstanceOf(TimeoutException.class);
        assertThatThrownBy(() -> b.await(-1, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
        assertThat(b.waiterCount()).isZero();
        assertThat(b.isBroken()).isFalse();
    }

    @Test
    void interrupt_onEntryOrWhileWaiting_leavesWithoutBreaking() throws Exception {
        PartyBarrier b = createBarrier(2);
        Thread.currentThread().interrupt();
        assertThatThrownBy(b::await).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
        assertThat(b.waiterCount()).isZero();
        AtomicReference<Thread> t = new AtomicReference<>();
        CompletableFuture<Integer> waiting = inThread(b::await, t);
        awaitBlocked(t.get());
        awaitValue(b::waiterCount, 1);
        t.get().interrupt();
        assertThat(failureOf(waiting)).isInstanceOf(InterruptedException.class);
        assertThat(b.waiterCount()).isZero();
        assertThat(b.isBroken()).isFalse();
    }

    @Test
    void awaitAsync_completesAtTheTrip_andCancelledLeaves() throws Exception {
        PartyBarrier b = createBarrier(2);
        CompletableFuture<Integer> cancelled = b.awaitAsync();
        awaitValue(b::waiterCount, 1);
        assertThat(cancelled.cancel(true)).isTrue();
        awaitValue(b::waiterCount, 0);
        assertThat(b.isBroken()).isFalse();
        CompletableFuture<Integer> async = b.awaitAsync();
        awaitValue(b::waiterCount, 1);
        assertThat(b.await()).isEqualTo(1);
        assertThat(async.get(30, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void manyCycles_manyThreads_everyCycleHasEveryIndexOnce() throws Exception {
        int parties = 3;
        int cycles = 50;
        PartyBarrier b = createBarrier(parties);
        List<CompletableFuture<List<Integer>>> all = new ArrayList<>();
        for (int p = 0; p < parties; p++) {
            all.add(inThread(() -> {
                List<Integer> mine = new ArrayList<>();
                for (int c = 0; c < cycles; c++) {
                    mine.add(b.await(Duration.ofSeconds(30)));
                }
                return mine;
            }, new AtomicReference<>()));
        }
        List<List<Integer>> results = new ArrayList<>();
        for (CompletableFuture<List<Integer>> f : all) {
            results.add(f.get(60, TimeUnit.SECONDS));
        }
        for (int c = 0; c < cycles; c++) {
            TreeSet<Integer> indexes = new TreeSet<>();
            for (List<Integer> r : results) {
                indexes.add(r.get(c));
            }
            assertThat(indexes).as("cycle " + c).containsExactly(0, 1, 2);
        }
        assertThat(b.waiterCount()).isZero();
    }

    @Test
    void nullTimeouts_areRejected() throws Exception {
        PartyBarrier b = createBarrier(2);
        assertThatThrownBy(() -> b.await((Duration) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> b.await(1, null)).isInstanceOf(NullPointerException.class);
        assertThat(b.waiterCount()).isZero();
    }
}
