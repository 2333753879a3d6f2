package dev.weft.ipc.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.internal.EventDescriptor;
import dev.weft.ipc.internal.MappedDomain;
import dev.weft.ipc.internal.MappedEvent;
import dev.weft.ipc.testing.IpcTesting;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** In-process behaviour of {@link IpcEvent}; cross-process cases are in CrossProcessEventTest. */
@Timeout(60)
class IpcEventTest {

    private Path dir;
    private IpcDomain domain;

    @BeforeEach
    void open() throws Exception {
        dir = IpcTesting.newDomainDir("event-test");
        domain = IpcTesting.open(dir);
    }

    @AfterEach
    void close() throws Exception {
        domain.close();
        IpcTesting.deleteTree(dir.getParent());
    }

    @Test
    void newEvent_isClear() throws Exception {
        assertThat(domain.event("e").isSet()).isFalse();
    }

    @Test
    void set_thenClear_togglesFlag() throws Exception {
        IpcEvent e = domain.event("e");
        e.set();
        assertThat(e.isSet()).isTrue();
        e.set(); // idempotent
        assertThat(e.isSet()).isTrue();
        e.clear();
        assertThat(e.isSet()).isFalse();
        e.clear();
        assertThat(e.isSet()).isFalse();
    }

    @Test
    void await_whenSet_returnsAtOnce() throws Exception {
        IpcEvent e = domain.event("e");
        e.set();
        e.await();
        assertThat(e.await(Duration.ZERO)).isTrue();
        assertThat(e.await(1, TimeUnit.MILLISECONDS)).isTrue();
    }

    @Test
    void awaitTimed_neverSet_returnsFalseAfterTimeout() throws Exception {
        IpcEvent e = domain.event("e");
        assertThat(e.await(Duration.ZERO)).isFalse();
        assertThat(e.await(Duration.ofMillis(-1))).isFalse();
        long start = System.nanoTime();
        assertThat(e.await(Duration.ofMillis(120))).isFalse();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(120L, 5_000L);
    }

    @Test
    void set_wakesWaitingThread() throws Exception {
        IpcEvent e = domain.event("e");
        AtomicReference<Boolean> result = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                result.set(e.await(Duration.ofSeconds(30)));
            } catch (InterruptedException ex) {
                throw new AssertionError(ex);
            }
        });
        awaitSleeper(e);
        e.set();
        t.join();
        assertThat(result.get()).isTrue();
    }

    @Test
    void setThenClearPulse_wakesEveryWaiterWithTrue() throws Exception {
        IpcEvent e = domain.event("pulse");
        int n = 8;
        AtomicInteger woken = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    if (e.await(Duration.ofSeconds(30))) {
                        woken.incrementAndGet();
                    }
                } catch (InterruptedException ex) {
                    throw new AssertionError(ex);
                }
            }));
        }
        for (Thread t : threads) {
            awaitBlocked(t);
        }
        e.set();
        e.clear();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(woken.get()).isEqualTo(n);
        assertThat(e.isSet()).isFalse();
    }

    @Test
    void await_interruptedOnEntry_throws() throws Exception {
        IpcEvent e = domain.event("e");
        e.set();
        Thread.currentThread().interrupt();
        assertThatThrownBy(e::await).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
    }

    @Test
    void await_interruptedWhileWaiting_throwsPromptly() throws Exception {
        IpcEvent e = domain.event("e");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                e.await();
            } catch (Throwable ex) {
                thrown.set(ex);
            }
        });
        awaitSleeper(e);
        awaitBlocked(t);
        long start = System.nanoTime();
        t.interrupt();
        t.join();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2_000);
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    }

    @Test
    void awaitAsync_completesWhenSet() throws Exception {
        IpcEvent e = domain.event("async");
        CompletableFuture<Void> f = e.awaitAsync();
        assertThat(f).isNotDone();
        awaitSleeper(e);
        e.set();
        assertThat(f.get(30, TimeUnit.SECONDS)).isNull();
    }

    /**
     * The virtual thread behind awaitAsync() is kept from starting (every carrier is busy) while a
     * set-then-clear pulse happens: the wait began at the call, so the pulse must complete the future.
     */
    @Test
    void awaitAsync_pulseBeforeItsThreadRuns_completesTheFuture() throws Exception {
        IpcEvent e = domain.event("e");
        int carriers = Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
                Runtime.getRuntime().availableProcessors());
        CountDownLatch allBusy = new CountDownLatch(carriers);
        AtomicBoolean release = new AtomicBoolean();
        List<Thread> spinners = new ArrayList<>();
        for (int i = 0; i < carriers; i++) {
            spinners.add(Thread.ofVirtual().start(() -> {
                allBusy.countDown();
                while (!release.get()) {
                    Thread.onSpinWait(); // holds its carrier: no other virtual thread can start
                }
            }));
        }
        CompletableFuture<Void> f;
        try {
            assertThat(allBusy.await(30, TimeUnit.SECONDS)).isTrue();
            f = e.awaitAsync();
            e.set();
            e.clear();
        } finally {
            release.set(true);
        }
        for (Thread t : spinners) {
            t.join();
        }
        assertThat(f.get(30, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void awaitAsync_alreadySet_isCompleted() throws Exception {
        IpcEvent e = domain.event("async");
        e.set();
        assertThat(e.awaitAsync()).isCompleted();
    }

    @Test
    void awaitAsync_cancelled_endsWaitAndLeavesEventUnchanged() throws Exception {
        MappedEvent e = ((MappedDomain) domain).eventImpl("async");
        CompletableFuture<Void> f = e.awaitAsync();
        awaitSleeper(e);
        assertThat(f.cancel(true)).isTrue();
        assertThatThrownBy(() -> f.get(1, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
        assertThat(e.isSet()).isFalse();
        e.set();
        assertThat(e.await(Duration.ZERO)).isTrue();
    }

    @Test
    void awaitAsync_domainClosed_completesExceptionally() throws Exception {
        IpcEvent e = domain.event("async");
        CompletableFuture<Void> f = e.awaitAsync();
        awaitSleeper(e);
        domain.close();
        assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void await_thousandVirtualThreads_allWakeAndCarriersStayFree() throws Exception {
        IpcEvent e = domain.event("vt");
        int n = 1000;
        CountDownLatch done = new CountDownLatch(n);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    e.await();
                    done.countDown();
                } catch (InterruptedException ex) {
                    throw new AssertionError(ex);
                }
            }));
        }
        for (Thread t : threads) {
            awaitBlocked(t);
        }
        CountDownLatch others = new CountDownLatch(100);
        for (int i = 0; i < 100; i++) {
            Thread.ofVirtual().start(others::countDown);
        }
        assertThat(others.await(10, TimeUnit.SECONDS)).isTrue();
        e.set();
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void set_afterDomainClosed_throwsIllegalState() throws Exception {
        IpcEvent e = domain.event("e");
        domain.close();
        assertThatThrownBy(e::set).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(e::isSet).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void toString_showsFlag() throws Exception {
        IpcEvent e = domain.event("shown");
        assertThat(e.toString()).contains("shown").contains("clear");
        e.set();
        assertThat(e.toString()).contains("set");
    }

    /** Waits until some waiter has published the sleeper flag of {@code e}. */
    static void awaitSleeper(IpcEvent e) throws Exception {
        MappedEvent m = (MappedEvent) e;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((m.word() & EventDescriptor.WAITERS) == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no waiter went to sleep on " + e);
            }
            LockSupport.parkNanos(1_000_000); // polls the word; orders nothing
        }
    }

    static void awaitBlocked(Thread t) throws InterruptedException {
        IpcTesting.awaitBlocked(t);
    }
}
