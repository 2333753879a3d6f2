package dev.weft.core.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.core.sync.SyncTesting.Worker;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Behaviours of {@link BoundedSemaphore}, after CPython's {@code test_locks} bounded cases. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BoundedSemaphoreTest {

    /** Whether the semaphores under test are fair; {@link FairBoundedSemaphoreTest} runs every test so. */
    boolean fair() {
        return false;
    }

    BoundedSemaphore newSemaphore(int permits) {
        return fair() ? BoundedSemaphore.fair(permits) : new BoundedSemaphore(permits);
    }


    @Test
    void release_beyondTheBound_throwsAndChangesNothing() throws InterruptedException {
        BoundedSemaphore sem = newSemaphore(2);
        sem.acquire();
        sem.release();

        assertThatThrownBy(sem::release)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("released too many times")
                .hasMessageContaining("bound 2");
        assertThat(sem.availablePermits()).isEqualTo(2);
    }

    @Test
    void release_ofSeveralPermitsBeyondTheBound_throws() throws InterruptedException {
        BoundedSemaphore sem = newSemaphore(3);
        sem.acquire(2);

        assertThatThrownBy(() -> sem.release(3)).isInstanceOf(IllegalStateException.class);
        sem.release(2);
        assertThat(sem.availablePermits()).isEqualTo(3);
    }

    @Test
    void defaultConstructor_hasOnePermitAndBoundOne() {
        BoundedSemaphore sem = new BoundedSemaphore();

        assertThat(sem.bound()).isEqualTo(1);
        assertThat(sem.availablePermits()).isEqualTo(1);
        assertThat(sem).hasToString("BoundedSemaphore[permits=1, waiters=0, bound=1]");
        assertThat(sem).isInstanceOf(Semaphore.class);
    }

    @Test
    void constructor_negativePermits_throws() {
        assertThatThrownBy(() -> new BoundedSemaphore(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void acquire_moreThanTheBound_failsFastInsteadOfWaitingForever() {
        BoundedSemaphore sem = newSemaphore(2);

        assertThatThrownBy(() -> sem.acquire(3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bound 2")
                .hasMessageContaining("3");
        assertThatThrownBy(() -> sem.acquireAsync(3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void release_handedToQueuedRequest_countsAgainstTheBoundCorrectly() throws InterruptedException {
        BoundedSemaphore sem = newSemaphore(1);
        sem.acquire();
        CompletableFuture<@Nullable Void> waiter = sem.acquireAsync();

        sem.release();   // handed over: still 0 available
        assertThat(waiter).isCompleted();
        sem.release();   // the waiter's hold ends
        assertThatThrownBy(sem::release).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void cancelledGrant_givesThePermitBackWithinTheBound() {
        BoundedSemaphore sem = newSemaphore(1);
        assertThat(sem.tryAcquire()).isTrue();
        CompletableFuture<@Nullable Void> f = sem.acquireAsync();
        f.cancel(false);

        sem.release();

        assertThat(sem.availablePermits()).isEqualTo(1);
        assertThatThrownBy(sem::release).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void release_racingOverReleases_onlyOneSucceeds() throws Exception {
        for (int round = 0; round < 500; round++) {
            BoundedSemaphore sem = newSemaphore(1);
            assertThat(sem.tryAcquire()).isTrue();
            CyclicBarrier start = new CyclicBarrier(2);
            Worker<Boolean> a = Worker.start("a", () -> tryRelease(sem, start));
            Worker<Boolean> b = Worker.start("b", () -> tryRelease(sem, start));

            int succeeded = (a.get() ? 1 : 0) + (b.get() ? 1 : 0);

            assertThat(succeeded).as("round %d", round).isEqualTo(1);
            assertThat(sem.availablePermits()).isEqualTo(1);
        }
    }

    private static boolean tryRelease(BoundedSemaphore sem, CyclicBarrier start) throws Exception {
        start.await();
        try {
            sem.release();
            return true;
        } catch (IllegalStateException over) {
            return false;
        }
    }
}
