package dev.weft.testlib.sync;

import static dev.weft.testlib.Threads.inThread;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.core.sync.ConditionVariable;
import dev.weft.core.sync.ExclusiveLock;
import dev.weft.testlib.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@link ConditionVariable} contract as a test suite, run against every Weft condition at every
 * scale by a subclass in that implementation's tests: a wait releases the lock and returns holding
 * it again; {@code signal}, {@code signal(n)} and {@code signalAll} wake that many waiters, oldest
 * first; a signal with no waiter is not remembered; timeouts in every style; interrupts on entry,
 * while waiting and after a signal; a timeout after a signal; {@code waitFor}; {@code awaitAsync},
 * completed and cancelled (before and after a signal); the misuse exceptions; and a counted
 * ping-pong in which no signal may be lost.
 *
 * <p>A subclass supplies {@link #createCondition()}; it may override {@link #awaitBlocked(Thread)}
 * if its waiting threads do not show as {@code WAITING}/{@code TIMED_WAITING}. The suite uses only
 * the contract, with live parties throughout; recovery from dead holders or dead waiters stays in
 * the implementation's own tests.
 *
 * <p>No sleeps order events. A waiter is known to be listed once the test thread acquires the lock
 * after the waiter took it ({@code listedWaiter}): a wait lists itself before it releases the lock.
 * Where a waiter must withdraw first, the suite polls {@link ConditionVariable#waiterCount()}.
 */
@Timeout(60)
public abstract class ConditionVariableContractTest {

    /** The timed waits that must time out: short, the minimum wait is checked. */
    private static final Duration SHORT = Duration.ofMillis(20);

    /** The timed waits that must not time out. */
    private static final Duration LONG = Duration.ofSeconds(30);

    /**
     * A new condition bound to a new lock, both free, with no waiter.
     *
     * @return the condition
     * @throws Exception if it cannot be created
     */
    protected abstract ConditionVariable createCondition() throws Exception;

    /**
     * Waits until {@code t} is blocked. The default waits for {@code WAITING}/{@code TIMED_WAITING}.
     *
     * @param t the thread
     * @throws InterruptedException if interrupted
     */
    protected void awaitBlocked(Thread t) throws InterruptedException {
        Threads.awaitWaiting(t);
    }

    // ---- helpers ------------------------------------------------------------------------------

    /**
     * Starts a thread that takes the lock and runs {@code body} (a wait on {@code c}), releasing the
     * lock after it; returns once the waiter is listed, with the lock held by the calling thread.
     */
    private static <T> CompletableFuture<T> listedWaiter(ConditionVariable c, Threads.Body<T> body,
            AtomicReference<Thread> thread) throws InterruptedException {
        ExclusiveLock lock = c.lock();
        CountDownLatch holding = new CountDownLatch(1);
        CompletableFuture<T> f = inThread(() -> {
            lock.acquire();
            holding.countDown();
            try {
                return body.run();
            } finally {
                lock.release();
            }
        }, thread);
        assertThat(holding.await(30, TimeUnit.SECONDS)).as("the waiter took the lock").isTrue();
        // Granted only once the waiter has released the lock, which it does after listing itself.
        assertThat(lock.tryAcquire(LONG)).as("the waiter released the lock").isTrue();
        return f;
    }

    private static <T> CompletableFuture<T> listedWaiter(ConditionVariable c, Threads.Body<T> body)
            throws InterruptedException {
        return listedWaiter(c, body, new AtomicReference<>());
    }

    /** Polls the waiter count until it is {@code expected} (30 s at most); waits for a state, orders nothing else. */
    private static void awaitWaiterCount(ConditionVariable c, int expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (c.waiterCount() != expected) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("expected " + expected + " waiters, was " + c.waiterCount() + ": " + c);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** Every wait form that reacts to interrupts, each waiting up to 30 s for a signal that never comes. */
    private static List<Threads.Body<?>> interruptibleWaits(ConditionVariable c) {
        return List.of(
                () -> {
                    c.await();
                    return null;
                },
                () -> c.await(LONG),
                () -> c.await(LONG.toSeconds(), TimeUnit.SECONDS),
                () -> c.awaitNanos(LONG.toNanos()),
                () -> c.awaitUntil(new Date(System.currentTimeMillis() + LONG.toMillis())),
                () -> {
                    c.waitFor(() -> false);
                    return null;
                },
                () -> c.waitFor(() -> false, LONG),
                () -> c.waitFor(() -> false, LONG.toSeconds(), TimeUnit.SECONDS));
    }

    /** Takes the lock within 30 s (it must become free) and releases it again. */
    private static void assertEventuallyFree(ExclusiveLock lock) throws InterruptedException {
        assertThat(lock.tryAcquire(LONG)).as("the lock became free").isTrue();
        lock.release();
    }

    /** Whether the lock is held now (by anyone): a try to take it fails. */
    private static boolean held(ExclusiveLock lock) {
        if (lock.tryAcquire()) {
            lock.release();
            return false;
        }
        return true;
    }

    // ---- waiting and signalling ---------------------------------------------------------------

    @Test
    void await_releasesTheLock_andReturnsHoldingItAfterTheSignal() throws Exception {
        ConditionVariable c = createCondition();
        ExclusiveLock lock = c.lock();
        AtomicReference<Thread> t = new AtomicReference<>();
        CompletableFuture<Boolean> w = listedWaiter(c, () -> {
            c.await();
            return held(lock);
        }, t);
        assertThat(c.waiterCount()).isEqualTo(1);
        c.signal();
        assertThat(c.waiterCount()).as("chosen by the signal").isZero();
        awaitBlocked(t.get());
        assertThat(w).as("cannot return before the lock is released").isNotDone();
        lock.release();
        assertThat(w.get(30, TimeUnit.SECONDS)).as("the lock is held on return").isTrue();
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void everyWaitForm_signalled_returnsAsSignalledHoldingTheLock() throws Exception {
        ConditionVariable c = createCondition();
        ExclusiveLock lock = c.lock();
        List<Threads.Body<Boolean>> forms = List.of(
                () -> {
                    c.await();
                    return true;
                },
                () -> c.await(LONG),
                () -> c.await(30, TimeUnit.SECONDS),
                () -> c.awaitUntil(new Date(System.currentTimeMillis() + LONG.toMillis())),
                () -> {
                    c.awaitNanos(LONG.toNanos());
                    return true;
                },
                () -> {
                    c.awaitUninterruptibly();
                    return true;
                });
        for (Threads.Body<Boolean> form : forms) {
            CompletableFuture<Boolean> w = listedWaiter(c, () -> form.run() && held(lock));
            c.signal();
            lock.release();
            assertThat(w.get(30, TimeUnit.SECONDS)).as("signalled, the lock held on return").isTrue();
        }
        assertThat(c.waiterCount()).isZero();
        assertEventuallyFree(lock);
    }

    @Test
    void signal_wakesTheOldestWaiter_signalNWakesN_signalAllTheRest() throws Exception {
        ConditionVariable c = createCondition();
        ExclusiveLock lock = c.lock();
        List<CompletableFuture<Integer>> ws = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int index = i;
            ws.add(listedWaiter(c, () -> {
                c.await();
                return index;
            }));
            if (i < 4) {
                lock.release();
            }
        }
        assertThat(c.waiterCount()).isEqualTo(5);
        c.signal(0);
        assertThat(c.waiterCount()).as("signal(0) wakes none").isEqualTo(5);
        c.signal();
        assertThat(c.waiterCount()).isEqualTo(4);
        lock.release();
        assertThat(ws.get(0).get(30, TimeUnit.SECONDS)).isZero();
        assertThat(ws.subList(1, 5)).allMatch(f -> !f.isDone());

        lock.acquire();
        c.signal(2);
        assertThat(c.waiterCount()).isEqualTo(2);
        lock.release();
        assertThat(ws.get(1).get(30, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(ws.get(2).get(30, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(ws.subList(3, 5)).allMatch(f -> !f.isDone());
        assertThat(c.waiterCount()).isEqualTo(2);

        lock.acquire();
        c.signalAll();
        assertThat(c.waiterCount()).isZero();
        lock.release();
        assertThat(ws.get(3).get(30, TimeUnit.SECONDS)).isEqualTo(3);
        assertThat(ws.get(4).get(30, TimeUnit.SECONDS)).isEqualTo(4);
        assertEventuallyFree(lock);
    }

    @Test
    void signalN_moreThanWaiting_wakesAllOfThem() throws Exception {
        ConditionVariable c = createCondition();
        ExclusiveLock lock = c.lock();
        CompletableFuture<Boolean> a = listedWaiter(c, () -> c.await(LONG));
        lock.release();
        CompletableFuture<Boolean> b = listedWaiter(c, () -> c.await(LONG));
        c.signal(10);
        assertThat(c.waiterCount()).isZero();
        lock.release();
        assertThat(a.get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(b.get(30, TimeUnit.SECONDS)).isTrue();
        lock.acquire();
        assertThat(c.await(SHORT)).as("the surplus of signal(10) was not remembered").isFalse();
        lock.release();
    }

    @Test
    void signal_withNoWaiter_isNotRemembered() throws Exception {
        ConditionVariable c = createCondition();
        ExclusiveLock lock = c.lock();
        lock.acquire();
        c.signal();
        c.signal(3);
        c.signalAll();
        assertThat(c.await(SHORT)).isFalse();
        assertThat(c.awaitNanos(SHORT.toNanos())).isLessThanOrEqualTo(0L);
        assertThat(c.waiterCount()).isZero();
        lock.release();
    }

    // ---- timeouts -----------------------------------------------------------------------------

    @Test
    void timedAwait_noSignal_returnsFalseAfterTheTimeoutHoldingTheLock() throws Exception {
        ConditionVariable c = createCondition();
        ExclusiveLock lock = c.lock();
        lock.acquire();
        long start = System.nanoTime();
        assertThat(c.await(SHORT)).isFalse();
        assertThat(System.nanoTime() - start).as("a timeout is a minimum wait").isGreaterThanOrEqualTo(SHORT.toNanos());
        assertThat(c.await(SHORT.toMillis(), TimeUnit.MILLISECONDS)).isFalse();
        assertThat(c.awaitNanos(SHORT.toNanos())).isLessThanOrEqualTo(0L);
        assertThat(c.awaitUntil(new Date(System.currentTimeMillis() + SHORT.toMillis()))).isFalse();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(SHORT.toNanos() * 4);
        assertThat(held(lock)).isTrue();
        assertThat(c.waiterCount()).as("a timed-out waiter is not listed").isZero();
        lock.release();
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void timedAwait_zeroNegativeAndPastTimeouts_returnFalseHoldingTheLock() throws Exception {
        ConditionVariable c = createCondition();
        ExclusiveLock lock = c.lock();
        lock.acquire();
        assertThat(c.await(Duration.ZERO)).isFalse();
        assertThat(c.await(Duration.ofSeconds(-1))).isFalse();
        assertThat(c.await(Duration.ofSeconds(Long.MIN_VALUE))).isFalse();
        assertThat(c.await(0, TimeUnit.SECONDS)).isFalse();
        assertThat(c.await(-1, TimeUnit.DAYS)).isFalse();
        assertThat(c.awaitNanos(0L)).isLessThanOrEqualTo(0L);
        assertThat(c.awaitNanos(Long.MIN_VALUE)).isLessThanOrEqualTo(0L);
        assertThat(c.awaitUntil(new Date(System.currentTimeMillis() - 1000))).isFalse();
        assertThat(c.awaitUntil(new Date(Long.MIN_VALUE))).isFalse();
        assertThat(c.waitFor(() -> false, Duration.ZERO)).isFalse();
        assertThat(c.waitFor(() -> false, Duration.ofSeconds(Long.MIN_VALUE))).isFalse();
        assertThat(c.waitFor(() -> false, Long.MIN_VALUE, TimeUnit.NANOSECONDS)).isFalse();
        assertThat(c.waitFor(() -> false, -1, TimeUnit.SECONDS)).isFalse();
        assertThat(held(lock)).isTrue();
        assertThat(c.waiterCount()).isZero();
        lock.release();
    }

    @Test
    void timedAwait_signalledBeforeTheTimeout_returnsTrueEvenIfTheTimeoutPassesBeforeItHasTheLock()
            throws Exception {
        ConditionVariable c = createCondition();
        ExclusiveLock lock = c.lock();
        Duration timeout = Duration.ofMillis(500);
        CompletableFuture<Boolean> w = listedWaiter(c, () -> c.await(timeout));
        long listedBy = System.nanoTime(); // the waiter's deadline is before listedBy + timeout
        c.signal();
        // The event under test is the waiter's deadline passing while this thread holds the lock:
        // wait for the clock to pass it.
        while (System.nanoTime() - listedBy <= timeout.toNanos()) {
            LockSupport.parkNanos(timeout.toNanos() / 10);
        }
        assertThat(w).isNotDone();
        lock.release();
        assertThat(w.get(30, TimeUnit.SECONDS)).as("a signal that came first counts").isTrue();
        assertThat(c.waiterCount()).isZero();
        assertEventuallyFree(lock);
    }

    // ---- interrupts ---------------------------------------------------------------------------

    @Test
    void everyInterruptibleForm_interruptedOnEntry_throwsWithTheLockStillHeld() throws Exception {
        ConditionVariable c = createCondition();
        ExclusiveLock lock = c.lock();
        lock.acquire();
        for (Threads.Body<?> form : interruptibleWaits(c)) {
            Thread.currentThread().interrupt();
            assertThatThrownBy(form::run).isInstanceOf(InterruptedException.class);
            assertThat(Thread.interrupted()).as("status cleared").isFalse();
            assertThat(held(lock)).as("the lock was not released").isTrue();
            assertThat(c.waiterCount()).as("nothing listed").isZero();
        }
        lock.release();
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void await_interruptedWhileWaiting_throwsHoldingTheLockAgain_andTheNextWaiterGetsTheSignal()
            throws Exception {
        for (boolean timed : new boolean[] {false, true}) {
            ConditionVariable c = createCondition();
            ExclusiveLock lock = c.lock();
            AtomicReference<Thread> t = new AtomicReference<>();
            CompletableFuture<Boolean> interrupted = listedWaiter(c, () -> {
                try {
                    if (timed) {
                        c.await(LONG);
                    } else {
                        c.await();
                    }
                    return false;
                } catch (InterruptedException e) {
                    assertThat(Thread.currentThread().isInterrupted()).as("status cleared").isFalse();
                    return held(lock);
                }
            }, t);
            lock.release();
            CompletableFuture<Boolean> next = listedWaiter(c, () -> c.await(LONG));
            t.get().interrupt();
            awaitWaiterCount(c, 1); // the interrupted waiter withdrew; it waits for the lock
            assertThat(interrupted).as("cannot return before the lock is released").isNotDone();
            c.signal();
            lock.release();
            assertThat(interrupted.get(30, TimeUnit.SECONDS)).as("threw holding the lock again").isTrue();
            assertThat(next.get(30, TimeUnit.SECONDS)).as("the signal went to the next waiter").isTrue();
            assertThat(c.waiterCount()).isZero();
            assertEventuallyFree(lock);
        }
    }

    @Test
    void awaitUninterruptibly_interruptedWhileWaiting_keepsWaitingAndRestoresTheStatus() throws Exception {
        ConditionVariable c = createCondition();
        ExclusiveLock lock = c.lock();
        AtomicReference<Thread> t = new AtomicReference<>();
        CompletableFuture<Boolean> w = listedWaiter(c, () -> {
            c.awaitUninterruptibly();
            return Thread.currentThread().isInterrupted() && held(lock);
        }, t);
        lock.release();
        awaitBlocked(t.get());
        t.get().interrupt();
        lock.acquire();
        assertThat(c.waiterCount()).as("still waiting").isEqualTo(1);
        assertThat(w).isNotDone();
        c.signal();
        lock.release();
        assertThat(w.get(30, TimeUnit.SECONDS)).as("returned holding the lock, interrupt status set").isTrue();
    }

    @Test
    void signalledWaiter_interruptedBeforeItReturns_returnsNormally_andTheSignalIsNotPassedOn()
            throws Exception {
        for (boolean timed : new boolean[] {false, true}) {
            ConditionVariable c = createCondition();
            ExclusiveLock lock = c.lock();
            AtomicReference<Thread> t = new AtomicReference<>();
            CompletableFuture<Boolean> w = listedWaiter(c, () -> {
                boolean signalled = true;
                if (timed) {
                    signalled = c.await(LONG);
                } else {
                    c.await();
                }
                return signalled && Thread.currentThread().isInterrupted() && held(lock);
            }, t);
            lock.release();
            CompletableFuture<Boolean> second = listedWaiter(c, () -> c.await(LONG));
            c.signal();
            t.get().interrupt();
            lock.release();
            assertThat(w.get(30, TimeUnit.SECONDS))
                    .as("returned as signalled, holding the lock, with the interrupt status set").isTrue();
            assertThat(c.waiterCount()).as("the signal was consumed once, not passed on").isEqualTo(1);
            assertThat(second).isNotDone();
            lock.acquire();
            c.signal();
            lock.release();
            assertThat(second.get(30, TimeUnit.SECONDS)).isTrue();
            assertEventuallyFree(lock);
        }
    }

    // ---- waitFor ------------------------------------------------------------------------------

    @Test
    void waitFor_loopsUntilThePredicateHolds() throws Exception {
        ConditionVariable c = createCondition();
        ExclusiveLock lock = c.lock();
        AtomicInteger value = new AtomicInteger();
        AtomicInteger evaluations = new AtomicInteger();
        BooleanSupplier atLeast3 = () -> {
            evaluations.incrementAndGet();
            return value.get() >= 3;
        };
        CompletableFuture<Integer> w = listedWaiter(c, () -> {
            c.waitFor(atLeast3);
            return value.get();
        });
        for (int i = 1; i <= 3; i++) {
            value.set(i);
            c.signalAll();
            lock.release();
            if (i < 3) {
                awaitWaiterCount(c, 1); // waits again: the predicate was false
                lock.acquire();
            }
        }
        assertThat(w.get(30, TimeUnit.SECONDS)).isEqualTo(3);
        assertThat(evaluations.get()).as("evaluated once per wake-up, and once before waiting").isGreaterThanOrEqualTo(4);
        assertEventuallyFree(lock);
    }

    @Test
    void timedWaitFor_returnsThePredicatesLastValue_holdingTheLock() throws Exception {
        ConditionVariable c = createCondition();
        ExclusiveLock lock = c.lock();
        AtomicInteger value = new AtomicInteger();
        CompletableFuture<Boolean> w = listedWaiter(c, () -> c.waitFor(() -> value.get() == 1, LONG));
        value.set(1);
        c.signal();
        lock.release();
        assertThat(w.get(30, TimeUnit.SECONDS)).isTrue();

        lock.acquire();
        long start = System.nanoTime();
        assertThat(c.waitFor(() -> value.get() == 2, SHORT)).isFalse();
        assertThat(c.waitFor(() -> value.get() == 2, SHORT.toMillis(), TimeUnit.MILLISECONDS)).isFalse();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(SHORT.toNanos() * 2);
        assertThat(held(lock)).isTrue();
        assertThat(c.waiterCount()).isZero();
        lock.release();
    }

    @Test
    void waitFor_trueAtOnce_returnsWithoutTheLock() throws Exception {
        ConditionVariable c = createCondition();
        c.waitFor(() -> true);
        assertThat(c.waitFor(() -> true, LONG)).isTrue();
        assertThat(c.waitFor(() -> true, 1, TimeUnit.SECONDS)).isTrue();
        assertThat(c.lock().isLocked()).isFalse();
    }

    // ---- asynchronous wait --------------------------------------------------------------------

    @Test
    void awaitAsync_releasesTheLock_andCompletesHoldingItAfterTheSignal() throws Exception {
        ConditionVariable c = createCondition();
        ExclusiveLock lock = c.lock();
        lock.acquire();
        CompletableFuture<?> f = c.awaitAsync();
        assertThat(lock.tryAcquire(LONG)).as("released by awaitAsync").isTrue();
        assertThat(c.waiterCount()).isEqualTo(1);
        c.signal();
        assertThat(f).isNotDone();
        lock.release();
        f.get(30, TimeUnit.SECONDS);
        assertThat(held(lock)).as("held on the caller's behalf").isTrue();
        lock.release();
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void awaitAsync_cancelledBeforeASignal_leavesNoWaiterAndTheLockFree() throws Exception {
        ConditionVariable c = createCondition();
        ExclusiveLock lock = c.lock();
        lock.acquire();
        CompletableFuture<?> f = c.awaitAsync();
        assertThat(f.cancel(true)).isTrue();
        awaitWaiterCount(c, 0);
        assertEventuallyFree(lock);
        lock.acquire();
        assertThat(c.await(SHORT)).as("no signal is owed to anyone").isFalse();
        lock.release();
    }

    @Test
    void awaitAsync_cancelledAfterASignal_passesTheSignalOn() throws Exception {
        ConditionVariable c = createCondition();
        ExclusiveLock lock = c.lock();
        lock.acquire();
        CompletableFuture<?> f = c.awaitAsync();
        CompletableFuture<Boolean> next = listedWaiter(c, () -> c.await(LONG));
        c.signal(); // chooses the oldest: the asynchronous waiter
        assertThat(c.waiterCount()).isEqualTo(1);
        assertThat(f.cancel(true)).as("cannot complete while this thread holds the lock").isTrue();
        lock.release();
        assertThat(next.get(30, TimeUnit.SECONDS)).as("the signal passed on").isTrue();
        // The cancelled waiter may leave the waiter list after it has passed the signal on (a
        // cross-process condition withdraws it from its own worker), so wait for it to leave.
        awaitWaiterCount(c, 0);
        assertEventuallyFree(lock);
    }

    // ---- misuse -------------------------------------------------------------------------------

    @Test
    void everyWaitAndSignal_withoutTheLock_throwsIllegalMonitorState() throws Exception {
        ConditionVariable c = createCondition();
        List<Threads.Body<?>> forms = new ArrayList<>(interruptibleWaits(c));
        forms.addAll(List.of(
                () -> {
                    c.awaitUninterruptibly();
                    return null;
                },
                c::awaitAsync,
                () -> {
                    c.signal();
                    return null;
                },
                () -> {
                    c.signal(2);
                    return null;
                },
                () -> {
                    c.signalAll();
                    return null;
                }));
        for (Threads.Body<?> form : forms) {
            assertThatThrownBy(form::run).isInstanceOf(IllegalMonitorStateException.class);
        }
        assertThat(c.waiterCount()).isZero();
        assertThat(c.lock().isLocked()).isFalse();
    }

    @Test
    void badArguments_areRejected_leavingTheLockHeld() throws Exception {
        ConditionVariable c = createCondition();
        ExclusiveLock lock = c.lock();
        lock.acquire();
        assertThatThrownBy(() -> c.signal(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        assertThatThrownBy(() -> c.await((Duration) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> c.await(1, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> c.awaitUntil(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> c.waitFor(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> c.waitFor(null, LONG)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> c.waitFor(() -> false, null)).isInstanceOf(NullPointerException.class);
        assertThat(held(lock)).isTrue();
        assertThat(c.waiterCount()).isZero();
        lock.release();
    }

    // ---- no lost signals ----------------------------------------------------------------------

    @Test
    void pingPong_manyRounds_noSignalIsLost() throws Exception {
        ConditionVariable c = createCondition();
        ExclusiveLock lock = c.lock();
        int rounds = 300;
        int[] turn = {0};          // guarded by the lock: 1 = the ponger's turn, 0 = the pinger's
        int[] pongs = {0};
        int[] pings = {0};
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Boolean> ponger = inThread(() -> {
            lock.acquire();
            started.countDown();
            try {
                for (int i = 0; i < rounds; i++) {
                    switch (i % 3) {
                        case 0 -> c.waitFor(() -> turn[0] == 1);
                        case 1 -> {
                            while (turn[0] != 1) {
                                c.await();
                            }
                        }
                        default -> {
                            while (turn[0] != 1) {
                                c.awaitNanos(LONG.toNanos());
                            }
                        }
                    }
                    turn[0] = 0;
                    pongs[0]++;
                    c.signal();
                }
            } finally {
                lock.release();
            }
            return true;
        }, new AtomicReference<>());
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        lock.acquire();
        try {
            for (int i = 0; i < rounds; i++) {
                turn[0] = 1;
                pings[0]++;
                switch (i % 3) {
                    case 0 -> c.signal();
                    case 1 -> c.signal(1);
                    default -> c.signalAll();
                }
                while (turn[0] != 0) {
                    if (i % 2 == 0) {
                        c.await();
                    } else {
                        c.await(LONG);
                    }
                }
            }
        } finally {
            lock.release();
        }
        assertThat(ponger.get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(pings[0]).isEqualTo(rounds);
        assertThat(pongs[0]).as("every ping answered: no signal lost").isEqualTo(rounds);
        assertThat(c.waiterCount()).isZero();
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void manyWaiters_eachSignalWakesExactlyOne_counted() throws Exception {
        ConditionVariable c = createCondition();
        ExclusiveLock lock = c.lock();
        int waiters = 3;
        int rounds = 20;
        AtomicInteger woken = new AtomicInteger();
        for (int r = 0; r < rounds; r++) {
            List<CompletableFuture<Boolean>> ws = new ArrayList<>();
            for (int k = 0; k < waiters; k++) {
                ws.add(listedWaiter(c, () -> {
                    boolean signalled = c.await(LONG);
                    woken.incrementAndGet();
                    return signalled;
                }));
                lock.release();
            }
            for (int k = 0; k < waiters; k++) {
                lock.acquire();
                assertThat(c.waiterCount()).isEqualTo(waiters - k);
                c.signal();
                assertThat(c.waiterCount()).isEqualTo(waiters - k - 1);
                lock.release();
                assertThat(ws.get(k).get(30, TimeUnit.SECONDS)).isTrue();
                assertThat(woken.get()).as("one wake-up per signal").isEqualTo(r * waiters + k + 1);
            }
        }
        assertThat(c.waiterCount()).isZero();
        assertEventuallyFree(lock);
    }
}
