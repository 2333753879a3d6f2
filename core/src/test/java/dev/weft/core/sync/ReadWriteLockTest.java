package dev.weft.core.sync;

import static dev.weft.core.sync.SyncTesting.awaitParked;
import static dev.weft.core.sync.SyncTesting.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.core.sync.SyncTesting.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Behaviours of {@link ReadWriteLock}. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReadWriteLockTest {

    /** Whether the locks under test are fair; {@link FairReadWriteLockTest} runs every test so. */
    boolean fair() {
        return false;
    }

    ReadWriteLock newLock() {
        return fair() ? ReadWriteLock.fair() : new ReadWriteLock();
    }


    @Test
    void newLock_isFree() {
        ReadWriteLock rw = newLock();

        assertThat(rw.isWriteLocked()).isFalse();
        assertThat(rw.getReadLockCount()).isZero();
        assertThat(rw.writeLock().isLocked()).isFalse();
        assertThat(rw).hasToString("ReadWriteLock[readers=0, waiters=0]");
        assertThat(rw.readLock()).isSameAs(rw.readLock());
        assertThat(rw.writeLock()).isSameAs(rw.writeLock());
    }

    @Test
    void readers_shareTheLock() throws InterruptedException {
        ReadWriteLock rw = newLock();

        rw.readLock().acquire();
        assertThat(rw.readLock().tryAcquire()).isTrue();
        assertThat(rw.readLock().acquireAsync()).isCompleted();

        assertThat(rw.getReadLockCount()).isEqualTo(3);
        assertThat(rw.writeLock().tryAcquire()).isFalse();
        assertThat(rw).hasToString("ReadWriteLock[readers=3, waiters=0]");
    }

    @Test
    void writer_excludesReadersAndWriters() throws InterruptedException {
        ReadWriteLock rw = newLock();

        rw.writeLock().acquire();

        assertThat(rw.isWriteLocked()).isTrue();
        assertThat(rw.readLock().tryAcquire()).isFalse();
        assertThat(rw.writeLock().tryAcquire()).isFalse();
        assertThat(rw.readLock().tryAcquire(Duration.ofMillis(5))).isFalse();
        assertThat(rw).hasToString("ReadWriteLock[write-locked, waiters=0]");
        rw.writeLock().release();
        assertThat(rw.readLock().tryAcquire()).isTrue();
    }

    @Test
    void queuedWriter_blocksLaterReaders_soWritersAreNotStarved() throws InterruptedException {
        ReadWriteLock rw = newLock();
        rw.readLock().acquire();
        CompletableFuture<@Nullable Void> writer = rw.writeLock().acquireAsync();

        if (fair()) {
            assertThat(rw.readLock().tryAcquire()).as("fair: no reader may pass a queued writer").isFalse();
        } else {
            // Barging: a reader passes the queued writer until the writer has waited past the
            // starvation bound; the next release then switches the lock to hand-off.
            assertThat(rw.readLock().tryAcquire()).as("barging: a reader passes a fresh writer").isTrue();
            SyncTesting.waitAtLeastNanos(FifoPermits.STARVATION_NANOS);
            rw.readLock().release();
            assertThat(rw.readLock().tryAcquire()).as("no reader may pass a starving writer").isFalse();
        }
        CompletableFuture<@Nullable Void> lateReader = rw.readLock().acquireAsync();
        assertThat(lateReader).isNotDone();

        rw.readLock().release();
        assertThat(writer).isCompleted();
        assertThat(lateReader).isNotDone();

        rw.writeLock().release();
        assertThat(lateReader).isCompleted();
    }

    @Test
    void writerRelease_admitsConsecutiveReadersTogether_upToTheNextWriter() throws InterruptedException {
        ReadWriteLock rw = newLock();
        rw.writeLock().acquire();
        CompletableFuture<@Nullable Void> r1 = rw.readLock().acquireAsync();
        CompletableFuture<@Nullable Void> r2 = rw.readLock().acquireAsync();
        CompletableFuture<@Nullable Void> w2 = rw.writeLock().acquireAsync();
        CompletableFuture<@Nullable Void> r3 = rw.readLock().acquireAsync();

        rw.writeLock().release();

        assertThat(r1).isCompleted();
        assertThat(r2).isCompleted();
        assertThat(w2).isNotDone();
        assertThat(r3).isNotDone();
        assertThat(rw.getReadLockCount()).isEqualTo(2);
        rw.readLock().release();
        rw.readLock().release();
        assertThat(w2).isCompleted();
        rw.writeLock().release();
        assertThat(r3).isCompleted();
    }

    @Test
    void releases_withoutTheMatchingHold_throwAndChangeNothing() throws InterruptedException {
        ReadWriteLock rw = newLock();

        assertThatThrownBy(rw.readLock()::release)
                .isInstanceOf(IllegalMonitorStateException.class)
                .hasMessageContaining("Read lock is not acquired");
        assertThatThrownBy(rw.writeLock()::release)
                .isInstanceOf(IllegalMonitorStateException.class)
                .hasMessageContaining("Write lock is not acquired");

        rw.writeLock().acquire();
        assertThatThrownBy(rw.readLock()::unlock).isInstanceOf(IllegalMonitorStateException.class);
        assertThat(rw.isWriteLocked()).isTrue();
        rw.writeLock().release();

        rw.readLock().acquire();
        assertThatThrownBy(rw.writeLock()::unlock).isInstanceOf(IllegalMonitorStateException.class);
        assertThat(rw.getReadLockCount()).isEqualTo(1);
    }

    @Test
    void readLock_hasNoConditions() {
        ReadWriteLock rw = newLock();

        assertThatThrownBy(rw.readLock()::newCondition).isInstanceOf(UnsupportedOperationException.class);
        assertThat(rw.writeLock().newCondition()).isInstanceOf(Condition.class);
    }

    @Test
    void cancelledWriter_letsTheReadersBehindItIn() throws InterruptedException {
        ReadWriteLock rw = newLock();
        rw.readLock().acquire();
        CompletableFuture<@Nullable Void> writer = rw.writeLock().acquireAsync();
        CompletableFuture<@Nullable Void> reader = rw.readLock().acquireAsync();

        writer.cancel(false);

        assertThat(reader).isCompleted();
        assertThat(rw.getReadLockCount()).isEqualTo(2);
        assertThat(rw.waiterCount()).isZero();
        assertThat(rw.hasWaiters()).isFalse();
    }

    @Test
    void writeLock_interruptedWhileQueued_throwsAndLetsReadersThrough() throws Exception {
        ReadWriteLock rw = newLock();
        rw.readLock().acquire();
        Worker<String> writer = Worker.start("writer", () -> {
            try {
                rw.writeLock().acquire();
                return "acquired";
            } catch (InterruptedException e) {
                return "interrupted";
            }
        });
        eventually("queued", () -> rw.waiterCount() == 1);
        assertThat(rw.hasWaiters()).isTrue();
        awaitParked(writer.thread);

        writer.thread.interrupt();

        assertThat(writer.get()).isEqualTo("interrupted");
        assertThat(rw.readLock().tryAcquire()).isTrue();
        assertThat(rw.getReadLockCount()).isEqualTo(2);
    }

    @Test
    void jdkLockMethods_work() throws InterruptedException {
        ReadWriteLock rw = newLock();
        java.util.concurrent.locks.ReadWriteLock jdk = rw;

        jdk.readLock().lock();
        assertThat(jdk.writeLock().tryLock(1, TimeUnit.MILLISECONDS)).isFalse();
        jdk.readLock().unlock();
        jdk.writeLock().lockInterruptibly();
        assertThat(jdk.readLock().tryLock()).isFalse();
        jdk.writeLock().unlock();
        jdk.writeLock().lock();
        assertThat(rw.writeLock().tryAcquire(Duration.ZERO)).isFalse();
        rw.writeLock().release();
        rw.writeLock().acquireUninterruptibly();
        assertThat(rw.isWriteLocked()).isTrue();
        rw.writeLock().release();
        rw.readLock().acquireUninterruptibly();
        assertThat(rw.getReadLockCount()).isEqualTo(1);
    }

    @Test
    void mixedLoad_readersNeverSeeAHalfDoneWrite() throws Exception {
        ReadWriteLock rw = newLock();
        int[] pair = {0, 0};
        AtomicInteger torn = new AtomicInteger();
        AtomicInteger writersInside = new AtomicInteger();
        AtomicInteger overlap = new AtomicInteger();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 12; t++) {
                boolean writer = t % 4 == 0;
                boolean async = t % 3 == 0;
                futures.add(executor.submit(() -> {
                    for (int i = 0; i < 300; i++) {
                        if (writer) {
                            if (async) {
                                rw.writeLock().acquireAsync().join();
                            } else {
                                rw.writeLock().acquire();
                            }
                            try {
                                if (writersInside.incrementAndGet() != 1) {
                                    overlap.incrementAndGet();
                                }
                                pair[0]++;
                                pair[1]++;
                                writersInside.decrementAndGet();
                            } finally {
                                rw.writeLock().release();
                            }
                        } else {
                            if (async) {
                                rw.readLock().acquireAsync().join();
                            } else {
                                rw.readLock().acquire();
                            }
                            try {
                                if (pair[0] != pair[1] || writersInside.get() != 0) {
                                    torn.incrementAndGet();
                                }
                            } finally {
                                rw.readLock().release();
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        assertThat(torn).hasValue(0);
        assertThat(overlap).hasValue(0);
        assertThat(pair[0]).isEqualTo(3 * 300);
        assertThat(rw.getReadLockCount()).isZero();
        assertThat(rw.isWriteLocked()).isFalse();
    }

    @Test
    void readLock_timedTryAcquire_timeUnitForm_timesOutBehindAWriter() throws Exception {
        ReadWriteLock rw = newLock();
        rw.writeLock().acquire();
        assertThat(rw.readLock().tryAcquire(10, java.util.concurrent.TimeUnit.MILLISECONDS)).isFalse();
        assertThat(rw.writeLock().tryAcquire(0, java.util.concurrent.TimeUnit.SECONDS)).isFalse();
        rw.writeLock().release();
        assertThat(rw.readLock().tryAcquire(1, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(rw.getReadLockCount()).isEqualTo(1);
        rw.readLock().release();
    }
}
