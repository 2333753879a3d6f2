package dev.weft.ipc.queue;

import dev.weft.core.queue.QueueEmptyException;
import dev.weft.core.queue.QueueFullException;
import dev.weft.core.queue.QueueShutDownException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.IpcFormatException;
import dev.weft.ipc.internal.MappedDomain;
import dev.weft.ipc.internal.MappedQueue;
import dev.weft.ipc.internal.QueueDescriptor;
import dev.weft.ipc.internal.QueueRing;
import dev.weft.ipc.internal.RegistryDescriptor;
import dev.weft.ipc.testing.IpcTesting;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** In-process behaviour of {@link IpcQueue} (threads of one JVM); cross-process cases are in CrossProcessQueueTest. */
@Timeout(60)
class IpcQueueTest {

    private Path dir;
    private IpcDomain domain;

    @BeforeEach
    void open() throws Exception {
        dir = IpcTesting.newDomainDir("queue-test");
        domain = IpcTesting.open(dir);
    }

    @AfterEach
    void close() throws Exception {
        domain.close();
        IpcTesting.deleteTree(dir.getParent());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private QueueRing ring(IpcQueue q) {
        return ((MappedQueue) q).ring();
    }

    // ---- basic forms -------------------------------------------------------------------------

    @Test
    void put_thenTake_returnsMessagesInFifoOrder() throws Exception {
        IpcQueue q = domain.queue("q", 8, 32);
        for (int i = 0; i < 8; i++) {
            q.put(bytes("m" + i));
        }
        for (int i = 0; i < 8; i++) {
            assertThat(string(q.get())).isEqualTo("m" + i);
        }
        assertThat(q.poll()).isNull();
    }

    @Test
    void put_manyLapsThroughSmallRing_keepsOrderAndContent() throws Exception {
        IpcQueue q = domain.queue("q", 2, 16);
        for (int i = 0; i < 10_000; i++) {
            q.put(bytes(Integer.toString(i)));
            if (i % 2 == 1) {
                assertThat(string(q.get())).isEqualTo(Integer.toString(i - 1));
                assertThat(string(q.get())).isEqualTo(Integer.toString(i));
            }
        }
        assertThat(ring(q).head()).isEqualTo(10_000);
        assertThat(ring(q).tail()).isEqualTo(10_000);
    }

    @Test
    void capacityOne_alternatesPutAndTake() throws Exception {
        IpcQueue q = domain.queue("q", 1, 8);
        q.put(bytes("a"));
        assertThat(q.offer(bytes("b"))).isFalse();
        assertThat(string(q.get())).isEqualTo("a");
        assertThat(q.offer(bytes("b"))).isTrue();
        assertThat(string(q.get())).isEqualTo("b");
    }

    @Test
    void put_emptyAndMaximalMessages_roundTrip() throws Exception {
        IpcQueue q = domain.queue("q", 4, 100);
        byte[] max = new byte[100];
        for (int i = 0; i < max.length; i++) {
            max[i] = (byte) (i * 7);
        }
        q.put(new byte[0]);
        q.put(max);
        assertThat(q.get()).isEmpty();
        assertThat(q.get()).isEqualTo(max);
    }

    @Test
    void put_messageLongerThanMaximum_throwsIllegalArgumentAndPutsNothing() throws Exception {
        IpcQueue q = domain.queue("q", 4, 100);
        assertThatThrownBy(() -> q.put(new byte[101])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("101").hasMessageContaining("100");
        assertThatThrownBy(() -> q.putNowait(new byte[101])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> q.offer(ByteBuffer.allocate(101))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> q.putAsync(new byte[101])).isInstanceOf(IllegalArgumentException.class);
        assertThat(q.size()).isZero();
        assertThat(q.poll()).isNull();
    }

    @Test
    void putRange_andByteBuffer_putOnlyTheSelectedBytes() throws Exception {
        IpcQueue q = domain.queue("q", 4, 16);
        byte[] arr = bytes("xxhelloxx");
        q.put(arr, 2, 5);
        ByteBuffer buf = ByteBuffer.wrap(bytes("..world..")).position(2).limit(7);
        q.put(buf);
        assertThat(buf.position()).isEqualTo(7);
        q.putNowait(arr, 0, 2);
        assertThat(string(q.get())).isEqualTo("hello");
        assertThat(string(q.get())).isEqualTo("world");
        assertThat(string(q.get())).isEqualTo("xx");
        assertThatThrownBy(() -> q.put(arr, 5, 5)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void getIntoBuffer_copiesMessageAndAdvancesPosition() throws Exception {
        IpcQueue q = domain.queue("q", 4, 16);
        q.put(bytes("abc"));
        q.put(bytes("de"));
        ByteBuffer dst = ByteBuffer.allocateDirect(40);
        dst.position(3);
        assertThat(q.get(dst)).isEqualTo(3);
        assertThat(dst.position()).isEqualTo(6);
        assertThat(q.getNowait(dst)).isEqualTo(2);
        assertThat(dst.position()).isEqualTo(8);
        byte[] got = new byte[5];
        dst.get(3, got);
        assertThat(string(got)).isEqualTo("abcde");
        assertThat(q.poll(dst)).isEqualTo(-1);
        assertThat(q.poll(dst, Duration.ofMillis(1))).isEqualTo(-1);
    }

    @Test
    void bufferForms_timeUnitTimeouts_putAndGetOrTimeOut() throws Exception {
        IpcQueue q = domain.queue("q", 1, 16);
        assertThat(q.offer(ByteBuffer.wrap(bytes("abc")), 1, TimeUnit.SECONDS)).isTrue();
        long start = System.nanoTime();
        assertThat(q.offer(ByteBuffer.wrap(bytes("full")), 20, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(20));
        ByteBuffer dst = ByteBuffer.allocate(16);
        assertThat(q.poll(dst, 1, TimeUnit.SECONDS)).isEqualTo(3);
        assertThat(string(java.util.Arrays.copyOf(dst.array(), 3))).isEqualTo("abc");
        assertThat(q.poll(ByteBuffer.allocate(16), 0, TimeUnit.SECONDS)).isEqualTo(-1);
    }

    @Test
    void getIntoBuffer_tooSmall_throwsBeforeTakingAnything() throws Exception {
        IpcQueue q = domain.queue("q", 4, 16);
        q.put(bytes("abc"));
        assertThatThrownBy(() -> q.get(ByteBuffer.allocate(15))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("16").hasMessageContaining("15");
        assertThatThrownBy(() -> q.poll(ByteBuffer.allocate(16).asReadOnlyBuffer()))
                .isInstanceOf(java.nio.ReadOnlyBufferException.class);
        assertThat(string(q.get())).isEqualTo("abc");
    }

    @Test
    void immediateForms_onFullAndEmpty_throwOrReturnSpecialValues() throws Exception {
        IpcQueue q = domain.queue("q", 2, 8);
        assertThatThrownBy(q::getNowait).isInstanceOf(QueueEmptyException.class).hasMessageContaining("'q'");
        assertThat(q.poll()).isNull();
        assertThat(q.poll(Duration.ZERO)).isNull();
        assertThat(q.poll(-1, TimeUnit.SECONDS)).isNull();
        q.putNowait(bytes("1"));
        assertThat(q.offer(bytes("2"))).isTrue();
        assertThatThrownBy(() -> q.putNowait(bytes("3"))).isInstanceOf(QueueFullException.class);
        assertThat(q.offer(bytes("3"))).isFalse();
        assertThat(q.offer(bytes("3"), Duration.ZERO)).isFalse();
        assertThat(q.offer(ByteBuffer.wrap(bytes("3")))).isFalse();
        assertThat(string(q.getNowait())).isEqualTo("1");
        assertThat(string(q.poll())).isEqualTo("2");
    }

    @Test
    void offerTimed_full_returnsFalseAfterAtLeastTheTimeout() throws Exception {
        IpcQueue q = domain.queue("q", 1, 8);
        q.put(bytes("1"));
        long start = System.nanoTime();
        assertThat(q.offer(bytes("2"), Duration.ofMillis(50))).isFalse();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
        assertThat(q.size()).isEqualTo(1);
    }

    @Test
    void pollTimed_empty_returnsNullAfterAtLeastTheTimeout() throws Exception {
        IpcQueue q = domain.queue("q", 1, 8);
        long start = System.nanoTime();
        assertThat(q.poll(50, TimeUnit.MILLISECONDS)).isNull();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
    }

    @Test
    void sizes_reflectContents() throws Exception {
        IpcQueue q = domain.queue("q", 2, 8);
        assertThat(q.size()).isZero();
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.isFull()).isFalse();
        q.put(bytes("1"));
        assertThat(q.size()).isEqualTo(1);
        assertThat(q.isEmpty()).isFalse();
        q.put(bytes("2"));
        assertThat(q.isFull()).isTrue();
        assertThat(q.capacity()).isEqualTo(2);
        assertThat(q.maxMessageSize()).isEqualTo(8);
        assertThat(q.toString()).contains("'q'".replace("'", "")).contains("capacity=2");
    }

    // ---- blocking ----------------------------------------------------------------------------

    @Test
    void take_blockedUntilPut_returnsTheMessage() throws Exception {
        IpcQueue q = domain.queue("q", 2, 8);
        CompletableFuture<byte[]> got = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                got.complete(q.get());
            } catch (Throwable e) {
                got.completeExceptionally(e);
            }
        });
        IpcTesting.awaitBlocked(t);
        q.put(bytes("x"));
        assertThat(string(got.get(10, TimeUnit.SECONDS))).isEqualTo("x");
    }

    @Test
    void put_blockedWhileFull_completesAfterTake() throws Exception {
        IpcQueue q = domain.queue("q", 1, 8);
        q.put(bytes("1"));
        CompletableFuture<Void> put = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                q.put(bytes("2"));
                put.complete(null);
            } catch (Throwable e) {
                put.completeExceptionally(e);
            }
        });
        IpcTesting.awaitBlocked(t);
        assertThat(put).isNotDone();
        assertThat(string(q.get())).isEqualTo("1");
        put.get(10, TimeUnit.SECONDS);
        assertThat(string(q.get())).isEqualTo("2");
    }

    @Test
    void take_interruptedWhileWaiting_throwsAndTakesNothing() throws Exception {
        IpcQueue q = domain.queue("q", 2, 8);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                q.get();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        IpcTesting.awaitBlocked(t);
        t.interrupt();
        t.join(10_000);
        assertThat(failure.get()).isInstanceOf(InterruptedException.class);
        q.put(bytes("kept"));
        assertThat(string(q.get())).isEqualTo("kept");
    }

    @Test
    void take_interruptedOnEntry_throwsEvenWithAMessageReady() throws Exception {
        IpcQueue q = domain.queue("q", 2, 8);
        q.put(bytes("ready"));
        Thread.currentThread().interrupt();
        assertThatThrownBy(q::get).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
        assertThat(string(q.get())).isEqualTo("ready");
    }

    @Test
    void put_interruptedWhileWaitingOnFull_throwsAndPutsNothing() throws Exception {
        IpcQueue q = domain.queue("q", 1, 8);
        q.put(bytes("1"));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                q.put(bytes("2"));
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        IpcTesting.awaitBlocked(t);
        t.interrupt();
        t.join(10_000);
        assertThat(failure.get()).isInstanceOf(InterruptedException.class);
        assertThat(string(q.get())).isEqualTo("1");
        assertThat(q.poll()).isNull();
    }

    @Test
    void take_onVirtualThreads_manyBlockedWaitersAllServed() throws Exception {
        IpcQueue q = domain.queue("q", 64, 8);
        int n = 200;
        Set<String> got = ConcurrentHashMap.newKeySet();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    got.add(string(q.get()));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }));
        }
        for (int i = 0; i < n; i++) {
            q.put(bytes(Integer.toString(i)));
        }
        for (Thread t : threads) {
            t.join(30_000);
        }
        assertThat(got).hasSize(n);
    }

    @Test
    void mpmc_twoProducersTwoConsumers_everyMessageExactlyOnceInProducerOrder() throws Exception {
        IpcQueue q = domain.queue("q", 4, 8);
        int perProducer = 20_000;
        List<List<Integer>> seen = List.of(new ArrayList<>(), new ArrayList<>());
        CountDownLatch done = new CountDownLatch(2);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            int id = p;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < perProducer; i++) {
                        q.put(ByteBuffer.allocate(8).putInt(id).putInt(i).flip());
                    }
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }));
        }
        for (int c = 0; c < 2; c++) {
            List<Integer> mine = seen.get(c);
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    ByteBuffer b = ByteBuffer.allocate(8);
                    for (int i = 0; i < perProducer; i++) {
                        b.clear();
                        q.get(b);
                        b.flip();
                        mine.add(b.getInt() << 20 | b.getInt());
                    }
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                } finally {
                    done.countDown();
                }
            }));
        }
        assertThat(done.await(50, TimeUnit.SECONDS)).isTrue();
        Set<Integer> all = new HashSet<>();
        for (List<Integer> list : seen) {
            int[] last = {-1, -1};
            for (int v : list) {
                int producer = v >>> 20;
                int seq = v & 0xFFFFF;
                assertThat(seq).as("per-producer order seen by one consumer").isGreaterThan(last[producer]);
                last[producer] = seq;
                assertThat(all.add(v)).as("duplicate %s/%s", producer, seq).isTrue();
            }
        }
        assertThat(all).hasSize(2 * perProducer);
    }

    // ---- shutdown and close -------------------------------------------------------------------

    @Test
    void shutdown_graceful_rejectsPutsAndDrainsThenRejectsTakes() throws Exception {
        IpcQueue q = domain.queue("q", 4, 8);
        q.put(bytes("1"));
        q.put(bytes("2"));
        q.shutdown();
        assertThat(q.isShutdown()).isTrue();
        assertThatThrownBy(() -> q.put(bytes("3"))).isInstanceOf(QueueShutDownException.class);
        assertThatThrownBy(() -> q.putNowait(bytes("3"))).isInstanceOf(QueueShutDownException.class);
        assertThatThrownBy(() -> q.offer(bytes("3"))).isInstanceOf(QueueShutDownException.class);
        assertThat(string(q.get())).isEqualTo("1");
        assertThat(string(q.getNowait())).isEqualTo("2");
        assertThatThrownBy(q::get).isInstanceOf(QueueShutDownException.class);
        assertThatThrownBy(q::getNowait).isInstanceOf(QueueShutDownException.class);
        assertThatThrownBy(q::poll).isInstanceOf(QueueShutDownException.class);
        q.shutdown(); // idempotent
        assertThat(q.stats().discarded()).isZero();
    }

    @Test
    void shutdown_wakesBlockedTakerAndPutterWithShutDown() throws Exception {
        IpcQueue empty = domain.queue("empty", 2, 8);
        IpcQueue full = domain.queue("full", 1, 8);
        full.put(bytes("1"));
        AtomicReference<Throwable> taker = new AtomicReference<>();
        AtomicReference<Throwable> putter = new AtomicReference<>();
        Thread t1 = Thread.ofPlatform().start(() -> {
            try {
                empty.get();
            } catch (Throwable e) {
                taker.set(e);
            }
        });
        Thread t2 = Thread.ofPlatform().start(() -> {
            try {
                full.put(bytes("2"));
            } catch (Throwable e) {
                putter.set(e);
            }
        });
        IpcTesting.awaitBlocked(t1);
        IpcTesting.awaitBlocked(t2);
        empty.shutdown();
        full.shutdown();
        t1.join(10_000);
        t2.join(10_000);
        assertThat(taker.get()).isInstanceOf(QueueShutDownException.class);
        assertThat(putter.get()).isInstanceOf(QueueShutDownException.class);
        assertThat(string(full.get())).isEqualTo("1");
    }

    @Test
    void shutdownImmediate_discardsRemainingAndCountsThem() throws Exception {
        IpcQueue q = domain.queue("q", 4, 8);
        q.put(bytes("1"));
        q.put(bytes("2"));
        q.shutdown(true);
        assertThatThrownBy(q::get).isInstanceOf(QueueShutDownException.class).hasMessageContaining("immediately");
        assertThat(q.stats().discarded()).isEqualTo(2);
        assertThat(q.size()).isZero();
    }

    @Test
    void close_handle_failsLaterOperationsAndWakesBlockedTakerButNotOtherHandles() throws Exception {
        IpcQueue q = domain.queue("q", 2, 8);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                q.get();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        IpcTesting.awaitBlocked(t);
        q.close();
        t.join(10_000);
        assertThat(failure.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> q.put(bytes("x"))).isInstanceOf(IllegalStateException.class);
        q.close(); // idempotent
        IpcQueue again = domain.queue("q", 2, 8);
        assertThat(again).isNotSameAs(q);
        again.put(bytes("x"));
        try (IpcDomain other = IpcTesting.open(dir)) {
            assertThat(string(other.queue("q", 2, 8).get())).isEqualTo("x");
        }
    }

    @Test
    void domainClose_wakesBlockedTakerWithIllegalState() throws Exception {
        IpcDomain second = IpcTesting.open(dir);
        IpcQueue q = second.queue("q", 2, 8);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                q.get();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        IpcTesting.awaitBlocked(t);
        second.close();
        t.join(10_000);
        assertThat(failure.get()).isInstanceOf(IllegalStateException.class);
    }

    // ---- asynchronous forms -------------------------------------------------------------------

    @Test
    void getAsync_completesWhenAMessageArrives() throws Exception {
        IpcQueue q = domain.queue("q", 2, 8);
        CompletableFuture<byte[]> f = q.getAsync();
        assertThat(f).isNotDone();
        q.put(bytes("a"));
        assertThat(string(f.get(10, TimeUnit.SECONDS))).isEqualTo("a");
    }

    @Test
    void getAsync_cancelledWhileWaiting_takesNothing() throws Exception {
        IpcQueue q = domain.queue("q", 2, 8);
        CompletableFuture<byte[]> f = q.getAsync();
        assertThat(f.cancel(true)).isTrue();
        q.put(bytes("kept"));
        assertThat(string(q.get())).isEqualTo("kept");
        assertThat(q.stats().redeliveries() + q.stats().discarded()).isZero();
    }

    @Test
    void getAsync_raceOfCancelAgainstPut_neverLosesOrDuplicatesAMessage() throws Exception {
        IpcQueue q = domain.queue("q", 64, 8);
        int rounds = 300;
        int delivered = 0;
        for (int i = 0; i < rounds; i++) {
            CompletableFuture<byte[]> f = q.getAsync();
            q.put(bytes(Integer.toString(i)));
            boolean cancelled = f.cancel(true);
            if (cancelled) {
                assertThat(string(q.get())).isEqualTo(Integer.toString(i));
            } else {
                assertThat(string(f.get(10, TimeUnit.SECONDS))).isEqualTo(Integer.toString(i));
                delivered++;
            }
            assertThat(q.poll()).isNull();
        }
        assertThat(delivered).isBetween(0, rounds);
    }

    @Test
    void getAsync_orTimeoutFires_messageStaysInQueue() throws Exception {
        IpcQueue q = domain.queue("q", 2, 8);
        CompletableFuture<byte[]> f = q.getAsync().orTimeout(20, TimeUnit.MILLISECONDS);
        assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(java.util.concurrent.TimeoutException.class);
        q.put(bytes("kept"));
        assertThat(string(q.get())).isEqualTo("kept");
    }

    @Test
    void putAsync_onFullQueue_completesAfterTake_andCancelBeforePutsNothing() throws Exception {
        IpcQueue q = domain.queue("q", 1, 8);
        q.put(bytes("1"));
        CompletableFuture<Void> f = q.putAsync(bytes("2"));
        CompletableFuture<Void> cancelled = q.putAsync(bytes("never"));
        assertThat(cancelled.cancel(true)).isTrue();
        assertThat(f).isNotDone();
        assertThat(string(q.get())).isEqualTo("1");
        f.get(10, TimeUnit.SECONDS);
        assertThat(string(q.get())).isEqualTo("2");
        assertThat(q.poll(Duration.ofMillis(50))).isNull();
    }

    @Test
    void putAsync_shutDown_completesExceptionally() throws Exception {
        IpcQueue q = domain.queue("q", 1, 8);
        q.put(bytes("1"));
        CompletableFuture<Void> f = q.putAsync(bytes("2"));
        q.shutdown();
        assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(QueueShutDownException.class);
    }

    // ---- files and handles --------------------------------------------------------------------

    @Test
    void queue_sameNameTwice_returnsSameHandle_andOtherDomainHandleSeesSameQueue() throws Exception {
        IpcQueue a = domain.queue("q", 4, 8);
        assertThat(domain.queue("q", 4, 8)).isSameAs(a);
        a.put(bytes("shared"));
        try (IpcDomain other = IpcTesting.open(dir)) {
            IpcQueue b = other.queue("q", QueueSpec.of(4, 8));
            assertThat(b).isNotSameAs(a);
            assertThat(string(b.get())).isEqualTo("shared");
        }
    }

    @Test
    void queue_otherParameters_failNamingTheParameter() throws Exception {
        domain.queue("q", 4, 8);
        assertThatThrownBy(() -> domain.queue("q", 8, 8)).isInstanceOf(IpcFormatException.class)
                .hasMessageContaining("capacity expected 8 but was 4");
        assertThatThrownBy(() -> domain.queue("q", 4, 16)).isInstanceOf(IpcFormatException.class)
                .hasMessageContaining("maxMessageSize expected 16 but was 8");
        assertThatThrownBy(() -> domain.joinableQueue("q", 4, 8)).isInstanceOf(IpcFormatException.class)
                .hasMessageContaining("expected joinable but was plain");
        assertThatThrownBy(() -> domain.queue("q", QueueSpec.builder().capacity(4).maxMessageSize(8)
                .redeliverOnConsumerDeath(false).build())).isInstanceOf(IpcFormatException.class)
                .hasMessageContaining("redeliverOnConsumerDeath expected false but was true");
    }

    @Test
    void queue_badParameters_failFast() {
        assertThatThrownBy(() -> domain.queue("q", 1000, 8)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("power of two").hasMessageContaining("1000").hasMessageContaining("1024");
        assertThatThrownBy(() -> domain.queue("q", 0, 8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> domain.queue("q", 4, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxMessageSize");
        assertThatThrownBy(() -> domain.queue("q", 1 << 20, 1 << 20)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 GiB");
        assertThatThrownBy(() -> domain.queue("../q", 4, 8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> QueueSpec.builder().capacity(4).build()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void queue_fileOfAnotherKind_isRejected() throws Exception {
        Files.write(dir.resolve("queue.q"), new byte[4096]);
        Files.setPosixFilePermissions(dir.resolve("queue.q"), PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> domain.queue("q", 4, 8)).isInstanceOf(IpcFormatException.class)
                .hasMessageContaining("magic");
    }

    @Test
    void unlink_removesTheName_nextOpenCreatesAFreshQueue_oldHandleStillWorks() throws Exception {
        IpcQueue q = domain.queue("q", 4, 8);
        q.put(bytes("old"));
        q.unlink();
        assertThat(Files.exists(dir.resolve("queue.q"))).isFalse();
        q.unlink(); // already gone: fine
        IpcQueue fresh = domain.queue("q", 4, 8);
        assertThat(fresh.poll()).isNull();
        assertThat(string(q.get())).isEqualTo("old");
    }

    @Test
    void messages_surviveAllHandlesClosing() throws Exception {
        domain.queue("q", 4, 16).put(bytes("persisted"));
        domain.close();
        domain = IpcTesting.open(dir);
        assertThat(string(domain.queue("q", 4, 16).get())).isEqualTo("persisted");
    }

    @Test
    void syncOnCommit_putsAndTakesAsUsual() throws Exception {
        IpcQueue q = domain.queue("q", QueueSpec.builder().capacity(4).maxMessageSize(16).syncOnCommit(true).build());
        q.put(bytes("durable"));
        assertThat(string(q.get())).isEqualTo("durable");
        assertThatThrownBy(() -> domain.queue("q", 4, 16)).isInstanceOf(IpcFormatException.class)
                .hasMessageContaining("syncOnCommit expected false but was true");
    }

    @Test
    void nameReplacedByAnotherQueueFile_nextOpenMapsTheNewFile_oldHandleKeepsTheOld() throws Exception {
        IpcQueue old = domain.queue("q", 4, 16);
        old.put(bytes("old"));
        // Another process unlinks the queue and a new one appears under the same name (here: a
        // queue built in another domain directory, copied in place).
        Path otherDir = IpcTesting.newDomainDir("queue-test-other");
        try (IpcDomain other = IpcTesting.open(otherDir)) {
            other.queue("q", 4, 16).put(bytes("new"));
        }
        Files.delete(dir.resolve("queue.q"));
        Files.copy(otherDir.resolve("queue.q"), dir.resolve("queue.q"));
        IpcTesting.deleteTree(otherDir.getParent());
        IpcQueue reopened = domain.queue("q", 4, 16);
        assertThat(reopened).isNotSameAs(old);
        assertThat(string(reopened.get())).isEqualTo("new");
        assertThat(string(old.get())).isEqualTo("old");
    }

    // ---- recovery of slots of dead participants (fabricated dead tokens) ----------------------

    /** A token of registry entry 1000, generation 1: that entry is FREE, so the token is dead. */
    private static final int DEAD_TOKEN = RegistryDescriptor.token(1000, 1);

    @Test
    void janitor_writingSlotOfDeadProducer_becomesTombstoneThatTakesSkip() throws Exception {
        MappedQueue q = ((MappedDomain) domain).queueImpl("q", QueueSpec.of(4, 8), false);
        QueueRing ring = q.ring();
        // A dead producer claimed position 0 (and advanced the tail), then died mid-copy.
        ring.memory().setLongVolatile(slotOffset(ring, 0), QueueDescriptor.slotWord(0, QueueDescriptor.WRITING, DEAD_TOKEN));
        ring.memory().setLongVolatile(QueueDescriptor.TAIL_OFFSET, 1);
        q.put(bytes("after"));
        assertThat(q.poll()).as("a committed message behind an unfinished one waits").isNull();
        ring.janitorPass(); // first sight of the stall
        ring.janitorPass(); // unchanged for a whole pass, owner dead: tombstone
        assertThat(string(q.get())).isEqualTo("after");
        assertThat(q.stats().tombstones()).isEqualTo(1);
    }

    @Test
    void janitor_readingSlotOfDeadConsumer_isDeliveredAgain() throws Exception {
        MappedQueue q = ((MappedDomain) domain).queueImpl("q", QueueSpec.of(4, 8), false);
        QueueRing ring = q.ring();
        q.put(bytes("m0"));
        q.put(bytes("m1"));
        // A dead consumer claimed position 0 and advanced the head.
        ring.memory().setLongVolatile(slotOffset(ring, 0), QueueDescriptor.slotWord(0, QueueDescriptor.READING, DEAD_TOKEN));
        ring.memory().setLongVolatile(QueueDescriptor.HEAD_OFFSET, 1);
        assertThat(string(q.get())).isEqualTo("m1");
        assertThat(q.poll()).isNull();
        assertThat(ring.sweep(DEAD_TOKEN)).isTrue();
        assertThat(string(q.get())).isEqualTo("m0");
        assertThat(q.stats().redeliveries()).isEqualTo(1);
        q.put(bytes("m2"));
        assertThat(string(q.get())).isEqualTo("m2");
    }

    @Test
    void janitor_readingSlotOfDeadConsumer_withDropPolicy_isDiscardedAndCounted() throws Exception {
        MappedQueue q = ((MappedDomain) domain).queueImpl("q",
                QueueSpec.builder().capacity(4).maxMessageSize(8).redeliverOnConsumerDeath(false).build(), false);
        QueueRing ring = q.ring();
        q.put(bytes("m0"));
        ring.memory().setLongVolatile(slotOffset(ring, 0), QueueDescriptor.slotWord(0, QueueDescriptor.READING, DEAD_TOKEN));
        ring.memory().setLongVolatile(QueueDescriptor.HEAD_OFFSET, 1);
        assertThat(ring.sweep(DEAD_TOKEN)).isTrue();
        assertThat(q.poll()).isNull();
        assertThat(q.stats()).isEqualTo(new QueueStats(0, 0, 1, 0));
        q.put(bytes("m1"));
        assertThat(string(q.get())).isEqualTo("m1");
    }

    @Test
    void janitor_slotOfThisLiveProcess_isNeverRecovered() throws Exception {
        MappedQueue q = ((MappedDomain) domain).queueImpl("q", QueueSpec.of(4, 8), false);
        QueueRing ring = q.ring();
        int live = ((MappedDomain) domain).token();
        // Another thread of this live process is writing position 0 (live processes of other
        // JVMs: CrossProcessQueueTest).
        ring.memory().setLongVolatile(slotOffset(ring, 0), QueueDescriptor.slotWord(0, QueueDescriptor.WRITING, live));
        assertThat(ring.sweep(live)).as("never its own token").isFalse();
        ring.janitorPass();
        ring.janitorPass();
        assertThat(QueueDescriptor.state(ring.slotWordAt(0))).isEqualTo(QueueDescriptor.WRITING);
        assertThat(q.stats().tombstones()).isZero();
    }

    private static int slotOffset(QueueRing ring, int index) {
        int stride = ring.memory().getIntPlain(QueueDescriptor.STRIDE_OFFSET);
        return ring.memory().getIntPlain(QueueDescriptor.SLOTS_OFFSET_OFFSET) + index * stride;
    }
}
