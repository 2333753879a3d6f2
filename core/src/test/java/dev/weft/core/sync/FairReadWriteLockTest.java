package dev.weft.core.sync;

/** Every test of {@link ReadWriteLockTest}, run against the strictly FIFO mode ({@link ReadWriteLock#fair()}). */
class FairReadWriteLockTest extends ReadWriteLockTest {

    @Override
    boolean fair() {
        return true;
    }
}
