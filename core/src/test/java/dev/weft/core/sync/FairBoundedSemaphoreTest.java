package dev.weft.core.sync;

/** Every test of {@link BoundedSemaphoreTest}, run against the strictly FIFO mode ({@link BoundedSemaphore#fair(int)}). */
class FairBoundedSemaphoreTest extends BoundedSemaphoreTest {

    @Override
    boolean fair() {
        return true;
    }
}
