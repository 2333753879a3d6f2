package dev.weft.core.sync;

/** Every test of {@link LockTest}, run against the strictly FIFO mode ({@link Lock#fair()}). */
class FairLockTest extends LockTest {

    @Override
    boolean fair() {
        return true;
    }
}
