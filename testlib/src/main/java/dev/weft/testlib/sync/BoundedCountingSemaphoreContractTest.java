package dev.weft.testlib.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.core.sync.BoundedCountingSemaphore;
import dev.weft.core.sync.CountingSemaphore;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The {@link BoundedCountingSemaphore} contract as a test suite: everything in
 * {@link CountingSemaphoreContractTest}, plus the bound (an over-release is rejected atomically and
 * changes nothing; an acquire beyond the bound fails fast).
 *
 * <p>A subclass supplies {@link #createBoundedSemaphore(int)}.
 */
public abstract class BoundedCountingSemaphoreContractTest extends CountingSemaphoreContractTest {

    /**
     * A new bounded semaphore whose initial count and bound are {@code permits}.
     *
     * @param permits the initial permits and bound, 0 to 8
     * @return the semaphore
     * @throws Exception if it cannot be created
     */
    protected abstract BoundedCountingSemaphore createBoundedSemaphore(int permits) throws Exception;

    @Override
    protected final CountingSemaphore createSemaphore(int permits) throws Exception {
        return createBoundedSemaphore(permits);
    }

    @Override
    protected final boolean bounded() {
        return true;
    }

    @Test
    void bound_isTheInitialCount() throws Exception {
        BoundedCountingSemaphore s = createBoundedSemaphore(3);
        assertThat(s.bound()).isEqualTo(3);
        s.acquire(2);
        assertThat(s.bound()).isEqualTo(3);
        s.release(2);
    }

    @Test
    void release_beyondTheBound_throwsIllegalStateAndChangesNothing() throws Exception {
        BoundedCountingSemaphore s = createBoundedSemaphore(2);
        assertThatThrownBy(s::release).isInstanceOf(IllegalStateException.class);
        s.acquire(2);
        s.release();
        assertThatThrownBy(() -> s.release(2)).isInstanceOf(IllegalStateException.class);
        assertThat(s.availablePermits()).as("a rejected release adds nothing").isEqualTo(1);
        s.release();
        assertThat(s.availablePermits()).isEqualTo(2);
    }

    @Test
    void acquire_beyondTheBound_failsFast() throws Exception {
        BoundedCountingSemaphore s = createBoundedSemaphore(2);
        assertThatThrownBy(() -> s.acquire(3)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3");
        assertThatThrownBy(() -> s.tryAcquire(3)).isInstanceOf(IllegalArgumentException.class);
        assertThat(s.availablePermits()).isEqualTo(2);
    }

    @Test
    void racingOverReleases_exactlyOneSucceeds() throws Exception {
        BoundedCountingSemaphore s = createBoundedSemaphore(2);
        for (int round = 0; round < 50; round++) {
            s.acquire(2);
            CountDownLatch go = new CountDownLatch(1);
            AtomicInteger succeeded = new AtomicInteger();
            AtomicInteger rejected = new AtomicInteger();
            Thread[] racers = new Thread[2];
            for (int i = 0; i < racers.length; i++) {
                racers[i] = Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                        s.release(2);
                        succeeded.incrementAndGet();
                    } catch (IllegalStateException e) {
                        rejected.incrementAndGet();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                });
            }
            go.countDown();
            for (Thread t : racers) {
                t.join();
            }
            assertThat(succeeded.get()).isEqualTo(1);
            assertThat(rejected.get()).isEqualTo(1);
            assertThat(s.availablePermits()).isEqualTo(2);
        }
    }
}
