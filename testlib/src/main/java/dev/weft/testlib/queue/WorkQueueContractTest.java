package dev.weft.testlib.queue;

import static dev.weft.testlib.Threads.failureOf;
import static dev.weft.testlib.Threads.inThread;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.core.queue.QueueEmptyException;
import dev.weft.core.queue.QueueFullException;
import dev.weft.core.queue.QueueShutDownException;
import dev.weft.core.queue.WorkQueue;
import dev.weft.testlib.Threads;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@link WorkQueue} contract as a test suite, run against every FIFO implementation at every
 * scale by a subclass in that implementation's tests (the JCTools {@code QueueSanityTest}
 * pattern): FIFO order, capacity, the blocking, timed, immediate and asynchronous forms in both
 * timeout styles, interrupts, cancellation, null rejection and {@code shutdown}.
 *
 * <p>A subclass supplies {@link #createQueue(int)}; it may override {@link #awaitBlocked(Thread)}
 * if its waiting threads do not show as {@code WAITING}/{@code TIMED_WAITING}. The suite uses only
 * the contract's methods and exceptions, so a new implementation (another process, another host)
 * runs it unchanged. Behaviour that only one implementation has (crash recovery, priority order,
 * ...) stays in that implementation's own tests. {@link JoinableQueueContractTest} adds
 * {@code taskDone}/{@code join}.
 *
 * <p>Rules followed here, as everywhere in Weft: no sleeps to order events (only latches, futures
 * and waits for a thread to block), every test has a timeout, and every concurrent test checks that
 * nothing was lost or duplicated.
 */
@Timeout(60)
public abstract class WorkQueueContractTest {

    private final List<WorkQueue<String>> opened = new ArrayList<>();

    /**
     * A new, empty FIFO queue holding at most {@code capacity} items. If it is
     * {@link AutoCloseable}, the suite closes it after the test.
     *
     * @param capacity a power of two from 1 to 64
     * @return the queue
     * @throws Exception if the queue cannot be created
     */
    protected abstract WorkQueue<String> createQueue(int capacity) throws Exception;





    /**
     * Waits until {@code t} is blocked in a queue operation. The default waits for
     * {@code WAITING}/{@code TIMED_WAITING}; override if the implementation's waiting threads can
     * show another state (e.g. a platform thread in a native wait shows {@code RUNNABLE}).
     */
    protected void awaitBlocked(Thread t) throws InterruptedException {
        Threads.awaitWaiting(t);
    }

    /**
     * A queue from {@link #createQueue(int)}, closed after the test.
     *
     * @param capacity the capacity
     * @return the queue
     * @throws Exception if the queue cannot be created
     */
    protected final WorkQueue<String> newQueue(int capacity) throws Exception {
        return opened(createQueue(capacity));
    }

    /**
     * Registers {@code q} to be closed after the test (if it is {@link AutoCloseable}).
     *
     * @param q the queue
     * @param <Q> the queue type
     * @return {@code q}
     */
    protected final <Q extends WorkQueue<String>> Q opened(Q q) {
        opened.add(q);
        return q;
    }

    @AfterEach
    void closeQueues() throws Exception {
        for (WorkQueue<String> q : opened) {
            if (q instanceof AutoCloseable closeable) {
                closeable.close();
            }
        }
        opened.clear();
    }

    // ---- order and capacity ------------------------------------------------------------------

    @Test
    void putThenGet_severalItems_comeOutInFifoOrder() throws Exception {
        WorkQueue<String> q = newQueue(8);
        for (int i = 0; i < 8; i++) {
            q.put("item" + i);
        }
        for (int i = 0; i < 8; i++) {
            assertThat(q.get()).isEqualTo("item" + i);
        }
    }

    @Test
    void putNowait_full_throwsFullAndKeepsContents() throws Exception {
        WorkQueue<String> q = newQueue(2);
        q.putNowait("a");
        q.putNowait("b");
        assertThat(q.size()).isEqualTo(2);
        assertThatThrownBy(() -> q.putNowait("c")).isInstanceOf(QueueFullException.class);
        assertThat(q.size()).isEqualTo(2);
        assertThat(q.getNowait()).isEqualTo("a");
        assertThat(q.getNowait()).isEqualTo("b");
    }

    @Test
    void getNowait_empty_throwsEmpty() throws Exception {
        WorkQueue<String> q = newQueue(2);
        assertThatThrownBy(q::getNowait).isInstanceOf(QueueEmptyException.class);
        assertThat(q.size()).isZero();
    }

    @Test
    void offer_fullUntilTimeout_returnsFalseAfterTheTimeoutAndPutsNothing() throws Exception {
        WorkQueue<String> q = newQueue(1);
        q.put("a");
        long start = System.nanoTime();
        assertThat(q.offer("b", Duration.ofMillis(30))).isFalse();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(30));
        assertThat(q.size()).isEqualTo(1);
        assertThat(q.offer("b", Duration.ZERO)).isFalse();
    }

    @Test
    void poll_emptyUntilTimeout_returnsNullAfterTheTimeout() throws Exception {
        WorkQueue<String> q = newQueue(1);
        long start = System.nanoTime();
        assertThat(q.poll(Duration.ofMillis(30))).isNull();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(30));
        assertThat(q.poll(Duration.ZERO)).isNull();
    }

    @Test
    void size_followsPutsAndGets() throws Exception {
        WorkQueue<String> q = newQueue(4);
        q.put("a");
        q.put("b");
        q.put("c");
        assertThat(q.size()).isEqualTo(3);
        q.get();
        assertThat(q.size()).isEqualTo(2);
    }

    // ---- blocking and interrupts ---------------------------------------------------------------

    @Test
    void get_blockedOnEmpty_returnsTheNextPut() throws Exception {
        WorkQueue<String> q = newQueue(2);
        AtomicReference<Thread> t = new AtomicReference<>();
        CompletableFuture<String> got = inThread(q::get, t);
        awaitBlocked(t.get());
        assertThat(got).isNotDone();
        q.put("x");
        assertThat(got.get(30, TimeUnit.SECONDS)).isEqualTo("x");
    }

    @Test
    void put_blockedOnFull_completesAfterATake() throws Exception {
        WorkQueue<String> q = newQueue(1);
        q.put("a");
        AtomicReference<Thread> t = new AtomicReference<>();
        CompletableFuture<Boolean> put = inThread(() -> {
            q.put("b");
            return true;
        }, t);
        awaitBlocked(t.get());
        assertThat(put).isNotDone();
        assertThat(q.get()).isEqualTo("a");
        assertThat(put.get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(q.get()).isEqualTo("b");
    }

    @Test
    void get_interruptedWhileWaiting_throwsInterruptedAndTakesNothing() throws Exception {
        WorkQueue<String> q = newQueue(2);
        AtomicReference<Thread> t = new AtomicReference<>();
        CompletableFuture<String> got = inThread(q::get, t);
        awaitBlocked(t.get());
        t.get().interrupt();
        assertThat(failureOf(got)).isInstanceOf(InterruptedException.class);
        q.put("kept");
        assertThat(q.getNowait()).isEqualTo("kept");
    }

    @Test
    void get_interruptedOnEntry_throwsInterruptedAndLeavesTheItem() throws Exception {
        WorkQueue<String> q = newQueue(2);
        q.put("kept");
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(q::get).isInstanceOf(InterruptedException.class);
        } finally {
            Thread.interrupted();
        }
        assertThat(q.getNowait()).isEqualTo("kept");
    }

    @Test
    void put_interruptedWhileWaiting_throwsInterruptedAndPutsNothing() throws Exception {
        WorkQueue<String> q = newQueue(1);
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
        assertThatThrownBy(q::getNowait).isInstanceOf(QueueEmptyException.class);
    }

    @Test
    void twoProducersTwoConsumers_everyItemExactlyOnceInEachProducersOrder() throws Exception {
        WorkQueue<String> q = newQueue(4);
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
                        mine.add(q.get());
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
        WorkQueue<String> q = newQueue(2);
        CompletableFuture<String> f = q.getAsync();
        assertThat(f).isNotDone();
        q.put("x");
        assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo("x");
    }

    @Test
    void getAsync_cancelledWhileWaiting_takesNothing() throws Exception {
        WorkQueue<String> q = newQueue(2);
        CompletableFuture<String> f = q.getAsync();
        assertThat(f.cancel(true)).isTrue();
        q.put("kept");
        assertThat(q.get()).isEqualTo("kept");
        assertThatThrownBy(q::getNowait).isInstanceOf(QueueEmptyException.class);
    }

    @Test
    void getAsync_cancelRacingAPut_neverLosesTheItem() throws Exception {
        WorkQueue<String> q = newQueue(4);
        for (int i = 0; i < 200; i++) {
            CompletableFuture<String> f = q.getAsync();
            q.put("item" + i);
            if (f.cancel(true)) {
                assertThat(q.get()).isEqualTo("item" + i);
            } else {
                assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo("item" + i);
            }
            assertThatThrownBy(q::getNowait).isInstanceOf(QueueEmptyException.class);
        }
    }

    @Test
    void putAsync_onFull_completesAfterATake_andACancelledOnePutsNothing() throws Exception {
        WorkQueue<String> q = newQueue(1);
        q.put("a");
        CompletableFuture<Void> put = q.putAsync("b");
        CompletableFuture<Void> cancelled = q.putAsync("never");
        assertThat(cancelled.cancel(true)).isTrue();
        assertThat(put).isNotDone();
        assertThat(q.get()).isEqualTo("a");
        put.get(30, TimeUnit.SECONDS);
        assertThat(q.get()).isEqualTo("b");
        assertThat(q.poll(Duration.ofMillis(30))).isNull();
    }

    // ---- taskDone and join --------------------------------------------------------------------

    @Test
    void shutdown_graceful_rejectsPutsAndDeliversRemainingItemsThenRejectsGets() throws Exception {
        WorkQueue<String> q = newQueue(4);
        q.put("a");
        q.put("b");
        q.shutdown(false);
        assertThatThrownBy(() -> q.put("c")).isInstanceOf(QueueShutDownException.class);
        assertThatThrownBy(() -> q.putNowait("c")).isInstanceOf(QueueShutDownException.class);
        assertThat(q.get()).isEqualTo("a");
        assertThat(q.getNowait()).isEqualTo("b");
        assertThatThrownBy(q::get).isInstanceOf(QueueShutDownException.class);
        assertThatThrownBy(q::getNowait).isInstanceOf(QueueShutDownException.class);
    }

    @Test
    void shutdown_wakesABlockedGetterWithShutDown() throws Exception {
        WorkQueue<String> q = newQueue(2);
        AtomicReference<Thread> t = new AtomicReference<>();
        CompletableFuture<String> got = inThread(q::get, t);
        awaitBlocked(t.get());
        q.shutdown(false);
        assertThat(failureOf(got)).isInstanceOf(QueueShutDownException.class);
    }

    @Test
    void shutdown_wakesABlockedPutterWithShutDown() throws Exception {
        WorkQueue<String> q = newQueue(1);
        q.put("a");
        AtomicReference<Thread> t = new AtomicReference<>();
        CompletableFuture<Boolean> put = inThread(() -> {
            q.put("b");
            return true;
        }, t);
        awaitBlocked(t.get());
        q.shutdown(false);
        assertThat(failureOf(put)).isInstanceOf(QueueShutDownException.class);
        assertThat(q.get()).isEqualTo("a");
    }

    // ---- the other forms of the contract --------------------------------------------------------

    @Test
    void offerAndPoll_immediate_returnSpecialValues() throws Exception {
        WorkQueue<String> q = newQueue(1);
        assertThat(q.poll()).isNull();
        assertThat(q.offer("a")).isTrue();
        assertThat(q.offer("b")).isFalse();
        assertThat(q.isFull()).isTrue();
        assertThat(q.poll()).isEqualTo("a");
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void timedForms_timeUnitAndDuration_bothPutAndGet() throws Exception {
        WorkQueue<String> q = newQueue(2);
        assertThat(q.offer("a", 1, TimeUnit.SECONDS)).isTrue();
        assertThat(q.offer("b", Duration.ofSeconds(1))).isTrue();
        assertThat(q.offer("c", 0, TimeUnit.SECONDS)).isFalse();
        assertThat(q.offer("c", -1, TimeUnit.SECONDS)).isFalse();
        assertThat(q.poll(1, TimeUnit.SECONDS)).isEqualTo("a");
        assertThat(q.poll(Duration.ofSeconds(1))).isEqualTo("b");
        assertThat(q.poll(0, TimeUnit.SECONDS)).isNull();
        assertThat(q.poll(Duration.ofNanos(-1))).isNull();
    }

    @Test
    void hugeTimeouts_doNotOverflow() throws Exception {
        WorkQueue<String> q = newQueue(1);
        assertThat(q.offer("a", Duration.ofSeconds(Long.MAX_VALUE))).isTrue();
        assertThat(q.poll(Long.MAX_VALUE, TimeUnit.DAYS)).isEqualTo("a");
        assertThat(q.offer("b", Duration.ofSeconds(Long.MIN_VALUE))).isTrue();
        assertThat(q.poll(Long.MIN_VALUE, TimeUnit.DAYS)).isEqualTo("b");
    }

    @Test
    void capacityAndSize_reportTheBoundAndTheContents() throws Exception {
        WorkQueue<String> q = newQueue(4);
        assertThat(q.capacity()).isEqualTo(4);
        assertThat(q.size()).isZero();
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.isFull()).isFalse();
        for (int i = 0; i < 4; i++) {
            q.putNowait("x" + i);
        }
        assertThat(q.size()).isEqualTo(4);
        assertThat(q.isFull()).isTrue();
        assertThat(q.isEmpty()).isFalse();
    }

    @Test
    void nullArguments_areRejectedAndChangeNothing() throws Exception {
        WorkQueue<String> q = newQueue(2);
        assertThatThrownBy(() -> q.put((String) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> q.offer((String) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> q.putNowait((String) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> q.putAsync((String) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> q.offer((String) null, Duration.ofSeconds(1))).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> q.offer("a", 1, (TimeUnit) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> q.poll((Duration) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> q.poll(1, (TimeUnit) null)).isInstanceOf(NullPointerException.class);
        assertThat(q.size()).isZero();
    }

    @Test
    void shutdown_noArgument_isGracefulAndReported() throws Exception {
        WorkQueue<String> q = newQueue(2);
        q.put("a");
        assertThat(q.isShutdown()).isFalse();
        q.shutdown();
        assertThat(q.isShutdown()).isTrue();
        assertThatThrownBy(() -> q.offer("b")).isInstanceOf(QueueShutDownException.class);
        assertThatThrownBy(() -> q.offer("b", Duration.ofSeconds(1))).isInstanceOf(QueueShutDownException.class);
        assertThat(failureOf(q.putAsync("b"))).isInstanceOf(QueueShutDownException.class);
        assertThat(q.poll()).isEqualTo("a");
        assertThatThrownBy(q::poll).isInstanceOf(QueueShutDownException.class);
        assertThatThrownBy(() -> q.poll(Duration.ofSeconds(1))).isInstanceOf(QueueShutDownException.class);
        assertThat(failureOf(q.getAsync())).isInstanceOf(QueueShutDownException.class);
    }

    @Test
    void shutdownImmediate_dropsQueuedItemsAndFailsGets() throws Exception {
        WorkQueue<String> q = newQueue(4);
        q.put("a");
        q.put("b");
        q.shutdown(true);
        assertThat(q.isShutdown()).isTrue();
        assertThatThrownBy(q::getNowait).isInstanceOf(QueueShutDownException.class);
        assertThatThrownBy(() -> q.put("c")).isInstanceOf(QueueShutDownException.class);
        assertThat(q.size()).isZero();
    }

    @Test
    void exceptions_areTheJdkKindsUsersCatch() throws Exception {
        WorkQueue<String> q = newQueue(1);
        assertThatThrownBy(q::getNowait).isInstanceOf(java.util.NoSuchElementException.class);
        q.putNowait("a");
        assertThatThrownBy(() -> q.putNowait("b")).isInstanceOf(IllegalStateException.class);
        q.shutdown();
        assertThatThrownBy(() -> q.putNowait("b")).isInstanceOf(IllegalStateException.class);
    }
}
