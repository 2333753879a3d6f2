package dev.weft.core.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MpmcRingTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 7, 16})
    void fillsToCapacity_thenRefuses_andReturnsInOrder(int capacity) {
        MpmcRing<Integer> r = new MpmcRing<>(capacity);
        for (int lap = 0; lap < 3; lap++) {
            for (int i = 0; i < capacity; i++) {
                assertThat(r.offer(lap * 100 + i)).isEqualTo(MpmcRing.OK);
            }
            assertThat(r.offer(-1)).isEqualTo(MpmcRing.FULL);
            assertThat(r.size()).isEqualTo(capacity);
            for (int i = 0; i < capacity; i++) {
                assertThat(r.poll()).isEqualTo(lap * 100 + i);
            }
            assertThat(r.poll()).isNull();
            assertThat(r.size()).isZero();
        }
        assertThat(r.putCount()).isEqualTo(3L * capacity);
        assertThat(r.takeCount()).isEqualTo(3L * capacity);
    }

    @Test
    void close_refusesPuts_andKeepsWhatIsIn() {
        MpmcRing<Integer> r = new MpmcRing<>(3);
        r.offer(1);
        r.offer(2);
        r.close();
        r.close();
        assertThat(r.offer(3)).isEqualTo(MpmcRing.CLOSED);
        assertThat(r.poll()).isEqualTo(1);
        assertThat(r.poll()).isEqualTo(2);
        assertThat(r.poll()).isNull();
        assertThat(r.putCount()).isEqualTo(2L);
    }

    /** Producers and consumers at once: every element arrives once, each producer's in order. */
    @ParameterizedTest
    @ValueSource(ints = {1, 3, 8})
    void concurrentProducersAndConsumers_loseAndDuplicateNothing(int capacity) throws Exception {
        final int producers = 3;
        final int consumers = 3;
        final int perProducer = 100_000;
        MpmcRing<Long> r = new MpmcRing<>(capacity);
        CountDownLatch start = new CountDownLatch(1);
        AtomicLong taken = new AtomicLong();
        AtomicLong sum = new AtomicLong();
        List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            final long id = p;
            threads.add(Thread.ofPlatform().start(() -> {
                await(start);
                for (long i = 0; i < perProducer; i++) {
                    Long e = id << 32 | i;
                    while (r.offer(e) != MpmcRing.OK) {
                        Thread.onSpinWait();
                    }
                }
            }));
        }
        for (int c = 0; c < consumers; c++) {
            threads.add(Thread.ofPlatform().start(() -> {
                await(start);
                long[] last = new long[producers];
                java.util.Arrays.fill(last, -1L);
                while (taken.get() < (long) producers * perProducer) {
                    Long e = r.poll();
                    if (e == null) {
                        Thread.onSpinWait();
                        continue;
                    }
                    int id = (int) (e >>> 32);
                    long seq = e & 0xffff_ffffL;
                    if (seq <= last[id]) {
                        errors.add(new AssertionError("producer " + id + ": " + seq + " after " + last[id]));
                    }
                    last[id] = seq;
                    sum.addAndGet(seq);
                    taken.incrementAndGet();
                }
            }));
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(errors).isEmpty();
        assertThat(taken.get()).isEqualTo((long) producers * perProducer);
        assertThat(sum.get()).isEqualTo(producers * ((long) perProducer * (perProducer - 1) / 2));
        assertThat(r.poll()).isNull();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
