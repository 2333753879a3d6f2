package dev.weft.ipc.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.internal.MappedQueue;
import dev.weft.ipc.internal.QueueDescriptor;
import dev.weft.ipc.internal.QueueRing;
import dev.weft.ipc.internal.RegistryDescriptor;
import dev.weft.ipc.testing.IpcTesting;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** In-process behaviour of {@link IpcJoinableQueue}: taskDone, join and their accounting. */
@Timeout(60)
class IpcJoinableQueueTest {

    private Path dir;
    private IpcDomain domain;
    private IpcJoinableQueue q;

    @BeforeEach
    void open() throws Exception {
        dir = IpcTesting.newDomainDir("jqueue-test");
        domain = IpcTesting.open(dir);
        q = domain.joinableQueue("q", 8, 16);
    }

    @AfterEach
    void close() throws Exception {
        domain.close();
        IpcTesting.deleteTree(dir.getParent());
    }

    private Thread joinInBackground(AtomicReference<Throwable> failure, CompletableFuture<Void> joined) {
        return Thread.ofPlatform().start(() -> {
            try {
                q.join();
                joined.complete(null);
            } catch (Throwable e) {
                failure.set(e);
                joined.completeExceptionally(e);
            }
        });
    }

    @Test
    void join_nothingPut_returnsAtOnce() throws Exception {
        q.join();
        assertThat(q.join(Duration.ZERO)).isTrue();
        assertThat(q.unfinishedTasks()).isZero();
    }

    @Test
    void join_blocksUntilEveryTakenMessageIsMarkedDone() throws Exception {
        q.put(new byte[] {1});
        q.put(new byte[] {2});
        assertThat(q.unfinishedTasks()).isEqualTo(2);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CompletableFuture<Void> joined = new CompletableFuture<>();
        Thread joiner = joinInBackground(failure, joined);
        IpcTesting.awaitBlocked(joiner);
        q.get();
        q.get();
        assertThat(q.unfinishedTasks()).isEqualTo(2);
        q.taskDone();
        assertThat(q.join(Duration.ofMillis(20))).isFalse();
        assertThat(joined).isNotDone();
        q.taskDone();
        joined.get(10, TimeUnit.SECONDS);
        assertThat(q.unfinishedTasks()).isZero();
    }

    @Test
    void join_timed_returnsFalseAfterTheTimeoutWhileTasksRemain() throws Exception {
        q.put(new byte[] {1});
        long start = System.nanoTime();
        assertThat(q.join(50, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
    }

    @Test
    void taskDone_moreTimesThanTakes_throwsIllegalState() throws Exception {
        assertThatThrownBy(q::taskDone).isInstanceOf(IllegalStateException.class).hasMessageContaining("taskDone()");
        q.put(new byte[] {1});
        assertThatThrownBy(q::taskDone).as("a put alone is not a taken task (deviation from Python)")
                .isInstanceOf(IllegalStateException.class);
        q.get();
        q.taskDone();
        assertThatThrownBy(q::taskDone).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void taskDone_byAnotherThread_countsForTheProcess() throws Exception {
        q.put(new byte[] {1});
        q.get();
        Thread t = Thread.ofPlatform().start(q::taskDone);
        t.join();
        q.join();
    }

    @Test
    void join_interruptedWhileWaiting_throwsAndChangesNothing() throws Exception {
        q.put(new byte[] {1});
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CompletableFuture<Void> joined = new CompletableFuture<>();
        Thread joiner = joinInBackground(failure, joined);
        IpcTesting.awaitBlocked(joiner);
        joiner.interrupt();
        joiner.join(10_000);
        assertThat(failure.get()).isInstanceOf(InterruptedException.class);
        assertThat(q.unfinishedTasks()).isEqualTo(1);
    }

    @Test
    void joinAsync_completesWhenDone_andCancelEndsTheWait() throws Exception {
        q.put(new byte[] {1});
        CompletableFuture<Void> f = q.joinAsync();
        CompletableFuture<Void> cancelled = q.joinAsync();
        assertThat(cancelled.cancel(true)).isTrue();
        assertThat(f).isNotDone();
        q.get();
        q.taskDone();
        f.get(10, TimeUnit.SECONDS);
        assertThat(cancelled.isCancelled()).isTrue();
    }

    @Test
    void shutdownImmediate_dropsQueuedTasks_butTakenOnesStillNeedTaskDone() throws Exception {
        q.put(new byte[] {1});
        q.put(new byte[] {2});
        q.get();
        q.shutdown(true);
        assertThat(q.unfinishedTasks()).isEqualTo(1);
        assertThat(q.join(Duration.ofMillis(20))).isFalse();
        q.taskDone();
        q.join();
        assertThatThrownBy(q::taskDone).isInstanceOf(IllegalStateException.class);
        assertThat(q.stats().discarded()).isEqualTo(1);
    }

    @Test
    void taskDoneAndJoin_keepWorkingAfterGracefulShutdown() throws Exception {
        q.put(new byte[] {1});
        q.shutdown();
        q.get();
        q.taskDone();
        q.join();
    }

    @Test
    void tasksOfADeadParticipant_areAbandoned_joinDoesNotWaitForThem() throws Exception {
        QueueRing ring = ((MappedQueue) q).ring();
        int dead = RegistryDescriptor.token(1000, 1); // registry entry 1000 is FREE: this token is dead
        int record = 7;
        ring.memory().setLongVolatile(QueueDescriptor.recordOffset(record), QueueDescriptor.record(dead, 3));
        ring.memory().setIntVolatile(QueueDescriptor.RECORDS_HIGH_WATER_OFFSET, record + 1);
        assertThat(q.unfinishedTasks()).isZero();
        q.join();
        ring.janitorPass();
        assertThat(ring.memory().getLongVolatile(QueueDescriptor.recordOffset(record))).isZero();
        assertThat(q.stats().abandonedTasks()).isEqualTo(3);
    }

    @Test
    void plainQueue_isNotJoinable() throws Exception {
        IpcQueue plain = domain.queue("plain", 4, 8);
        assertThat(plain).isNotInstanceOf(IpcJoinableQueue.class);
        assertThat(q).isInstanceOf(IpcJoinableQueue.class);
    }
}
