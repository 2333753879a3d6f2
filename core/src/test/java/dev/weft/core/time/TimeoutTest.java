package dev.weft.core.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.core.task.Task;
import dev.weft.core.task.TaskGroup;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Tests of {@link Timeout}, porting CPython's {@code test_timeouts.py} ({@code test_timeout_basic},
 * {@code test_timeout_at_basic}, {@code test_nested_timeouts}, {@code test_nested_timeouts_loop_busy},
 * {@code test_foreign_cancel_doesnt_timeout_if_not_expired}, {@code test_outer_task_is_not_cancelled},
 * {@code test_timeout_zero}, {@code test_reschedule}, {@code test_timeout_taskgroup},
 * {@code test_timeout_after_cancellation}, {@code test_timeout_exception_cause}).
 */
@org.junit.jupiter.api.Timeout(20)
class TimeoutTest {

    /** Blocks until interrupted. */
    private static <T> T blockForever() throws InterruptedException {
        new CountDownLatch(1).await();
        throw new AssertionError("unreachable");
    }

    /** Runs {@code body} as a task and returns its value. */
    private static <T> T inTask(java.util.concurrent.Callable<T> body) throws Exception {
        return Task.start(body).get(10, TimeUnit.SECONDS);
    }

    // ---- basic expiry -------------------------------------------------------------------------------

    @Test
    void within_hugeNegativeDelay_expiresAtOnceInsteadOfWrappingAround() {
        assertThatThrownBy(() -> Timeout.within(Duration.ofSeconds(Long.MIN_VALUE), t -> blockForever()))
                .isInstanceOf(TimeoutException.class);
        assertThatThrownBy(() -> Timeout.within(Duration.ofNanos(Long.MIN_VALUE), t -> blockForever()))
                .isInstanceOf(TimeoutException.class);
        assertThatThrownBy(() -> Timeout.within(Duration.ofSeconds(30), t -> {
            t.reschedule(Duration.ofSeconds(Long.MIN_VALUE));   // a deadline long past: expires now
            return blockForever();
        })).isInstanceOf(TimeoutException.class);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void within_hugePositiveDelay_neverExpiresNorWrapsAround() throws Exception {
        String result = Timeout.within(Duration.ofSeconds(Long.MAX_VALUE), t -> {
            assertThat(t.expired()).isFalse();
            assertThat(t.remaining()).isPresent();
            assertThat(t.remaining().get()).isPositive();
            return "done";
        });
        assertThat(result).isEqualTo("done");
    }

    @Test
    void within_bodyBlocksPastDeadline_throwsTimeoutCausedByTheInterrupt() {
        AtomicReference<@Nullable Timeout> scope = new AtomicReference<>();
        assertThatThrownBy(() -> Timeout.within(Duration.ofMillis(10), t -> {
            scope.set(t);
            return blockForever();
        })).isInstanceOf(TimeoutException.class).hasCauseInstanceOf(InterruptedException.class)
                .hasMessageContaining("after entering the scope passed")
                .hasMessageContaining("Timeout[state=EXPIRED");
        assertThat(scope.get().expired()).isTrue();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void within_inATask_throwsTimeoutAndLeavesNoCancelRequest() throws Exception {
        String r = inTask(() -> {
            try {
                Timeout.within(Duration.ofMillis(10), t -> blockForever());
                return "no timeout";
            } catch (TimeoutException e) {
                Task<?> self = Task.current();
                return "timeout, cancelling=" + self.cancelling() + ", interrupted=" + Thread.currentThread().isInterrupted();
            }
        });
        assertThat(r).isEqualTo("timeout, cancelling=0, interrupted=false");
    }

    @Test
    void until_deadlineInNanoTime_expiresLikeWithin() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
        assertThatThrownBy(() -> Timeout.until(deadline, t -> {
            assertThat(t.deadlineNanos()).hasValue(deadline);
            return blockForever();
        })).isInstanceOf(TimeoutException.class);
    }

    @Test
    void within_bodyEndsInTime_returnsItsValueAndTheScopeDidNotExpire() throws Exception {
        AtomicReference<@Nullable Timeout> scope = new AtomicReference<>();
        String v = Timeout.within(Duration.ofSeconds(30), t -> {
            scope.set(t);
            return "value";
        });
        assertThat(v).isEqualTo("value");
        assertThat(scope.get().expired()).isFalse();
        assertThat(scope.get().toString()).contains("state=EXITED");
    }

    @Test
    void within_bodyThrowsBeforeDeadline_exceptionPassesUnchanged() {
        IOException boom = new IOException("boom");
        assertThatThrownBy(() -> Timeout.within(Duration.ofSeconds(30), t -> {
            throw boom;
        })).isSameAs(boom);
        assertThat(boom.getSuppressed()).isEmpty();
    }

    @Test
    void within_zeroDelay_bodyStartsAndIsInterruptedAtItsFirstBlockingCall() {
        AtomicBoolean started = new AtomicBoolean();
        assertThatThrownBy(() -> Timeout.within(Duration.ZERO, t -> {
            started.set(true);
            return blockForever();
        })).isInstanceOf(TimeoutException.class);
        assertThat(started).isTrue();
    }

    @Test
    void within_negativeDelay_expiresAtOnce() {
        assertThatThrownBy(() -> Timeout.within(Duration.ofSeconds(-5), t -> {
            assertThat(t.expired()).isTrue();
            return blockForever();
        })).isInstanceOf(TimeoutException.class);
    }

    // ---- what the body does after the deadline -------------------------------------------------------

    @Test
    void within_bodySwallowsInterruptAndReturns_valueReturnedAndInterruptCleared() throws Exception {
        AtomicReference<@Nullable Timeout> scope = new AtomicReference<>();
        String v = Timeout.within(Duration.ofMillis(5), t -> {
            scope.set(t);
            try {
                blockForever();
            } catch (InterruptedException swallowed) {
                // carry on regardless
            }
            return "finished anyway";
        });
        assertThat(v).isEqualTo("finished anyway");
        assertThat(scope.get().expired()).isTrue();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void within_bodyNeverLooksAtInterrupt_returnsItsValueAndClearsTheInterrupt() throws Exception {
        AtomicReference<@Nullable Timeout> scope = new AtomicReference<>();
        long v = Timeout.within(Duration.ofMillis(1), t -> {
            scope.set(t);
            while (!t.expired()) {
                Thread.onSpinWait(); // busy, never blocking: the pitfall of cooperative cancellation
            }
            return 42L;
        });
        assertThat(v).isEqualTo(42L);
        assertThat(scope.get().expired()).isTrue();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void within_bodyThrowsOtherExceptionAfterDeadline_thatExceptionWithTimeoutSuppressed() {
        IOException cleanupFailure = new IOException("clean-up failed");
        assertThatThrownBy(() -> Timeout.within(Duration.ofMillis(5), t -> {
            try {
                return blockForever();
            } catch (InterruptedException e) {
                throw cleanupFailure;
            }
        })).isSameAs(cleanupFailure);
        assertThat(cleanupFailure.getSuppressed()).singleElement().isInstanceOf(TimeoutException.class);
    }

    @Test
    void within_bodyThrowsCancellationAfterDeadline_isConvertedToo() {
        assertThatThrownBy(() -> Timeout.within(Duration.ofMillis(5), t -> {
            try {
                return blockForever();
            } catch (InterruptedException e) {
                throw new CancellationException("stopped");
            }
        })).isInstanceOf(TimeoutException.class).hasCauseInstanceOf(CancellationException.class);
    }

    // ---- nesting and foreign cancellation -----------------------------------------------------------

    @Test
    void nested_bothExpire_onlyOutermostConvertsAndInnerSeesTheInterrupt() throws Exception {
        for (boolean asTask : new boolean[] {true, false}) {
            AtomicReference<@Nullable Throwable> innerSaw = new AtomicReference<>();
            java.util.concurrent.Callable<String> scenario = () -> {
                try {
                    Timeout.within(Duration.ofSeconds(30), outer -> Timeout.within(Duration.ofSeconds(30), inner -> {
                        outer.rescheduleAt(System.nanoTime() - 1); // both deadlines pass together
                        inner.rescheduleAt(System.nanoTime() - 1);
                        try {
                            return blockForever();
                        } catch (InterruptedException e) {
                            throw e;
                        } finally {
                            assertThat(inner.expired()).isTrue();
                        }
                    }));
                    return "no timeout";
                } catch (TimeoutException e) {
                    innerSaw.set(e.getCause());
                    return "outer timeout";
                }
            };
            String r = asTask ? inTask(scenario) : scenario.call();
            assertThat(r).as("asTask=%s", asTask).isEqualTo("outer timeout");
            // The inner scope let the interrupt through unchanged; the outer one converted it.
            assertThat(innerSaw.get()).isInstanceOf(InterruptedException.class);
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
        }
    }

    @Test
    void nested_innerTimeoutCaught_outerStillFiresLater() throws Exception {
        AtomicInteger innerTimeouts = new AtomicInteger();
        assertThatThrownBy(() -> Timeout.within(Duration.ofSeconds(1), outer -> {
            try {
                Timeout.within(Duration.ofMillis(5), inner -> blockForever());
            } catch (TimeoutException e) {
                innerTimeouts.incrementAndGet();
            }
            return blockForever();
        })).isInstanceOf(TimeoutException.class);
        assertThat(innerTimeouts).hasValue(1);
    }

    @Test
    void foreignCancel_beforeDeadline_propagatesAsInterruptNotTimeout() throws Exception {
        CountDownLatch inBody = new CountDownLatch(1);
        AtomicReference<@Nullable Throwable> seen = new AtomicReference<>();
        Task<Void> task = Task.start(() -> {
            try {
                Timeout.within(Duration.ofSeconds(30), t -> {
                    inBody.countDown();
                    return blockForever();
                });
            } catch (Throwable e) {
                seen.set(e);
            }
            return null;
        });
        assertThat(inBody.await(10, TimeUnit.SECONDS)).isTrue();
        task.interrupt(); // a request from outside the scope
        task.get(10, TimeUnit.SECONDS);
        assertThat(seen.get()).isInstanceOf(InterruptedException.class);
        assertThat(task.cancelling()).isEqualTo(1);
    }

    @Test
    void foreignCancel_atTheSameTimeAsTheDeadline_isNeverMistakenForTimeout() throws Exception {
        String r = inTask(() -> {
            Task<?> self = Task.current();
            try {
                Timeout.within(Duration.ofSeconds(30), t -> {
                    t.rescheduleAt(System.nanoTime() - 1); // the deadline passes ...
                    self.interrupt();                       // ... and an outer cancel arrives
                    return blockForever();
                });
                return "returned";
            } catch (TimeoutException e) {
                return "mistaken for a timeout";
            } catch (InterruptedException e) {
                return "interrupted, cancelling=" + self.cancelling();
            }
        });
        assertThat(r).isEqualTo("interrupted, cancelling=1");
    }

    @Test
    void foreignTaskCancel_insideExpiredScope_propagatesCancellation() throws Exception {
        CountDownLatch inBody = new CountDownLatch(1);
        Task<String> task = Task.start(() -> Timeout.within(Duration.ofSeconds(30), t -> {
            inBody.countDown();
            return blockForever();
        }));
        assertThat(inBody.await(10, TimeUnit.SECONDS)).isTrue();
        task.cancel("from outside");
        task.awaitStopped();
        assertThatThrownBy(task::join).isInstanceOf(CancellationException.class).hasMessage("from outside");
    }

    @Test
    void afterCaughtCancellation_aNewScopeStillTimesOut() throws Exception {
        String r = inTask(() -> {
            Task<?> self = Task.current();
            self.interrupt(); // a cancellation that the code catches and does not uncancel
            try {
                blockForever();
            } catch (InterruptedException e) {
                // caught; cancelling() stays 1
            }
            try {
                Timeout.within(Duration.ZERO, t -> blockForever());
                return "no timeout";
            } catch (TimeoutException e) {
                return "timeout, cancelling=" + self.cancelling();
            }
        });
        assertThat(r).isEqualTo("timeout, cancelling=1");
    }

    // ---- rescheduling --------------------------------------------------------------------------------

    @Test
    void reschedule_later_bodyFinishesWithoutTimeout() throws Exception {
        String v = Timeout.within(Duration.ofSeconds(5), t -> {
            t.reschedule(Duration.ofSeconds(30));
            t.disable();
            assertThat(t.deadlineNanos()).isEmpty();
            assertThat(t.remaining()).isEmpty();
            t.reschedule(Duration.ofSeconds(30));
            assertThat(t.remaining()).hasValueSatisfying(d -> assertThat(d).isPositive());
            return "in time";
        });
        assertThat(v).isEqualTo("in time");
    }

    @Test
    void unbounded_noDeadlineUntilRescheduled() {
        assertThatThrownBy(() -> Timeout.unbounded(t -> {
            assertThat(t.deadlineNanos()).isEmpty();
            t.reschedule(Duration.ofMillis(5));
            return blockForever();
        })).isInstanceOf(TimeoutException.class);
    }

    @Test
    void reschedule_afterExitOrExpiry_throwsIllegalState() throws Exception {
        Timeout exited = Timeout.within(Duration.ofSeconds(30), t -> t);
        assertThatThrownBy(() -> exited.reschedule(Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("EXITED");
        assertThatThrownBy(exited::disable).isInstanceOf(IllegalStateException.class);
        AtomicReference<@Nullable Throwable> fromBody = new AtomicReference<>();
        assertThatThrownBy(() -> Timeout.within(Duration.ZERO, t -> {
            try {
                t.reschedule(Duration.ofSeconds(1));
            } catch (IllegalStateException e) {
                fromBody.set(e);
            }
            return blockForever();
        })).isInstanceOf(TimeoutException.class);
        assertThat(fromBody.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("EXPIRING");
    }

    @Test
    void reschedule_fromAnotherThread_movesTheDeadline() throws Exception {
        AtomicReference<@Nullable Timeout> scope = new AtomicReference<>();
        CountDownLatch entered = new CountDownLatch(1);
        Task<String> task = Task.start(() -> {
            try {
                return Timeout.within(Duration.ofSeconds(30), t -> {
                    scope.set(t);
                    entered.countDown();
                    return blockForever();
                });
            } catch (TimeoutException e) {
                return "timed out";
            }
        });
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        scope.get().reschedule(Duration.ofMillis(1));
        assertThat(task.get(10, TimeUnit.SECONDS)).isEqualTo("timed out");
    }

    // ---- races and interplay ------------------------------------------------------------------------

    @Test
    void deadlineAtTheMomentTheBodyEnds_neverLeaksTheInterruptNorLosesTheValue() throws Exception {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int values = 0;
        int timeouts = 0;
        for (int i = 0; i < 3_000; i++) {
            long delayNanos = random.nextLong(0, 40_000);
            try {
                int v = Timeout.within(Duration.ofNanos(delayNanos), t -> {
                    long end = System.nanoTime() + 20_000;
                    while (System.nanoTime() < end) {
                        Thread.onSpinWait();
                    }
                    if (Thread.currentThread().isInterrupted()) {
                        throw new InterruptedException("saw the deadline");
                    }
                    return 7;
                });
                assertThat(v).isEqualTo(7);
                values++;
            } catch (TimeoutException e) {
                timeouts++;
            }
            assertThat(Thread.currentThread().isInterrupted()).as("iteration %d", i).isFalse();
        }
        assertThat(values + timeouts).isEqualTo(3_000);
    }

    @Test
    void within_aroundTaskGroup_timeoutStopsTheGroupsTasks() throws Exception {
        AtomicReference<@Nullable Task<?>> child = new AtomicReference<>();
        String r = inTask(() -> {
            try {
                Timeout.within(Duration.ofMillis(20), t -> TaskGroup.run(tg -> {
                    child.set(tg.start(() -> blockForever()));
                    return blockForever();
                }));
                return "no timeout";
            } catch (TimeoutException e) {
                return "timeout, cancelling=" + Task.current().cancelling();
            }
        });
        assertThat(r).isEqualTo("timeout, cancelling=0");
        assertThat(child.get().isStopped()).isTrue();
    }

    @Test
    void within_nullArguments_throwNullPointer() {
        Timeout.Body<String, RuntimeException> body = t -> "x";
        Duration none = castNull();
        assertThatThrownBy(() -> Timeout.within(none, body)).isInstanceOf(NullPointerException.class);
        Timeout.Body<String, RuntimeException> noBody = castNull();
        assertThatThrownBy(() -> Timeout.within(Duration.ZERO, noBody)).isInstanceOf(NullPointerException.class);
    }

    @SuppressWarnings("unchecked")
    private static <T> T castNull() {
        return (T) null;
    }

    @Test
    void within_checkedExceptionTypeIsInferred() throws ExecutionException {
        // compiles only because X is inferred as IOException and the lambda may throw it
        try {
            Timeout.within(Duration.ofSeconds(1), t -> {
                if (t.expired()) {
                    throw new IOException("never");
                }
                return 1;
            });
        } catch (IOException | InterruptedException | TimeoutException e) {
            throw new ExecutionException(e);
        }
    }
}
