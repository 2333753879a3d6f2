package dev.weft.core.sync;

/** Every test of {@link SemaphoreTest}, run against the strictly FIFO mode ({@link Semaphore#fair(int)}). */
class FairSemaphoreTest extends SemaphoreTest {

    @Override
    boolean fair() {
        return true;
    }
}
