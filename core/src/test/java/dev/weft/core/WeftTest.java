package dev.weft.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.core.task.Task;
import java.io.IOException;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Tests of the task functions of {@link Weft}: {@code run}, {@code createTask}, {@code currentTask}. */
@Timeout(20)
class WeftTest {

    @Test
    void run_bodyReturns_returnsItsValueFromATask() throws Exception {
        AtomicReference<@Nullable Task<?>> inside = new AtomicReference<>();
        String result = Weft.run(() -> {
            inside.set(Weft.currentTask());
            return "hello";
        });
        assertThat(result).isEqualTo("hello");
        assertThat(inside.get()).isNotNull();
        assertThat(inside.get().name()).isEqualTo("main");
        assertThat(Weft.currentTask()).isNull();
    }

    @Test
    void run_bodyThrowsCheckedException_rethrowsThatException() {
        IOException boom = new IOException("boom");
        assertThatThrownBy(() -> Weft.run(() -> {
            throw boom;
        })).isSameAs(boom);
    }

    @Test
    void run_bodyThrowsError_rethrowsThatError() {
        AssertionError boom = new AssertionError("boom");
        assertThatThrownBy(() -> Weft.run(() -> {
            throw boom;
        })).isSameAs(boom);
    }

    @Test
    void run_bodyThrowsOtherThrowable_wrapsItInUndeclaredThrowable() {
        Throwable odd = new Throwable("odd");
        assertThatThrownBy(() -> Weft.run(() -> {
            throw WeftTest.<RuntimeException>sneaky(odd);
        })).isInstanceOf(UndeclaredThrowableException.class).hasCause(odd);
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable t) throws E {
        throw (E) t;
    }

    @Test
    void run_bodyCancelsItself_throwsCancellation() {
        assertThatThrownBy(() -> Weft.run(() -> {
            Task<?> self = Weft.currentTask();
            assertThat(self).isNotNull();
            self.cancel("self");
            return "discarded";
        })).isInstanceOf(CancellationException.class).hasMessage("self");
    }

    @Test
    void run_interruptedOnEntry_throwsWithoutStartingBody() {
        AtomicBoolean ran = new AtomicBoolean();
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> Weft.run(() -> ran.getAndSet(true))).isInstanceOf(InterruptedException.class);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(ran).isFalse();
    }

    @Test
    void run_callerInterrupted_cancelsTaskAndReturnsOnlyAfterBodyStopped() throws Exception {
        CountDownLatch bodyBlocked = new CountDownLatch(1);
        CountDownLatch cleanupMayFinish = new CountDownLatch(1);
        AtomicInteger step = new AtomicInteger();
        AtomicInteger bodyStoppedAtStep = new AtomicInteger(-1);
        AtomicInteger runThrewAtStep = new AtomicInteger(-1);
        AtomicReference<@Nullable Throwable> runThrew = new AtomicReference<>();
        IllegalStateException cleanupFailure = new IllegalStateException("clean-up failed");

        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                Weft.run(() -> {
                    bodyBlocked.countDown();
                    try {
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        cleanupMayFinish.await(); // the test's "slow clean-up", released below
                        bodyStoppedAtStep.set(step.incrementAndGet());
                        throw cleanupFailure;
                    }
                    return "never";
                });
            } catch (Throwable t) {
                runThrewAtStep.set(step.incrementAndGet());
                runThrew.set(t);
            }
        });
        assertThat(bodyBlocked.await(10, TimeUnit.SECONDS)).isTrue();
        caller.interrupt();
        cleanupMayFinish.countDown();
        caller.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(runThrew.get()).isInstanceOf(InterruptedException.class);
        assertThat(runThrew.get().getSuppressed()).containsExactly(cleanupFailure);
        assertThat(bodyStoppedAtStep.get()).isEqualTo(1);
        assertThat(runThrewAtStep.get()).isEqualTo(2);
    }

    @Test
    void run_callerInterruptedTwice_stopsWaitingForTheBody() throws Exception {
        CountDownLatch bodyBlocked = new CountDownLatch(1);
        CountDownLatch bodyInterrupted = new CountDownLatch(1);
        CountDownLatch releaseBody = new CountDownLatch(1);
        AtomicReference<@Nullable Task<?>> task = new AtomicReference<>();
        AtomicReference<@Nullable Throwable> runThrew = new AtomicReference<>();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                Weft.run(() -> {
                    task.set(Weft.currentTask());
                    bodyBlocked.countDown();
                    try {
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        bodyInterrupted.countDown();
                        releaseBody.await(); // a stubborn clean-up
                    }
                    return "ignored";
                });
            } catch (Throwable t) {
                runThrew.set(t);
            }
        });
        assertThat(bodyBlocked.await(10, TimeUnit.SECONDS)).isTrue();
        caller.interrupt();
        assertThat(bodyInterrupted.await(10, TimeUnit.SECONDS)).isTrue();
        caller.interrupt(); // the second interrupt gives up waiting
        caller.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(caller.isAlive()).isFalse();
        assertThat(runThrew.get()).isInstanceOf(InterruptedException.class);
        Task<?> t = task.get();
        assertThat(t).isNotNull();
        assertThat(t.isStopped()).isFalse();
        releaseBody.countDown();
        assertThat(t.awaitStopped(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void createTask_startsTheBodyAtOnce() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        Task<Integer> task = Weft.createTask(() -> {
            ran.countDown();
            return 5;
        });
        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(task.join()).isEqualTo(5);
        assertThat(Weft.createTask("named", () -> 1).name()).isEqualTo("named");
    }
}
