package dev.weft.core.queue;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Behaviour of {@link AsyncQueue}, including ports of CPython's {@code test_queues.py} (named by
 * behaviour). Concurrent tests order events with latches and by waiting until a waiter is linked
 * ({@link AsyncQueue#waitingGetters()} and friends), never with sleeps.
 */
@Timeout(value = 30, unit = SECONDS)
class AsyncQueueTest {

    // ------------------------------------------------------------------------------------------
    // Helpers
    // ------------------------------------------------------------------------------------------

    /** Runs {@code body} in a new platform thread; the future completes with its result. */
    private static <T> CompletableFuture<T> inThread(Callable<T> body) {
        return startIn(Thread.ofPlatform().daemon().name("test-worker"), body);
    }

    /** Runs {@code body} in a new virtual thread; the future completes with its result. */
    private static <T> CompletableFuture<T> inVirtualThread(Callable<T> body) {
        return startIn(Thread.ofVirtual().name("test-worker"), body);
    }

    private static <T> CompletableFuture<T> startIn(Thread.Builder builder, Callable<T> body) {
        CompletableFuture<T> result = new CompletableFuture<>();
        builder.start(() -> {
            try {
                result.complete(body.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result;
    }

    /** Spins (yielding) until {@code condition} holds; the class timeout bounds it. */
    private static void awaitCondition(BooleanSupplier condition) {
        while (!condition.getAsBoolean()) {
            Thread.yield();
        }
    }

    private static Throwable failureOf(CompletableFuture<?> f) {
        assertThat(f).isCompletedExceptionally();
        try {
            f.join();
            throw new AssertionError("not failed");
        } catch (java.util.concurrent.CompletionException e) {
            return e.getCause();
        } catch (CancellationException e) {
            return e;
        }
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        try {
            return f.get(20, SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }

    // ------------------------------------------------------------------------------------------
    // Construction and bad input
    // ------------------------------------------------------------------------------------------

    @Test
    void fifo_capacityBelowOne_throwsNamingExpectedAndActual() {
        assertThatThrownBy(() -> AsyncQueue.fifo(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("between 1 and " + AsyncQueue.MAX_CAPACITY)
                .hasMessageContaining("was 0");
        assertThatThrownBy(() -> AsyncQueue.lifo(-5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was -5");
        assertThatThrownBy(() -> AsyncQueue.<Integer>priority(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AsyncQueue.priority(-1, Comparator.<Integer>naturalOrder()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fifo_capacityAboveMaximum_throws() {
        assertThatThrownBy(() -> AsyncQueue.fifo(AsyncQueue.MAX_CAPACITY + 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was " + (AsyncQueue.MAX_CAPACITY + 1));
    }

    @Test
    void fifo_hugeCapacity_allocatesLazily() {
        AsyncQueue<Integer> q = AsyncQueue.fifo(AsyncQueue.MAX_CAPACITY);
        q.putNowait(1);
        assertThat(q.capacity()).isEqualTo(AsyncQueue.MAX_CAPACITY);
        assertThat(q.getNowait()).isEqualTo(1);
    }

    @Test
    void priority_nullComparator_throwsNpe() {
        assertThatThrownBy(() -> AsyncQueue.priority(3, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> AsyncQueue.unboundedPriority(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void put_nullElement_throwsNpeInEveryForm() {
        AsyncQueue<String> q = AsyncQueue.fifo(2);
        assertThatThrownBy(() -> q.put(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> q.offer(null, 1, SECONDS)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> q.putAsync(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> q.putNowait(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> q.offer(null)).isInstanceOf(NullPointerException.class);
        assertThat(q.size()).isZero();
        assertThat(q.unfinishedTasks()).isZero();
    }

    @Test
    void timedForms_nullUnit_throwNpe() {
        AsyncQueue<String> q = AsyncQueue.fifo(2);
        assertThatThrownBy(() -> q.offer("a", 1, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> q.poll(1, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> q.join(1, null)).isInstanceOf(NullPointerException.class);
        assertThat(q.size()).isZero();
    }

    @Test
    void factories_reportOrderAndCapacity() {
        assertThat(AsyncQueue.fifo(3).order()).isEqualTo(AsyncQueue.Order.FIFO);
        assertThat(AsyncQueue.unboundedFifo().capacity()).isEqualTo(Integer.MAX_VALUE);
        assertThat(AsyncQueue.lifo(4).order()).isEqualTo(AsyncQueue.Order.LIFO);
        assertThat(AsyncQueue.lifo(4).capacity()).isEqualTo(4);
        assertThat(AsyncQueue.unboundedLifo().order()).isEqualTo(AsyncQueue.Order.LIFO);
        assertThat(AsyncQueue.<Integer>priority(5).order()).isEqualTo(AsyncQueue.Order.PRIORITY);
        assertThat(AsyncQueue.<Integer>unboundedPriority().capacity()).isEqualTo(Integer.MAX_VALUE);
    }

    // ------------------------------------------------------------------------------------------
    // Order
    // ------------------------------------------------------------------------------------------

    @Test
    void fifo_wrapsAroundTheRing_keepsInsertionOrder() {
        AsyncQueue<Integer> q = AsyncQueue.fifo(5);
        int next = 0;
        int expected = 0;
        for (int round = 0; round < 20; round++) {
            while (q.offer(next)) {
                next++;
            }
            for (int i = 0; i < 3; i++) {
                assertThat(q.getNowait()).isEqualTo(expected++);
            }
        }
        while (!q.isEmpty()) {
            assertThat(q.getNowait()).isEqualTo(expected++);
        }
        assertThat(expected).isEqualTo(next);
    }

    @Test
    void unboundedFifo_growsWhileWrapped_keepsInsertionOrder() {
        AsyncQueue<Integer> q = AsyncQueue.unboundedFifo();
        for (int i = 0; i < 10; i++) {
            q.putNowait(i);
        }
        for (int i = 0; i < 5; i++) {
            assertThat(q.getNowait()).isEqualTo(i);
        }
        for (int i = 10; i < 1000; i++) {
            q.putNowait(i); // grows several times with the head in the middle of the ring
        }
        assertThat(q.size()).isEqualTo(995);
        for (int i = 5; i < 1000; i++) {
            assertThat(q.getNowait()).isEqualTo(i);
        }
        assertThat(q.isFull()).isFalse();
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void lifo_returnsNewestFirst() {
        AsyncQueue<Integer> q = AsyncQueue.unboundedLifo();
        for (int i : new int[] {1, 2, 3}) {
            q.putNowait(i);
        }
        q.putNowait(4); // CPython test_order: [1, 3, 2] pattern, here simply newest first
        assertThat(List.of(q.getNowait(), q.getNowait(), q.getNowait(), q.getNowait()))
                .containsExactly(4, 3, 2, 1);
        for (int i = 0; i < 100; i++) {
            q.putNowait(i);
        }
        for (int i = 99; i >= 0; i--) {
            assertThat(q.getNowait()).isEqualTo(i);
        }
    }

    @Test
    void priority_naturalOrder_returnsSmallestFirst() {
        AsyncQueue<Integer> q = AsyncQueue.unboundedPriority();
        for (int i : new int[] {1, 3, 2}) { // CPython test_order for PriorityQueue
            q.putNowait(i);
        }
        assertThat(List.of(q.getNowait(), q.getNowait(), q.getNowait())).containsExactly(1, 2, 3);
    }

    @Test
    void priority_randomOperations_matchJavaUtilPriorityQueue() {
        AsyncQueue<Integer> q = AsyncQueue.priority(300);
        PriorityQueue<Integer> model = new PriorityQueue<>();
        Random random = new Random(42);
        for (int op = 0; op < 20_000; op++) {
            if (random.nextInt(3) != 0 && model.size() < 300) {
                int v = random.nextInt(1000);
                q.putNowait(v);
                model.add(v);
            } else if (!model.isEmpty()) {
                assertThat(q.getNowait()).isEqualTo(model.poll());
            }
            assertThat(q.size()).isEqualTo(model.size());
        }
    }

    @Test
    void priority_comparator_ordersByIt() {
        AsyncQueue<String> q = AsyncQueue.unboundedPriority(Comparator.comparing(String::length).reversed());
        for (String s : List.of("bb", "a", "dddd", "ccc")) {
            q.putNowait(s);
        }
        assertThat(List.of(q.getNowait(), q.getNowait(), q.getNowait(), q.getNowait()))
                .containsExactly("dddd", "ccc", "bb", "a");
    }

    @Test
    void priority_pythonStyleTuples_orderByPriorityThenData() {
        record Job(int priority, String data) implements Comparable<Job> {
            @Override
            public int compareTo(Job o) {
                int c = Integer.compare(priority, o.priority);
                return c != 0 ? c : data.compareTo(o.data);
            }
        }
        AsyncQueue<Job> q = AsyncQueue.priority(10);
        q.putNowait(new Job(2, "b"));
        q.putNowait(new Job(1, "z"));
        q.putNowait(new Job(2, "a"));
        assertThat(q.getNowait()).isEqualTo(new Job(1, "z"));
        assertThat(q.getNowait()).isEqualTo(new Job(2, "a"));
        assertThat(q.getNowait()).isEqualTo(new Job(2, "b"));
    }

    @Test
    void priority_comparatorThrowsOnPut_putFailsAndQueueUnchanged() {
        AsyncQueue<Integer> q = AsyncQueue.unboundedPriority((a, b) -> {
            if (a == 13 || b == 13) {
                throw new IllegalArgumentException("unlucky");
            }
            return Integer.compare(a, b);
        });
        for (int i : new int[] {5, 1, 9, 3, 7, 2}) {
            q.putNowait(i);
        }
        assertThatThrownBy(() -> q.putNowait(13)).isInstanceOf(IllegalArgumentException.class);
        assertThat(q.size()).isEqualTo(6);
        assertThat(q.unfinishedTasks()).isEqualTo(6);
        List<Integer> out = new ArrayList<>();
        while (!q.isEmpty()) {
            out.add(q.getNowait());
        }
        assertThat(out).containsExactly(1, 2, 3, 5, 7, 9);
    }

    @Test
    void priority_comparatorThrowsOnGet_getFailsAndQueueUnchanged() {
        AtomicBoolean failing = new AtomicBoolean();
        AsyncQueue<Integer> q = AsyncQueue.unboundedPriority((a, b) -> {
            if (failing.get()) {
                throw new IllegalStateException("comparator broke");
            }
            return Integer.compare(a, b);
        });
        for (int i = 10; i > 0; i--) {
            q.putNowait(i);
        }
        failing.set(true);
        assertThatThrownBy(q::getNowait).isInstanceOf(IllegalStateException.class).hasMessage("comparator broke");
        failing.set(false);
        List<Integer> out = new ArrayList<>();
        while (!q.isEmpty()) {
            out.add(q.getNowait());
        }
        assertThat(out).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    }

    @Test
    void priority_comparatorRefusesWaitingPuttersElement_thatPutFailsAndTheNextPutterIsAdmitted() throws Exception {
        AsyncQueue<Integer> q = AsyncQueue.priority(2, (a, b) -> {
            if (a < 0 || b < 0) {
                throw new IllegalArgumentException("negative");
            }
            return Integer.compare(a, b);
        });
        q.putNowait(1);
        q.putNowait(2);
        CompletableFuture<Void> bad = q.putAsync(-1);
        CompletableFuture<Void> good = q.putAsync(3);
        assertThat(q.getNowait()).isEqualTo(1); // frees a slot: -1 is refused, 3 is admitted
        assertThat(failureOf(bad)).isInstanceOf(IllegalArgumentException.class);
        assertThat(good).isCompletedWithValue(null);
        assertThat(q.unfinishedTasks()).isEqualTo(3);
        assertThat(List.of(q.getNowait(), q.getNowait())).containsExactly(2, 3);
    }

    @Test
    void priority_comparatorRefusesBlockedPuttersElement_thatPutThrowsIt() throws Exception {
        AsyncQueue<Integer> q = AsyncQueue.priority(2, (a, b) -> {
            if (a < 0 || b < 0) {
                throw new IllegalArgumentException("negative");
            }
            return Integer.compare(a, b);
        });
        q.putNowait(5);
        q.putNowait(6);
        CompletableFuture<Void> blocked = inThread(() -> {
            q.put(-1);
            return null;
        });
        awaitCondition(() -> q.waitingPutters() == 1);
        assertThat(q.getNowait()).isEqualTo(5); // makes room; adding -1 to [6] compares and fails
        assertThatThrownBy(() -> await(blocked)).isInstanceOf(IllegalArgumentException.class).hasMessage("negative");
        assertThat(q.waitingPutters()).isZero();
        assertThat(q.size()).isEqualTo(1);
        assertThat(q.unfinishedTasks()).isEqualTo(2);
        assertThat(q.getNowait()).isEqualTo(6);
    }

    @Test
    void lifoAndPriority_concurrentProducersAndConsumers_conserveElements() throws Exception {
        for (AsyncQueue<Integer> q : List.of(AsyncQueue.<Integer>lifo(4), AsyncQueue.<Integer>priority(4),
                AsyncQueue.<Integer>unboundedLifo(), AsyncQueue.<Integer>unboundedFifo())) {
            int perProducer = 5_000;
            List<CompletableFuture<Long>> consumers = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                consumers.add(inThread(() -> {
                    long sum = 0;
                    for (int i = 0; i < perProducer; i++) {
                        sum += q.get();
                    }
                    return sum;
                }));
            }
            List<CompletableFuture<Void>> producers = new ArrayList<>();
            for (int p = 0; p < 2; p++) {
                int base = p * perProducer;
                producers.add(inThread(() -> {
                    for (int i = 1; i <= perProducer; i++) {
                        q.put(base + i);
                    }
                    return null;
                }));
            }
            long total = 0;
            for (CompletableFuture<Long> c : consumers) {
                total += await(c);
            }
            for (CompletableFuture<Void> p : producers) {
                await(p);
            }
            long n = 2L * perProducer;
            assertThat(total).as("%s", q).isEqualTo(n * (n + 1) / 2);
            assertThat(q.size()).isZero();
            assertThat(q.unfinishedTasks()).isEqualTo(n);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Immediate forms
    // ------------------------------------------------------------------------------------------

    @Test
    void nonblockingPutAndGet_roundTrip() { // test_nonblocking_put / test_nonblocking_get
        AsyncQueue<Integer> q = AsyncQueue.unboundedFifo();
        q.putNowait(1);
        assertThat(q.getNowait()).isEqualTo(1);
    }

    @Test
    void putNowait_full_throwsQueueFull() { // test_nonblocking_put_exception
        AsyncQueue<Integer> q = AsyncQueue.fifo(1);
        q.putNowait(1);
        assertThatThrownBy(() -> q.putNowait(2)).isInstanceOf(QueueFullException.class)
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("capacity=1");
        assertThat(q.offer(2)).isFalse();
        assertThat(q.size()).isEqualTo(1);
        assertThat(q.unfinishedTasks()).isEqualTo(1);
    }

    @Test
    void getNowait_empty_throwsQueueEmpty() { // test_nonblocking_get_exception
        AsyncQueue<Integer> q = AsyncQueue.unboundedFifo();
        assertThatThrownBy(q::getNowait).isInstanceOf(QueueEmptyException.class)
                .isInstanceOf(java.util.NoSuchElementException.class);
        assertThat(q.poll()).isNull();
    }

    @Test
    void sizeQueries_trackContents() { // test_empty / test_full / test_maxsize
        AsyncQueue<Integer> q = AsyncQueue.fifo(2);
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.isFull()).isFalse();
        q.putNowait(1);
        assertThat(q.isEmpty()).isFalse();
        assertThat(q.isFull()).isFalse();
        q.putNowait(2);
        assertThat(q.isFull()).isTrue();
        assertThat(q.size()).isEqualTo(2);
        assertThat(q.capacity()).isEqualTo(2);
        AsyncQueue<Integer> unbounded = AsyncQueue.unboundedFifo();
        for (int i = 0; i < 100; i++) {
            unbounded.putNowait(i);
        }
        assertThat(unbounded.isFull()).isFalse();
    }

    @Test
    void timedForms_zeroTimeout_doNotWait() throws InterruptedException {
        AsyncQueue<Integer> q = AsyncQueue.fifo(1);
        assertThat(q.poll(0, SECONDS)).isNull();
        assertThat(q.offer(1, 0, SECONDS)).isTrue();
        assertThat(q.offer(2, -1, SECONDS)).isFalse();
        assertThat(q.join(0, SECONDS)).isFalse();
        assertThat(q.poll(0, SECONDS)).isEqualTo(1);
        assertThat(q.waitingGetters() + q.waitingPutters() + q.waitingJoiners()).isZero();
    }

    @Test
    void immediateForms_doNotAllocateWaiters() {
        AsyncQueue<Integer> q = AsyncQueue.fifo(1);
        for (int i = 0; i < 1000; i++) {
            assertThat(q.poll()).isNull();
            assertThat(q.offer(i)).isTrue();
            assertThat(q.offer(i)).isFalse();
            assertThat(q.poll()).isEqualTo(i);
        }
        assertThat(q.waitingGetters() + q.waitingPutters()).isZero();
    }

    // ------------------------------------------------------------------------------------------
    // Blocking forms
    // ------------------------------------------------------------------------------------------

    @Test
    void get_emptyQueue_blocksUntilPut() throws Exception { // test_blocking_get_wait
        AsyncQueue<String> q = AsyncQueue.unboundedFifo();
        CompletableFuture<String> got = inThread(q::get);
        awaitCondition(() -> q.waitingGetters() == 1);
        assertThat(got).isNotDone();
        q.put("x");
        assertThat(await(got)).isEqualTo("x");
        assertThat(q.size()).isZero();
        assertThat(q.waitingGetters()).isZero();
    }

    @Test
    void put_fullQueue_blocksUntilGet() throws Exception { // test_blocking_put_wait
        AsyncQueue<String> q = AsyncQueue.fifo(1);
        q.put("a");
        CompletableFuture<Void> put = inThread(() -> {
            q.put("b");
            return null;
        });
        awaitCondition(() -> q.waitingPutters() == 1);
        assertThat(put).isNotDone();
        assertThat(q.get()).isEqualTo("a");
        await(put);
        assertThat(q.get()).isEqualTo("b");
    }

    @Test
    void get_withWaitingPutters_returnsInPutOrder() throws Exception { // test_get_with_waiting_putters
        AsyncQueue<String> q = AsyncQueue.fifo(1);
        q.put("a");
        CompletableFuture<Void> putB = inThread(() -> {
            q.put("b");
            return null;
        });
        awaitCondition(() -> q.waitingPutters() == 1);
        CompletableFuture<Void> putC = q.putAsync("c");
        assertThat(q.waitingPutters()).isEqualTo(2);
        assertThat(q.get()).isEqualTo("a");
        assertThat(q.get()).isEqualTo("b");
        assertThat(q.get()).isEqualTo("c");
        await(putB);
        assertThat(putC).isCompletedWithValue(null);
    }

    @Test
    void getters_waitingInOrder_areServedFirstComeFirstServed() throws Exception {
        AsyncQueue<Integer> q = AsyncQueue.unboundedFifo();
        CompletableFuture<Integer> first = q.getAsync();
        CompletableFuture<Integer> second = inThread(q::get);
        awaitCondition(() -> q.waitingGetters() == 2);
        CompletableFuture<Integer> third = q.getAsync();
        q.put(1);
        q.put(2);
        q.put(3);
        assertThat(first).isCompletedWithValue(1);
        assertThat(await(second)).isEqualTo(2);
        assertThat(third).isCompletedWithValue(3);
    }

    @Test
    void getNowait_whileGettersWait_doesNotOvertakeThem() throws Exception {
        AsyncQueue<Integer> q = AsyncQueue.unboundedFifo();
        CompletableFuture<Integer> waiting = q.getAsync();
        q.putNowait(1); // handed straight to the waiting getter
        assertThat(q.poll()).isNull();
        assertThat(waiting).isCompletedWithValue(1);
    }

    @Test
    void putNowait_whilePuttersWait_doesNotOvertakeThem() {
        AsyncQueue<Integer> q = AsyncQueue.fifo(1);
        q.putNowait(1);
        CompletableFuture<Void> waiting = q.putAsync(2);
        assertThat(q.getNowait()).isEqualTo(1); // admits 2 at once
        assertThat(waiting).isCompletedWithValue(null);
        assertThat(q.offer(3)).isFalse();
        assertThat(q.getNowait()).isEqualTo(2);
    }

    @Test
    void whyAreGettersWaiting_manyProducersAndConsumersOnSizeOneQueue_moveEveryItem() throws Exception {
        // test_why_are_getters_waiting, with threads: no item lost, duplicated or stuck.
        AsyncQueue<Integer> q = AsyncQueue.fifo(1);
        int perProducer = 2_000;
        int producers = 3;
        List<CompletableFuture<List<Integer>>> consumers = new ArrayList<>();
        for (int c = 0; c < producers; c++) {
            consumers.add(inThread(() -> {
                List<Integer> got = new ArrayList<>();
                for (int i = 0; i < perProducer; i++) {
                    got.add(q.get());
                }
                return got;
            }));
        }
        List<CompletableFuture<Void>> ps = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int base = p * perProducer;
            ps.add(inThread(() -> {
                for (int i = 0; i < perProducer; i++) {
                    q.put(base + i);
                }
                return null;
            }));
        }
        List<Integer> all = new ArrayList<>();
        for (CompletableFuture<List<Integer>> c : consumers) {
            all.addAll(await(c));
        }
        for (CompletableFuture<Void> p : ps) {
            await(p);
        }
        Collections.sort(all);
        for (int i = 0; i < producers * perProducer; i++) {
            assertThat(all.get(i)).isEqualTo(i);
        }
        assertThat(q.size()).isZero();
    }

    @Test
    void fifo_atAndAboveTheLockFreeRingLimit_holdsExactlyItsCapacity_inOrder() {
        for (int capacity : new int[] {AsyncQueue.RING_MAX_CAPACITY, AsyncQueue.RING_MAX_CAPACITY + 1}) {
            AsyncQueue<Integer> q = AsyncQueue.fifo(capacity);
            for (int i = 0; i < capacity; i++) {
                assertThat(q.offer(i)).isTrue();
            }
            assertThat(q.offer(-1)).isFalse();
            assertThat(q.isFull()).isTrue();
            assertThat(q.size()).isEqualTo(capacity);
            assertThat(q.unfinishedTasks()).isEqualTo(capacity);
            for (int i = 0; i < capacity; i++) {
                assertThat(q.poll()).isEqualTo(i);
            }
            assertThat(q.poll()).isNull();
        }
    }

    @Test
    @Timeout(60)
    void fifo_everyFormAtOnce_withTimeoutsAndCancels_conservesElementsInProducerOrder() throws Exception {
        // Producers and consumers on virtual threads use each form of put and get, while timed
        // forms time out and asynchronous gets are cancelled: every element arrives exactly once,
        // and each producer's elements in the order it put them.
        AsyncQueue<Integer> q = AsyncQueue.fifo(2);
        final int producers = 4;
        final int perProducer = 5_000;
        List<CompletableFuture<Void>> ps = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            final int form = p;
            ps.add(inVirtualThread(() -> {
                for (int i = 0; i < perProducer; i++) {
                    Integer e = form * perProducer + i;
                    switch (form) {
                        case 0 -> q.put(e);
                        case 1 -> {
                            while (!q.offer(e, 50, java.util.concurrent.TimeUnit.MICROSECONDS)) {
                                Thread.onSpinWait();
                            }
                        }
                        case 2 -> q.putAsync(e).get();
                        default -> {
                            while (!q.offer(e)) {
                                Thread.yield();
                            }
                        }
                    }
                }
                return null;
            }));
        }
        List<CompletableFuture<List<Integer>>> cs = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            final int form = c;
            cs.add(inVirtualThread(() -> {
                List<Integer> got = new ArrayList<>();
                try {
                    while (true) {
                        Integer x = switch (form) {
                            case 0 -> q.get();
                            case 1 -> q.poll(50, java.util.concurrent.TimeUnit.MICROSECONDS);
                            case 2 -> {
                                CompletableFuture<Integer> f = q.getAsync();
                                // Cancelled while pending: took nothing; decided first: holds the element.
                                yield f.cancel(false) ? null : f.get();
                            }
                            default -> q.poll();
                        };
                        if (x != null) {
                            got.add(x);
                        } else if (form == 3) {
                            Thread.yield();
                        }
                    }
                } catch (QueueShutDownException drained) {
                    return got;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof QueueShutDownException) {
                        return got;
                    }
                    throw e;
                }
            }));
        }
        for (CompletableFuture<Void> p : ps) {
            await(p);
        }
        q.shutdown();
        List<Integer> all = new ArrayList<>();
        for (CompletableFuture<List<Integer>> c : cs) {
            List<Integer> got = await(c);
            int[] last = new int[producers];
            java.util.Arrays.fill(last, -1);
            for (int x : got) {
                int producer = x / perProducer;
                assertThat(x).as("order of producer %d's elements", producer).isGreaterThan(last[producer]);
                last[producer] = x;
            }
            all.addAll(got);
        }
        Collections.sort(all);
        assertThat(all).hasSize(producers * perProducer);
        for (int i = 0; i < producers * perProducer; i++) {
            assertThat(all.get(i)).isEqualTo(i);
        }
        assertThat(q.unfinishedTasks()).isEqualTo(producers * perProducer);
        assertThat(q.waitingGetters()).isZero();
    }

    @Test
    void whyArePuttersWaiting_getterDrainsSnapshot_blockedPuttersGetIn() throws Exception {
        // test_why_are_putters_waiting: maxsize 2, four putters, a getter drains qsize() items.
        AsyncQueue<Integer> q = AsyncQueue.fifo(2);
        List<CompletableFuture<Void>> putters = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int item = i;
            putters.add(inThread(() -> {
                q.put(item);
                return null;
            }));
        }
        awaitCondition(() -> q.size() == 2 && q.waitingPutters() == 2);
        int n = q.size();
        List<Integer> got = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            got.add(q.getNowait());
        }
        for (CompletableFuture<Void> p : putters) {
            await(p);
        }
        got.add(q.getNowait());
        got.add(q.getNowait());
        Collections.sort(got);
        assertThat(got).containsExactly(0, 1, 2, 3);
    }

    @Test
    void poll_timesOut_returnsNullAndLeavesNoWaiter() throws InterruptedException {
        AsyncQueue<Integer> q = AsyncQueue.unboundedFifo();
        long start = System.nanoTime();
        assertThat(q.poll(20, MILLISECONDS)).isNull();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(MILLISECONDS.toNanos(20));
        assertThat(q.waitingGetters()).isZero();
        q.putNowait(7);
        assertThat(q.getNowait()).isEqualTo(7);
    }

    @Test
    void poll_repeatedTimeouts_doNotAccumulateWaiters() throws InterruptedException {
        AsyncQueue<Integer> q = AsyncQueue.unboundedFifo();
        for (int i = 0; i < 200; i++) {
            assertThat(q.poll(10_000, java.util.concurrent.TimeUnit.NANOSECONDS)).isNull();
        }
        assertThat(q.waitingGetters()).isZero();
        assertThat(q.toString()).doesNotContain("getters");
    }

    @Test
    void poll_itemArrivesBeforeTimeout_returnsIt() throws Exception {
        AsyncQueue<Integer> q = AsyncQueue.unboundedFifo();
        CompletableFuture<Integer> got = inThread(() -> q.poll(20, SECONDS));
        awaitCondition(() -> q.waitingGetters() == 1);
        q.put(5);
        assertThat(await(got)).isEqualTo(5);
    }

    @Test
    void timedPut_timesOut_returnsFalseWithElementNotInserted() throws InterruptedException {
        AsyncQueue<Integer> q = AsyncQueue.fifo(1);
        q.put(1);
        assertThat(q.offer(2, 20, MILLISECONDS)).isFalse();
        assertThat(q.waitingPutters()).isZero();
        assertThat(q.size()).isEqualTo(1);
        assertThat(q.unfinishedTasks()).isEqualTo(1);
        assertThat(q.getNowait()).isEqualTo(1);
        assertThat(q.poll()).isNull();
    }

    @Test
    void timedPut_roomAppears_insertsAndReturnsTrue() throws Exception {
        AsyncQueue<Integer> q = AsyncQueue.fifo(1);
        q.put(1);
        CompletableFuture<Boolean> put = inThread(() -> q.offer(2, 20, SECONDS));
        awaitCondition(() -> q.waitingPutters() == 1);
        assertThat(q.get()).isEqualTo(1);
        assertThat(await(put)).isTrue();
        assertThat(q.get()).isEqualTo(2);
    }

    @Test
    void getters_manyVirtualThreads_allServedWithoutExhaustingCarriers() throws Exception {
        // More blocked virtual threads than carriers: pinning would deadlock and hit the timeout.
        AsyncQueue<Integer> q = AsyncQueue.unboundedFifo();
        int n = 5_000;
        AtomicInteger sum = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    sum.addAndGet(q.get());
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }));
        }
        awaitCondition(() -> q.waitingGetters() == n);
        for (int i = 1; i <= n; i++) {
            q.put(i);
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(sum.get()).isEqualTo(n * (n + 1) / 2);
    }

    // ------------------------------------------------------------------------------------------
    // Interruption
    // ------------------------------------------------------------------------------------------

    @Test
    void get_interruptedOnEntry_throwsAndTakesNothing() {
        AsyncQueue<Integer> q = AsyncQueue.unboundedFifo();
        q.putNowait(1);
        Thread.currentThread().interrupt();
        assertThatThrownBy(q::get).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> q.poll(1, SECONDS)).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
        assertThat(q.size()).isEqualTo(1);
    }

    @Test
    void put_interruptedOnEntry_throwsAndInsertsNothing() {
        AsyncQueue<Integer> q = AsyncQueue.fifo(5);
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> q.put(1)).isInstanceOf(InterruptedException.class);
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> q.offer(1, 1, SECONDS)).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
        assertThat(q.size()).isZero();
        assertThat(q.unfinishedTasks()).isZero();
    }

    @Test
    void join_interruptedOnEntry_throws() {
        AsyncQueue<Integer> q = AsyncQueue.unboundedFifo();
        Thread.currentThread().interrupt();
        assertThatThrownBy(q::join).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
    }

    @Test
    void get_interruptedWhileWaiting_throwsAndLeavesNoWaiter() throws Exception {
        assertGetInterruptedWhileWaiting(AsyncQueue.unboundedFifo(), false);
    }

    /** A getter on an empty {@code q}, on a new (virtual) thread, interrupted while it waits. */
    private static void assertGetInterruptedWhileWaiting(AsyncQueue<Integer> q, boolean virtual) throws Exception {
        AtomicBoolean statusAfter = new AtomicBoolean(true);
        CompletableFuture<Thread> started = new CompletableFuture<>();
        Callable<Object> body = () -> {
            started.complete(Thread.currentThread());
            try {
                return q.get();
            } catch (InterruptedException e) {
                statusAfter.set(Thread.currentThread().isInterrupted());
                return e;
            }
        };
        CompletableFuture<Object> result = virtual ? inVirtualThread(body) : inThread(body);
        Thread getter = await(started);
        awaitCondition(() -> q.waitingGetters() == 1);
        getter.interrupt();
        assertThat(await(result)).isInstanceOf(InterruptedException.class);
        assertThat(statusAfter.get()).as("interrupt status cleared").isFalse();
        assertThat(q.waitingGetters()).isZero();
        q.putNowait(3); // goes to the queue, not to the departed getter
        assertThat(q.getNowait()).isEqualTo(3);
    }

    @Test
    void timedPoll_interruptedWhileWaiting_throws() throws Exception {
        AsyncQueue<Integer> q = AsyncQueue.unboundedFifo();
        CompletableFuture<Thread> started = new CompletableFuture<>();
        CompletableFuture<Object> result = inThread(() -> {
            started.complete(Thread.currentThread());
            try {
                return q.poll(20, SECONDS);
            } catch (InterruptedException e) {
                return e;
            }
        });
        Thread getter = await(started);
        awaitCondition(() -> q.waitingGetters() == 1);
        getter.interrupt();
        assertThat(await(result)).isInstanceOf(InterruptedException.class);
        assertThat(q.waitingGetters()).isZero();
    }

    @Test
    void put_interruptedWhileWaiting_throwsAndElementNotInserted() throws Exception {
        assertPutInterruptedWhileWaiting(false);
    }

    /** A putter on a full {@code fifo(1)}, on a new (virtual) thread, interrupted while it waits. */
    private static void assertPutInterruptedWhileWaiting(boolean virtual) throws Exception {
        AsyncQueue<Integer> q = AsyncQueue.fifo(1);
        q.putNowait(1);
        CompletableFuture<Thread> started = new CompletableFuture<>();
        Callable<Object> body = () -> {
            started.complete(Thread.currentThread());
            try {
                q.put(2);
                return "inserted";
            } catch (InterruptedException e) {
                return e;
            }
        };
        CompletableFuture<Object> result = virtual ? inVirtualThread(body) : inThread(body);
        Thread putter = await(started);
        awaitCondition(() -> q.waitingPutters() == 1);
        putter.interrupt();
        assertThat(await(result)).isInstanceOf(InterruptedException.class);
        assertThat(q.waitingPutters()).isZero();
        assertThat(q.getNowait()).isEqualTo(1);
        assertThat(q.poll()).isNull();
        assertThat(q.unfinishedTasks()).isEqualTo(1);
    }

    @Test
    void ringMode_virtualGetter_interruptedWhileWaiting_throwsAndLeavesNoWaiter() throws Exception {
        // A virtual thread waiting on a ring-mode queue yields before it parks: the interrupt may
        // land during the yields or the park; either way it withdraws the getter.
        assertGetInterruptedWhileWaiting(AsyncQueue.fifo(4), true);
    }

    @Test
    void ringMode_virtualPutter_interruptedWhileWaiting_throwsAndElementNotInserted() throws Exception {
        assertPutInterruptedWhileWaiting(true);
    }

    @Test
    @Timeout(60)
    void ringMode_virtualThreads_blockingPutAndGet_moveEveryElementOnce() throws Exception {
        // Two producers and two consumers on virtual threads through a ring of 2: nearly every
        // put and get waits, so the yields before parking run all the time.
        AsyncQueue<Integer> q = AsyncQueue.fifo(2);
        final int perProducer = 20_000;
        List<CompletableFuture<Void>> ps = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            final int base = p * perProducer;
            ps.add(inVirtualThread(() -> {
                for (int i = 0; i < perProducer; i++) {
                    q.put(base + i);
                }
                return null;
            }));
        }
        List<CompletableFuture<int[]>> cs = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            cs.add(inVirtualThread(() -> {
                int[] got = new int[perProducer];
                for (int i = 0; i < perProducer; i++) {
                    got[i] = q.get();
                }
                return got;
            }));
        }
        for (CompletableFuture<Void> p : ps) {
            await(p);
        }
        boolean[] seen = new boolean[2 * perProducer];
        for (CompletableFuture<int[]> c : cs) {
            for (int x : await(c)) {
                assertThat(seen[x]).as("element %d delivered twice", x).isFalse();
                seen[x] = true;
            }
        }
        for (int x = 0; x < seen.length; x++) {
            assertThat(seen[x]).as("element %d delivered", x).isTrue();
        }
        assertThat(q.size()).isZero();
        assertThat(q.waitingGetters()).isZero();
        assertThat(q.waitingPutters()).isZero();
    }

    @Test
    void get_interruptedAfterHandOff_returnsElementWithInterruptSet() throws Exception {
        AsyncQueue<Integer> q = AsyncQueue.unboundedFifo();
        AtomicBoolean interruptDelivered = new AtomicBoolean();
        CompletableFuture<Thread> started = new CompletableFuture<>();
        CompletableFuture<Boolean> interruptedAfter = new CompletableFuture<>();
        CompletableFuture<Integer> got = inThread(() -> {
            started.complete(Thread.currentThread());
            int x = q.get();
            while (!interruptDelivered.get()) {
                Thread.onSpinWait(); // not interruptible on purpose
            }
            interruptedAfter.complete(Thread.currentThread().isInterrupted());
            return x;
        });
        Thread getter = await(started);
        awaitCondition(() -> q.waitingGetters() == 1);
        q.put(42); // handed over now: the element belongs to that get
        getter.interrupt();
        interruptDelivered.set(true);
        assertThat(await(got)).isEqualTo(42);
        assertThat(await(interruptedAfter)).isTrue();
        assertThat(q.size()).isZero();
    }

    @Test
    void join_interruptedWhileWaiting_throwsAndLeavesNoWaiter() throws Exception {
        AsyncQueue<Integer> q = AsyncQueue.unboundedFifo();
        q.putNowait(1);
        CompletableFuture<Thread> started = new CompletableFuture<>();
        CompletableFuture<Object> result = inThread(() -> {
            started.complete(Thread.currentThread());
            try {
                q.join();
                return "joined";
            } catch (InterruptedException e) {
                return e;
            }
        });
        Thread joiner = await(started);
        awaitCondition(() -> q.waitingJoiners() == 1);
        joiner.interrupt();
        assertThat(await(result)).isInstanceOf(InterruptedException.class);
        assertThat(q.waitingJoiners()).isZero();
    }

    // ------------------------------------------------------------------------------------------
    // Asynchronous forms and cancellation
    // ------------------------------------------------------------------------------------------

    @Test
    void getAsync_elementAvailable_completesAtOnce() {
        AsyncQueue<Integer> q = AsyncQueue.unboundedFifo();
        q.putNowait(1);
        assertThat(q.getAsync()).isCompletedWithValue(1);
        assertThat(q.size()).isZero();
    }

    @Test
    void putAsync_room_completesAtOnce() {
        AsyncQueue<Integer> q = AsyncQueue.fifo(1);
        assertThat(q.putAsync(1)).isCompletedWithValue(null);
        CompletableFuture<Void> pending = q.putAsync(2);
        assertThat(pending).isNotDone();
        assertThat(q.getNowait()).isEqualTo(1);
        assertThat(pending).isCompletedWithValue(null);
        assertThat(q.getNowait()).isEqualTo(2);
    }

    @Test
    void getAsync_pending_completedByPutInPutterThread() throws Exception {
        AsyncQueue<String> q = AsyncQueue.unboundedFifo();
        CompletableFuture<String> got = q.getAsync();
        CompletableFuture<String> thread = got.thenApply(x -> Thread.currentThread().getName());
        await(inThread(() -> {
            q.put("x");
            return null;
        }));
        assertThat(got).isCompletedWithValue("x");
        assertThat(await(thread)).isEqualTo("test-worker");
    }

    @Test
    void cancelledGetters_notHeldInWaiters() { // test_cancelled_getters_not_being_held_in_self_getters
        AsyncQueue<Integer> q = AsyncQueue.fifo(5);
        for (int i = 0; i < 100; i++) {
            CompletableFuture<Integer> f = q.getAsync();
            assertThat(f.cancel(true)).isTrue();
            assertThat(f).isCancelled();
        }
        assertThat(q.waitingGetters()).isZero();
    }

    @Test
    void cancelledPuts_notHeldInWaiters() { // test_cancelled_puts_not_being_held_in_self_putters
        AsyncQueue<Integer> q = AsyncQueue.fifo(1);
        q.putNowait(1);
        for (int i = 0; i < 100; i++) {
            assertThat(q.putAsync(2).cancel(false)).isTrue();
        }
        assertThat(q.waitingPutters()).isZero();
        assertThat(q.size()).isEqualTo(1);
        assertThat(q.unfinishedTasks()).isEqualTo(1);
    }

    @Test
    void getAsync_orTimeout_withdrawsTheGet() throws Exception {
        AsyncQueue<Integer> q = AsyncQueue.fifo(5);
        CompletableFuture<Integer> f = q.getAsync().orTimeout(10, MILLISECONDS);
        assertThatThrownBy(() -> f.get(20, SECONDS)).hasCauseInstanceOf(TimeoutException.class);
        assertThat(q.waitingGetters()).isZero();
        q.putNowait(1);
        assertThat(q.size()).isEqualTo(1); // the item was not delivered to the timed-out get
    }

    @Test
    void getAsync_completeOnTimeout_withdrawsTheGet() throws Exception {
        AsyncQueue<Integer> q = AsyncQueue.unboundedFifo();
        CompletableFuture<Integer> f = q.getAsync().completeOnTimeout(-1, 10, MILLISECONDS);
        assertThat(await(f)).isEqualTo(-1);
        assertThat(q.waitingGetters()).isZero();
    }

    @Test
    void getAsync_completedExceptionallyByCaller_withdrawsTheGet() {
        AsyncQueue<Integer> q = AsyncQueue.unboundedFifo();
        CompletableFuture<Integer> f = q.getAsync();
        assertThat(f.completeExceptionally(new IllegalStateException("gave up"))).isTrue();
        assertThat(q.waitingGetters()).isZero();
        q.putNowait(1);
        assertThat(q.getNowait()).isEqualTo(1);
    }

    @Test
    void getCancelDropOnePendingReader_itemNeverLost() { // test_get_cancel_drop_one_pending_reader
        AsyncQueue<Integer> q = AsyncQueue.unboundedFifo();
        CompletableFuture<Integer> reader = q.getAsync();
        q.putNowait(1);
        q.putNowait(2);
        // The reader already holds 1: the cancel fails and 1 stays with it; 2 stays queued.
        assertThat(reader.cancel(true)).isFalse();
        assertThat(reader).isCompletedWithValue(1);
        assertThat(q.getNowait()).isEqualTo(2);
        assertThat(q.poll()).isNull();
    }

    @Test
    void getCancelledBeforePut_itemStaysForNextGetter() {
        AsyncQueue<Integer> q = AsyncQueue.unboundedFifo();
        CompletableFuture<Integer> reader = q.getAsync();
        assertThat(reader.cancel(true)).isTrue();
        q.putNowait(1);
        q.putNowait(2);
        CompletableFuture<Integer> retry = q.getAsync(); // CPython: a retry gets 1, not 2
        assertThat(retry).isCompletedWithValue(1);
        assertThat(q.getNowait()).isEqualTo(2);
    }

    @Test
    void getCancelDropManyPendingReaders_itemsConserved() { // test_get_cancel_drop_many_pending_readers
        AsyncQueue<Integer> q = AsyncQueue.unboundedFifo();
        List<CompletableFuture<Integer>> readers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            readers.add(q.getAsync());
        }
        q.putNowait(1);
        q.putNowait(2);
        List<Integer> delivered = new ArrayList<>();
        for (CompletableFuture<Integer> r : readers) {
            if (!r.cancel(true)) {
                delivered.add(r.join());
            }
        }
        Integer left;
        while ((left = q.poll()) != null) {
            delivered.add(left);
        }
        assertThat(delivered).containsExactlyInAnyOrder(1, 2);
        assertThat(readers.get(2)).isCancelled();
        assertThat(q.waitingGetters()).isZero();
    }

    @Test
    void getCancelledRace_secondGetterGetsTheItem() { // test_get_cancelled_race
        AsyncQueue<String> q = AsyncQueue.unboundedFifo();
        CompletableFuture<String> t1 = q.getAsync();
        CompletableFuture<String> t2 = q.getAsync();
        assertThat(t1.cancel(true)).isTrue();
        q.putNowait("a");
        assertThat(t2).isCompletedWithValue("a");
        assertThat(t1).isCancelled();
    }

    @Test
    void putCancelDrop_cancelledPutDoesNotInsert() { // test_put_cancel_drop
        AsyncQueue<Integer> q = AsyncQueue.fifo(1);
        q.putNowait(1);
        CompletableFuture<Void> put2 = q.putAsync(2);
        assertThat(put2.cancel(true)).isTrue();
        assertThat(q.getNowait()).isEqualTo(1);
        assertThat(q.size()).isZero();
        assertThat(q.unfinishedTasks()).isEqualTo(1);
    }

    @Test
    void putCancelAfterAdmission_cancelFailsAndElementStays() {
        AsyncQueue<Integer> q = AsyncQueue.fifo(1);
        q.putNowait(1);
        CompletableFuture<Void> put2 = q.putAsync(2);
        assertThat(q.getNowait()).isEqualTo(1); // admits 2
        assertThat(put2.cancel(true)).isFalse();
        assertThat(put2).isCompletedWithValue(null);
        assertThat(q.getNowait()).isEqualTo(2);
    }

    @Test
    void putCancelledRace_laterPutterTakesTheSlot() { // test_put_cancelled_race
        AsyncQueue<String> q = AsyncQueue.fifo(1);
        q.putNowait("a");
        CompletableFuture<Void> putB = q.putAsync("b");
        CompletableFuture<Void> putC = q.putAsync("c");
        assertThat(putB.cancel(true)).isTrue();
        assertThat(q.getNowait()).isEqualTo("a");
        assertThat(putC).isCompletedWithValue(null);
        assertThat(q.getNowait()).isEqualTo("c");
        assertThat(q.poll()).isNull();
    }

    @Test
    void obtrudeAndCompleteAsync_onPendingRequest_areUnsupported() {
        AsyncQueue<Integer> q = AsyncQueue.unboundedFifo();
        CompletableFuture<Integer> f = q.getAsync();
        assertThatThrownBy(() -> f.obtrudeValue(1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> f.obtrudeException(new RuntimeException()))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> f.completeAsync(() -> 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(q.waitingGetters()).isEqualTo(1);
        q.putNowait(5);
        assertThat(f).isCompletedWithValue(5);
    }

    @Test
    void completeByCaller_onDecidedRequest_failsAndKeepsTheElement() {
        AsyncQueue<Integer> q = AsyncQueue.unboundedFifo();
        CompletableFuture<Integer> f = q.getAsync();
        q.putNowait(9);
        assertThat(f.complete(-1)).isFalse();
        assertThat(f.completeExceptionally(new RuntimeException())).isFalse();
        assertThat(f).isCompletedWithValue(9);
    }

    @Test
    void cancellationStorm_noElementLostOrDuplicated() throws Exception {
        // A producer puts 1..N and then shuts the queue down gracefully; two consumers take with
        // getAsync and cancel about half of their requests at once. Every element must be
        // delivered exactly once: to a request whose cancel failed, or to a later request.
        AsyncQueue<Integer> q = AsyncQueue.fifo(8);
        int n = 20_000;
        ConcurrentLinkedQueue<Integer> delivered = new ConcurrentLinkedQueue<>();
        CompletableFuture<Void> producer = inThread(() -> {
            for (int i = 1; i <= n; i++) {
                q.put(i);
            }
            q.shutdown(false);
            return null;
        });
        List<CompletableFuture<Integer>> consumers = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            Random random = new Random(c);
            consumers.add(inThread(() -> {
                int cancelled = 0;
                while (true) {
                    CompletableFuture<Integer> f = q.getAsync();
                    if (random.nextBoolean() && f.cancel(true)) {
                        cancelled++;
                        continue;
                    }
                    try {
                        delivered.add(f.get(20, SECONDS));
                    } catch (ExecutionException e) {
                        if (e.getCause() instanceof QueueShutDownException) {
                            return cancelled;
                        }
                        throw e;
                    }
                }
            }));
        }
        await(producer);
        int cancelled = 0;
        for (CompletableFuture<Integer> c : consumers) {
            cancelled += await(c);
        }
        assertThat(cancelled).isPositive();
        List<Integer> sorted = new ArrayList<>(delivered);
        Collections.sort(sorted);
        assertThat(sorted).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(sorted.get(i)).isEqualTo(i + 1);
        }
        assertThat(q.size()).isZero();
        assertThat(q.waitingGetters()).isZero();
    }

    // ------------------------------------------------------------------------------------------
    // task_done and join
    // ------------------------------------------------------------------------------------------

    @Test
    void join_emptyQueue_returnsAtOnce() throws InterruptedException { // test_join_empty_queue
        AsyncQueue<Integer> q = AsyncQueue.unboundedFifo();
        q.join();
        assertThat(q.join(0, SECONDS)).isTrue();
        assertThat(q.joinAsync()).isCompletedWithValue(null);
        q.putNowait(1);
        q.getNowait();
        q.taskDone();
        q.join();
    }

    @Test
    void taskDone_tooManyTimes_throwsIllegalState() { // test_task_done_underflow
        AsyncQueue<Integer> q = AsyncQueue.unboundedFifo();
        assertThatThrownBy(q::taskDone).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("taskDone() called more times");
        q.putNowait(1);
        q.taskDone();
        assertThatThrownBy(q::taskDone).isInstanceOf(IllegalStateException.class);
        assertThat(q.unfinishedTasks()).isZero();
    }

    @Test
    void join_workers_returnsAfterEveryTaskDone() throws Exception { // test_task_done
        AsyncQueue<Integer> q = AsyncQueue.unboundedFifo();
        AtomicInteger accumulator = new AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            workers.add(Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (true) {
                        int item = q.get();
                        accumulator.addAndGet(item);
                        q.taskDone();
                    }
                } catch (QueueShutDownException | InterruptedException done) {
                    // finished
                }
            }));
        }
        for (int i = 0; i < 100; i++) {
            q.putNowait(i);
        }
        q.join();
        assertThat(accumulator.get()).isEqualTo(4950);
        assertThat(q.unfinishedTasks()).isZero();
        q.shutdown();
        for (Thread t : workers) {
            t.join();
        }
    }

    @Test
    void join_countIncreasesOnPutNotOnGet() {
        AsyncQueue<Integer> q = AsyncQueue.unboundedFifo();
        q.putNowait(1);
        q.putNowait(2);
        assertThat(q.unfinishedTasks()).isEqualTo(2);
        q.getNowait();
        assertThat(q.unfinishedTasks()).isEqualTo(2);
        CompletableFuture<Void> joined = q.joinAsync();
        q.taskDone();
        assertThat(joined).isNotDone();
        q.taskDone();
        assertThat(joined).isCompletedWithValue(null);
    }

    @Test
    void join_handOffToWaitingGetter_countsAsPut() {
        AsyncQueue<Integer> q = AsyncQueue.unboundedFifo();
        CompletableFuture<Integer> waiting = q.getAsync();
        q.putNowait(1);
        assertThat(waiting).isCompletedWithValue(1);
        assertThat(q.unfinishedTasks()).isEqualTo(1);
        q.taskDone();
        assertThat(q.joinAsync()).isCompletedWithValue(null);
    }

    @Test
    void join_blocking_returnsWhenCountReachesZero() throws Exception {
        AsyncQueue<Integer> q = AsyncQueue.unboundedFifo();
        q.putNowait(1);
        CompletableFuture<Void> joined = inThread(() -> {
            q.join();
            return null;
        });
        CompletableFuture<Boolean> timedJoin = inThread(() -> q.join(20, SECONDS));
        awaitCondition(() -> q.waitingJoiners() == 2);
        q.taskDone();
        await(joined);
        assertThat(await(timedJoin)).isTrue();
        assertThat(q.waitingJoiners()).isZero();
    }

    @Test
    void join_releasedThenNewPut_stillReturns() {
        AsyncQueue<Integer> q = AsyncQueue.unboundedFifo();
        q.putNowait(1);
        CompletableFuture<Void> joined = q.joinAsync();
        q.taskDone();
        q.putNowait(2);
        assertThat(joined).isCompletedWithValue(null);
    }

    @Test
    void join_timesOut_returnsFalseAndLeavesNoWaiter() throws InterruptedException {
        AsyncQueue<Integer> q = AsyncQueue.unboundedFifo();
        q.putNowait(1);
        assertThat(q.join(10, MILLISECONDS)).isFalse();
        assertThat(q.waitingJoiners()).isZero();
    }

    @Test
    void joinAsync_cancelled_leavesNoWaiter() {
        AsyncQueue<Integer> q = AsyncQueue.unboundedFifo();
        q.putNowait(1);
        for (int i = 0; i < 50; i++) {
            assertThat(q.joinAsync().cancel(true)).isTrue();
        }
        assertThat(q.waitingJoiners()).isZero();
    }

    // ------------------------------------------------------------------------------------------
    // Shutdown
    // ------------------------------------------------------------------------------------------

    @Test
    void shutdownEmpty_putsAndGetsFail() throws Exception { // test_shutdown_empty
        AsyncQueue<String> q = AsyncQueue.fifo(1);
        q.shutdown();
        assertThat(q.isShutdown()).isTrue();
        assertThatThrownBy(() -> q.put("data")).isInstanceOf(QueueShutDownException.class);
        assertThatThrownBy(() -> q.offer("data", 1, SECONDS)).isInstanceOf(QueueShutDownException.class);
        assertThatThrownBy(() -> q.putNowait("data")).isInstanceOf(QueueShutDownException.class);
        assertThatThrownBy(() -> q.offer("data")).isInstanceOf(QueueShutDownException.class);
        assertThat(failureOf(q.putAsync("data"))).isInstanceOf(QueueShutDownException.class);
        assertThatThrownBy(q::get).isInstanceOf(QueueShutDownException.class);
        assertThatThrownBy(() -> q.poll(1, SECONDS)).isInstanceOf(QueueShutDownException.class);
        assertThatThrownBy(q::getNowait).isInstanceOf(QueueShutDownException.class);
        assertThatThrownBy(q::poll).isInstanceOf(QueueShutDownException.class);
        assertThat(failureOf(q.getAsync())).isInstanceOf(QueueShutDownException.class);
    }

    @Test
    void shutdownNonEmpty_getsDrainThenFail() throws Exception { // test_shutdown_nonempty
        AsyncQueue<String> q = AsyncQueue.fifo(2);
        q.putNowait("data");
        q.putNowait("more");
        q.shutdown(false);
        assertThat(q.get()).isEqualTo("data");
        assertThat(q.getNowait()).isEqualTo("more");
        assertThatThrownBy(q::getNowait).isInstanceOf(QueueShutDownException.class);
        assertThat(q.unfinishedTasks()).isEqualTo(2);
    }

    @Test
    void shutdown_fullQueue_putReportsShutdownBeforeFull() {
        AsyncQueue<String> q = AsyncQueue.fifo(1);
        q.putNowait("x");
        q.shutdown();
        assertThatThrownBy(() -> q.putNowait("y")).isInstanceOf(QueueShutDownException.class);
        assertThatThrownBy(() -> q.offer("y")).isInstanceOf(QueueShutDownException.class);
    }

    @Test
    void shutdownImmediate_dropsElementsAndReleasesJoin() throws Exception { // test_shutdown_immediate
        AsyncQueue<String> q = AsyncQueue.unboundedFifo();
        q.putNowait("data");
        CompletableFuture<Void> joined = q.joinAsync();
        q.shutdown(true);
        assertThat(q.size()).isZero();
        assertThat(q.unfinishedTasks()).isZero();
        assertThat(joined).isCompletedWithValue(null);
        assertThatThrownBy(q::getNowait).isInstanceOf(QueueShutDownException.class);
        assertThatThrownBy(q::taskDone).isInstanceOf(IllegalStateException.class)
                .isNotInstanceOf(QueueShutDownException.class);
        q.join();
    }

    @Test
    void shutdownImmediateWithUnfinished_joinWaitsForTakenElements() throws Exception {
        // test_shutdown_immediate_with_unfinished
        AsyncQueue<String> q = AsyncQueue.unboundedFifo();
        q.putNowait("data");
        q.putNowait("data");
        CompletableFuture<Void> joined = q.joinAsync();
        assertThat(q.get()).isEqualTo("data");
        q.shutdown(true);
        assertThat(q.size()).isZero();
        assertThat(q.unfinishedTasks()).isEqualTo(1);
        assertThat(joined).isNotDone();
        q.taskDone();
        assertThat(joined).isCompletedWithValue(null);
        assertThatThrownBy(q::taskDone).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shutdown_wakesBlockedGetterAndAsyncGetter() throws Exception {
        AsyncQueue<String> q = AsyncQueue.unboundedFifo();
        CompletableFuture<String> blocking = inThread(q::get);
        CompletableFuture<String> timed = inThread(() -> q.poll(20, SECONDS));
        awaitCondition(() -> q.waitingGetters() == 2);
        CompletableFuture<String> async = q.getAsync();
        q.shutdown();
        assertThatThrownBy(() -> await(blocking)).isInstanceOf(QueueShutDownException.class);
        assertThatThrownBy(() -> await(timed)).isInstanceOf(QueueShutDownException.class);
        assertThat(failureOf(async)).isInstanceOf(QueueShutDownException.class);
        assertThat(async.cancel(true)).isFalse();
        assertThat(q.waitingGetters()).isZero();
        assertThat(q.toString()).endsWith("shutdown]");
    }

    @Test
    void shutdown_wakesBlockedPutterAndAsyncPutter() throws Exception {
        AsyncQueue<String> q = AsyncQueue.fifo(1);
        q.putNowait("kept");
        CompletableFuture<Void> blocking = inThread(() -> {
            q.put("b");
            return null;
        });
        CompletableFuture<Boolean> timed = inThread(() -> q.offer("t", 20, SECONDS));
        awaitCondition(() -> q.waitingPutters() == 2);
        CompletableFuture<Void> async = q.putAsync("a");
        q.shutdown(false);
        assertThatThrownBy(() -> await(blocking)).isInstanceOf(QueueShutDownException.class);
        assertThatThrownBy(() -> await(timed)).isInstanceOf(QueueShutDownException.class);
        assertThat(failureOf(async)).isInstanceOf(QueueShutDownException.class);
        assertThat(q.getNowait()).isEqualTo("kept");
        assertThatThrownBy(q::getNowait).isInstanceOf(QueueShutDownException.class);
        assertThat(q.unfinishedTasks()).isEqualTo(1);
    }

    @Test
    void shutdownGraceful_doesNotReleaseJoin_taskDoneStillWorks() throws Exception {
        AsyncQueue<String> q = AsyncQueue.unboundedFifo();
        q.putNowait("x");
        CompletableFuture<Void> joined = inThread(() -> {
            q.join();
            return null;
        });
        awaitCondition(() -> q.waitingJoiners() == 1);
        q.shutdown(false);
        assertThat(joined).isNotDone();
        assertThat(q.getNowait()).isEqualTo("x");
        q.taskDone();
        await(joined);
    }

    @Test
    void shutdown_calledTwice_immediateAfterGracefulDrops() {
        AsyncQueue<String> q = AsyncQueue.unboundedFifo();
        q.putNowait("a");
        q.shutdown(false);
        q.shutdown(false);
        assertThat(q.size()).isEqualTo(1);
        q.shutdown(true);
        assertThat(q.size()).isZero();
        assertThat(q.unfinishedTasks()).isZero();
    }

    // ------------------------------------------------------------------------------------------
    // toString
    // ------------------------------------------------------------------------------------------

    @Test
    void toString_emptyShutDownQueue_showsCapacityAndSize() { // test_format
        AsyncQueue<Integer> q = AsyncQueue.unboundedFifo();
        assertThat(q.toString()).isEqualTo("AsyncQueue[FIFO capacity=unbounded size=0]");
        q.shutdown();
        assertThat(q.toString()).isEqualTo("AsyncQueue[FIFO capacity=unbounded size=0 shutdown]");
    }

    @Test
    void toString_showsSizesWaitersAndTasks() {
        AsyncQueue<Integer> q = AsyncQueue.lifo(1);
        q.putNowait(1);
        CompletableFuture<Void> put = q.putAsync(2);
        q.joinAsync();
        assertThat(q.toString()).isEqualTo("AsyncQueue[LIFO capacity=1 size=1 putters=1 tasks=1 joiners=1]");
        put.cancel(true);
        AsyncQueue<Integer> p = AsyncQueue.unboundedPriority();
        p.getAsync();
        p.getAsync();
        assertThat(p.toString()).isEqualTo("AsyncQueue[PRIORITY capacity=unbounded size=0 getters=2]");
    }
}
