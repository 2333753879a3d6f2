package dev.weft.testlib.sync;

import dev.weft.core.sync.ExclusiveLock;
import dev.weft.core.sync.Lock;

/** The lock contract, run against the in-process {@link Lock}. */
class LockContractTest extends ExclusiveLockContractTest {

    @Override
    protected ExclusiveLock createLock() {
        return new Lock();
    }
}
