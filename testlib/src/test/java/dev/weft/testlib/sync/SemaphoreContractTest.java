package dev.weft.testlib.sync;

import dev.weft.core.sync.CountingSemaphore;
import dev.weft.core.sync.Semaphore;

/** The semaphore contract, run against the in-process {@link Semaphore}. */
class SemaphoreContractTest extends CountingSemaphoreContractTest {

    @Override
    protected CountingSemaphore createSemaphore(int permits) {
        return new Semaphore(permits);
    }
}
