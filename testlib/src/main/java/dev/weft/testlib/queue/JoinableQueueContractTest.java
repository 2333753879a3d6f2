package dev.weft.testlib.queue;

import static dev.weft.testlib.Threads.failureOf;
import static dev.weft.testlib.Threads.inThread;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.core.queue.JoinableQueue;
import dev.weft.core.queue.QueueShutDownException;
import dev.weft.core.queue.WorkQueue;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The {@link JoinableQueue} contract as a test suite: every {@link WorkQueueContractTest} test plus
 * {@code taskDone}/{@code join} in every form, run against every joinable implementation by a
 * subclass in that implementation's tests.
 */
public abstract class JoinableQueueContractTest extends WorkQueueContractTest {

    /**
     * A new, empty joinable FIFO queue holding at most {@code capacity} items. If it is
     * {@link AutoCloseable}, the suite closes it after the test.
     *
     * @param capacity a power of two from 1 to 64
     * @return the queue
     * @throws Exception if the queue cannot be created
     */
    protected abstract JoinableQueue<String> createJoinableQueue(int capacity) throws Exception;

    @Override
    protected final WorkQueue<String> createQueue(int capacity) throws Exception {
        return createJoinableQueue(capacity);
    }

    private JoinableQueue<String> newJoinableQueue(int capacity) throws Exception {
        return opened(createJoinableQueue(capacity));
    }

    @Test
    void join_nothingUnfinished_returnsAtOnce() throws Exception {
        JoinableQueue<String> q = newJoinableQueue(2);
        q.join();
        assertThat(q.joinAsync().get(30, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void join_waitsUntilEveryItemTakenIsMarkedDone() throws Exception {
        JoinableQueue<String> q = newJoinableQueue(4);
        q.put("a");
        q.put("b");
        CompletableFuture<Void> joined = q.joinAsync();
        q.get();
        q.get();
        q.taskDone();
        assertThat(joined).isNotDone();
        q.taskDone();
        joined.get(30, TimeUnit.SECONDS);
        q.join();
    }

    @Test
    void join_blockedThread_returnsAfterTheLastTaskDone() throws Exception {
        JoinableQueue<String> q = newJoinableQueue(2);
        q.put("a");
        AtomicReference<Thread> t = new AtomicReference<>();
        CompletableFuture<Boolean> joined = inThread(() -> {
            q.join();
            return true;
        }, t);
        awaitBlocked(t.get());
        assertThat(joined).isNotDone();
        q.get();
        q.taskDone();
        assertThat(joined.get(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void taskDone_moreThanTaken_throws() throws Exception {
        JoinableQueue<String> q = newJoinableQueue(2);
        q.put("a");
        q.get();
        q.taskDone();
        assertThatThrownBy(q::taskDone).isInstanceOf(IllegalStateException.class);
    }

    // ---- shutdown -----------------------------------------------------------------------------

    @Test
    void shutdownImmediate_dropsQueuedItems_getsFail_joinWaitsOnlyForTakenItems() throws Exception {
        JoinableQueue<String> q = newJoinableQueue(4);
        q.put("a");
        q.put("b");
        q.put("c");
        q.get();
        q.shutdown(true);
        assertThatThrownBy(q::get).isInstanceOf(QueueShutDownException.class);
        assertThatThrownBy(() -> q.put("d")).isInstanceOf(QueueShutDownException.class);
        CompletableFuture<Void> joined = q.joinAsync();
        assertThat(joined).isNotDone();
        q.taskDone();
        joined.get(30, TimeUnit.SECONDS);
        assertThatThrownBy(q::taskDone).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void join_timedForms_timeOutWhileATaskIsUnfinished() throws Exception {
        JoinableQueue<String> q = newJoinableQueue(2);
        assertThat(q.join(Duration.ZERO)).isTrue();
        assertThat(q.join(0, TimeUnit.SECONDS)).isTrue();
        q.put("a");
        assertThat(q.unfinishedTasks()).isEqualTo(1);
        long start = System.nanoTime();
        assertThat(q.join(Duration.ofMillis(20))).isFalse();
        assertThat(q.join(20, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(40));
        q.get();
        q.taskDone();
        assertThat(q.unfinishedTasks()).isZero();
        assertThat(q.join(Duration.ofSeconds(30))).isTrue();
        assertThat(q.join(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void join_afterGracefulShutdown_stillWaitsForTheTasks() throws Exception {
        JoinableQueue<String> q = newJoinableQueue(2);
        q.put("a");
        q.shutdown();
        CompletableFuture<Void> joined = q.joinAsync();
        assertThat(q.join(Duration.ZERO)).isFalse();
        assertThat(q.get()).isEqualTo("a");
        assertThatThrownBy(q::get).isInstanceOf(QueueShutDownException.class);
        q.taskDone();
        assertThat(joined.get(30, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void joinAsync_cancelled_changesNothing() throws Exception {
        JoinableQueue<String> q = newJoinableQueue(2);
        q.put("a");
        CompletableFuture<Void> cancelled = q.joinAsync();
        CompletableFuture<Void> kept = q.joinAsync();
        assertThat(cancelled.cancel(true)).isTrue();
        q.get();
        assertThat(kept).isNotDone();
        q.taskDone();
        assertThat(kept.get(30, TimeUnit.SECONDS)).isNull();
        assertThat(q.unfinishedTasks()).isZero();
    }
}
