package dev.weft.testlib.sync;

import dev.weft.core.sync.BoundedCountingSemaphore;
import dev.weft.core.sync.BoundedSemaphore;

/** The bounded semaphore contract, run against the in-process {@link BoundedSemaphore}. */
class BoundedSemaphoreContractTest extends BoundedCountingSemaphoreContractTest {

    @Override
    protected BoundedCountingSemaphore createBoundedSemaphore(int permits) {
        return new BoundedSemaphore(permits);
    }
}
