package dev.weft.testlib.sync;

import dev.weft.core.sync.ExclusiveLock;
import dev.weft.core.sync.ReadWriteLock;

/** The lock contract, run against the write half of the in-process {@link ReadWriteLock}. */
class WriteLockContractTest extends ExclusiveLockContractTest {

    @Override
    protected ExclusiveLock createLock() {
        return new ReadWriteLock().writeLock();
    }
}
