package dev.weft.testlib.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every Weft FIFO queue with Python {@code Queue} semantics shares, run against each
 * implementation by a subclass in that implementation's tests (the JCTools {@code QueueSanityTest}
 * pattern): FIFO order, capacity, the blocking, timed, immediate and asynchronous forms,
 * interrupts, {@code taskDone}/{@code join}, and {@code shutdown}.
 *
 * <p>A subclass supplies {@link #newQueue(int)} and the implementation's exception classes; it may
 * override {@link #awaitBlocked(Thread)} if its waiting threads do not show as
 * {@code WAITING}/{@code TIMED_WAITING}. Behaviour that only one implementation has (crash recovery,
 * priority order, ...) stays in that implementation's own tests.
 *
 * <p>Rules followed here, as everywhere in Weft: no sleeps to order events (only latches, futures
 * and waits for a thread to block), every test has a timeout, and every concurrent test checks that
 * nothing was lost or duplicated.
 */
@Timeout(60)
public abstract class QueueContractTest {

    private final List<ContractQueue> opened = new ArrayList<>();

    /**
     * A new, empty queue holding at most {@code capacity} items.
     *
     * @param capacity a power of two from 1 to 64
     */
    protected abstract ContractQueue createQueue(int capacity) throws Exception;

    /** The exception {@code putNowait} throws when full (Python {@code QueueFull}). */
    protected abstract Class<? extends Throwable> fullException();

    /** The exception {@code getNowait} throws when empty (Python {@code QueueEmpty}). */
    protected abstract Class<? extends Throwable> emptyException();

    /** The exception puts and gets throw after shutdown (Python {@code QueueShutDown}). */
    protected abstract Class<? extends Throwable> shutDownException();

    /** The exception of a {@code taskDone} without a pending task (Python {@code ValueError}). */
    protected abstract Class<? extends Throwable> taskDoneTooManyException();

    /**
     * Waits until {@code t} is blocked in a queue operation. The default waits for
     * {@code WAITING}/{@code TIMED_WAITING}; override if the implementation's waiting threads can
     * show another state (e.g. a platform thread in a native wait shows {@code RUNNABLE}).
     */
    protected void awaitBlocked(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("thread did not block: " + t + " " + t.getState());
            }
            LockSupport.parkNanos(1_000_000); // polls the state; orders nothing
        }
    }

    private ContractQueue newQueue(int capacity) throws Exception {
        ContractQueue q = createQueue(capacity);
        opened.add(q);
        return q;
    }

    @AfterEach
    void closeQueues() throws Exception {
        for (ContractQueue q : opened) {
            q.close();
        }
    }

    /** Runs {@code body} on a new platform thread; the future holds its outcome. */
    private static <T> CompletableFuture<T> inThread(ThrowingSupplier<T> body, AtomicReference<Thread> thread) {
        CompletableFuture<T> f = new CompletableFuture<>();
        thread.set(Thread.ofPlatform().start(() -> {
            try {
                f.complete(body.get());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }));
        return f;
    }

    @FunctionalInterface
    private interface ThrowingSupplier<T> {
        T get() throws Exception;
    }

    private static Throwable failureOf(CompletableFuture<?> f) throws InterruptedException {
        try {
            f.get(30, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, got a result");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no outcome within 30 s", e);
        }
    }

    // ---- order and capacity ------------------------------------------------------------------

    @Test
    void putThenTake_severalItems_comeOutInFifoOrder() throws Exception {
        ContractQueue q = newQueue(8);
        for (int i = 0; i < 8; i++) {
            q.put("item" + i);
        }
        for (int i = 0; i < 8; i++) {
            assertThat(q.take()).isEqualTo("item" + i);
        }
    }

    @Test
    void putNowait_full_throwsFullAndKeepsContents() throws Exception {
        ContractQueue q = newQueue(2);
        q.putNowait("a");
        q.putNowait("b");
        assertThat(q.qsize()).isEqualTo(2);
        assertThatThrownBy(() -> q.putNowait("c")).isInstanceOf(fullException());
        assertThat(q.qsize()).isEqualTo(2);
        assertThat(q.getNowait()).isEqualTo("a");
        assertThat(q.getNowait()).isEqualTo("b");
    }

    @Test
    void getNowait_empty_throwsEmpty() throws Exception {
        ContractQueue q = newQueue(2);
        assertThatThrownBy(q::getNowait).isInstanceOf(emptyException());
        assertThat(q.qsize()).isZero();
    }

    @Test
    void offer_fullUntilTimeout_returnsFalseAfterTheTimeoutAndPutsNothing() throws Exception {
        ContractQueue q = newQueue(1);
        q.put("a");
        long start = System.nanoTime();
        assertThat(q.offer("b", Duration.ofMillis(30))).isFalse();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(30));
        assertThat(q.qsize()).isEqualTo(1);
        assertThat(q.offer("b", Duration.ZERO)).isFalse();
    }

    @Test
    void poll_emptyUntilTimeout_returnsNullAfterTheTimeout() throws Exception {
        ContractQueue q = newQueue(1);
        long start = System.nanoTime();
        assertThat(q.poll(Duration.ofMillis(30))).isNull();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(30));
        assertThat(q.poll(Duration.ZERO)).isNull();
    }

    @Test
    void qsize_followsPutsAndTakes() throws Exception {
        ContractQueue q = newQueue(4);
        q.put("a");
        q.put("b");
        q.put("c");
        assertThat(q.qsize()).isEqualTo(3);
        q.take();
        assertThat(q.qsize()).isEqualTo(2);
    }

    // ---- blocking and interrupts ---------------------------------------------------------------

    @Test
    void take_blockedOnEmpty_returnsTheNextPut() throws Exception {
        ContractQueue q = newQueue(2);
        AtomicReference<Thread> t = new AtomicReference<>();
        CompletableFuture<String> got = inThread(q::take, t);
        awaitBlocked(t.get());
        assertThat(got).isNotDone();
        q.put("x");
        assertThat(got.get(30, TimeUnit.SECONDS)).isEqualTo("x");
    }

    @Test
    void put_blockedOnFull_completesAfterATake() throws Exception {
        ContractQueue q = newQueue(1);
        q.put("a");
        AtomicReference<Thread> t = new AtomicReference<>();
        CompletableFuture<Boolean> put = inThread(() -> {
            q.put("b");
            return true;
        }, t);
        awaitBlocked(t.get());
        assertThat(put).isNotDone();
        assertThat(q.take()).isEqualTo("a");
        assertThat(put.get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(q.take()).isEqualTo("b");
    }

    @Test
    void take_interruptedWhileWaiting_throwsInterruptedAndTakesNothing() throws Exception {
        ContractQueue q = newQueue(2);
        AtomicReference<Thread> t = new AtomicReference<>();
        CompletableFuture<String> got = inThread(q::take, t);
        awaitBlocked(t.get());
        t.get().interrupt();
        assertThat(failureOf(got)).isInstanceOf(InterruptedException.class);
        q.put("kept");
        assertThat(q.getNowait()).isEqualTo("kept");
    }

    @Test
    void take_interruptedOnEntry_throwsInterruptedAndLeavesTheItem() throws Exception {
        ContractQueue q = newQueue(2);
        q.put("kept");
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(q::take).isInstanceOf(InterruptedException.class);
        } finally {
            Thread.interrupted();
        }
        assertThat(q.getNowait()).isEqualTo("kept");
    }

    @Test
    void put_interruptedWhileWaiting_throwsInterruptedAndPutsNothing() throws Exception {
        ContractQueue q = newQueue(1);
        q.put("a");
        AtomicReference<Thread> t = new AtomicReference<>();
        CompletableFuture<Boolean> put = inThread(() -> {
            q.put("b");
            return true;
        }, t);
        awaitBlocked(t.get());
        t.get().interrupt();
        assertThat(failureOf(put)).isInstanceOf(InterruptedException.class);
        assertThat(q.getNowait()).isEqualTo("a");
        assertThatThrownBy(q::getNowait).isInstanceOf(emptyException());
    }

    @Test
    void twoProducersTwoConsumers_everyItemExactlyOnceInEachProducersOrder() throws Exception {
        ContractQueue q = newQueue(4);
        int perProducer = 5_000;
        List<List<String>> seen = List.of(new ArrayList<>(), new ArrayList<>());
        CountDownLatch consumed = new CountDownLatch(2);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            String id = "p" + p;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < perProducer; i++) {
                        q.put(id + ":" + i);
                    }
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }));
        }
        for (int c = 0; c < 2; c++) {
            List<String> mine = seen.get(c);
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < perProducer; i++) {
                        mine.add(q.take());
                    }
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                } finally {
                    consumed.countDown();
                }
            }));
        }
        assertThat(consumed.await(50, TimeUnit.SECONDS)).isTrue();
        for (Thread t : threads) {
            t.join();
        }
        Set<String> all = new HashSet<>();
        for (List<String> list : seen) {
            int[] last = {-1, -1};
            for (String item : list) {
                int producer = item.charAt(1) - '0';
                int seq = Integer.parseInt(item.substring(3));
                assertThat(seq).as("order of producer %s seen by one consumer", producer).isGreaterThan(last[producer]);
                last[producer] = seq;
                assertThat(all.add(item)).as("duplicate %s", item).isTrue();
            }
        }
        assertThat(all).hasSize(2 * perProducer);
    }

    // ---- asynchronous forms -------------------------------------------------------------------

    @Test
    void getAsync_waitingOnEmpty_completesWithTheNextPut() throws Exception {
        ContractQueue q = newQueue(2);
        CompletableFuture<String> f = q.getAsync();
        assertThat(f).isNotDone();
        q.put("x");
        assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo("x");
    }

    @Test
    void getAsync_cancelledWhileWaiting_takesNothing() throws Exception {
        ContractQueue q = newQueue(2);
        CompletableFuture<String> f = q.getAsync();
        assertThat(f.cancel(true)).isTrue();
        q.put("kept");
        assertThat(q.take()).isEqualTo("kept");
        assertThatThrownBy(q::getNowait).isInstanceOf(emptyException());
    }

    @Test
    void getAsync_cancelRacingAPut_neverLosesTheItem() throws Exception {
        ContractQueue q = newQueue(4);
        for (int i = 0; i < 200; i++) {
            CompletableFuture<String> f = q.getAsync();
            q.put("item" + i);
            if (f.cancel(true)) {
                assertThat(q.take()).isEqualTo("item" + i);
            } else {
                assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo("item" + i);
            }
            assertThatThrownBy(q::getNowait).isInstanceOf(emptyException());
        }
    }

    @Test
    void putAsync_onFull_completesAfterATake_andACancelledOnePutsNothing() throws Exception {
        ContractQueue q = newQueue(1);
        q.put("a");
        CompletableFuture<Void> put = q.putAsync("b");
        CompletableFuture<Void> cancelled = q.putAsync("never");
        assertThat(cancelled.cancel(true)).isTrue();
        assertThat(put).isNotDone();
        assertThat(q.take()).isEqualTo("a");
        put.get(30, TimeUnit.SECONDS);
        assertThat(q.take()).isEqualTo("b");
        assertThat(q.poll(Duration.ofMillis(30))).isNull();
    }

    // ---- taskDone and join --------------------------------------------------------------------

    @Test
    void join_nothingUnfinished_returnsAtOnce() throws Exception {
        ContractQueue q = newQueue(2);
        q.join();
        assertThat(q.joinAsync().get(30, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void join_waitsUntilEveryItemTakenIsMarkedDone() throws Exception {
        ContractQueue q = newQueue(4);
        q.put("a");
        q.put("b");
        CompletableFuture<Void> joined = q.joinAsync();
        q.take();
        q.take();
        q.taskDone();
        assertThat(joined).isNotDone();
        q.taskDone();
        joined.get(30, TimeUnit.SECONDS);
        q.join();
    }

    @Test
    void join_blockedThread_returnsAfterTheLastTaskDone() throws Exception {
        ContractQueue q = newQueue(2);
        q.put("a");
        AtomicReference<Thread> t = new AtomicReference<>();
        CompletableFuture<Boolean> joined = inThread(() -> {
            q.join();
            return true;
        }, t);
        awaitBlocked(t.get());
        assertThat(joined).isNotDone();
        q.take();
        q.taskDone();
        assertThat(joined.get(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void taskDone_moreThanTaken_throws() throws Exception {
        ContractQueue q = newQueue(2);
        q.put("a");
        q.take();
        q.taskDone();
        assertThatThrownBy(q::taskDone).isInstanceOf(taskDoneTooManyException());
    }

    // ---- shutdown -----------------------------------------------------------------------------

    @Test
    void shutdown_graceful_rejectsPutsAndDeliversRemainingItemsThenRejectsGets() throws Exception {
        ContractQueue q = newQueue(4);
        q.put("a");
        q.put("b");
        q.shutdown(false);
        assertThatThrownBy(() -> q.put("c")).isInstanceOf(shutDownException());
        assertThatThrownBy(() -> q.putNowait("c")).isInstanceOf(shutDownException());
        assertThat(q.take()).isEqualTo("a");
        assertThat(q.getNowait()).isEqualTo("b");
        assertThatThrownBy(q::take).isInstanceOf(shutDownException());
        assertThatThrownBy(q::getNowait).isInstanceOf(shutDownException());
    }

    @Test
    void shutdown_wakesABlockedGetterWithShutDown() throws Exception {
        ContractQueue q = newQueue(2);
        AtomicReference<Thread> t = new AtomicReference<>();
        CompletableFuture<String> got = inThread(q::take, t);
        awaitBlocked(t.get());
        q.shutdown(false);
        assertThat(failureOf(got)).isInstanceOf(shutDownException());
    }

    @Test
    void shutdown_wakesABlockedPutterWithShutDown() throws Exception {
        ContractQueue q = newQueue(1);
        q.put("a");
        AtomicReference<Thread> t = new AtomicReference<>();
        CompletableFuture<Boolean> put = inThread(() -> {
            q.put("b");
            return true;
        }, t);
        awaitBlocked(t.get());
        q.shutdown(false);
        assertThat(failureOf(put)).isInstanceOf(shutDownException());
        assertThat(q.take()).isEqualTo("a");
    }

    @Test
    void shutdownImmediate_dropsQueuedItems_getsFail_joinWaitsOnlyForTakenItems() throws Exception {
        ContractQueue q = newQueue(4);
        q.put("a");
        q.put("b");
        q.put("c");
        q.take();
        q.shutdown(true);
        assertThatThrownBy(q::take).isInstanceOf(shutDownException());
        assertThatThrownBy(() -> q.put("d")).isInstanceOf(shutDownException());
        CompletableFuture<Void> joined = q.joinAsync();
        assertThat(joined).isNotDone();
        q.taskDone();
        joined.get(30, TimeUnit.SECONDS);
        assertThatThrownBy(q::taskDone).isInstanceOf(taskDoneTooManyException());
    }
}
