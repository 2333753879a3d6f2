package dev.weft.ipc.lock;

import dev.weft.core.sync.ExclusiveLock;
import dev.weft.ipc.testing.ContractDomain;
import dev.weft.ipc.testing.IpcTesting;
import dev.weft.testlib.sync.ExclusiveLockContractTest;
import org.junit.jupiter.api.AfterEach;

/**
 * The {@link ExclusiveLock} contract run against the cross-process lock, in a fresh domain, used
 * from threads of this JVM (the crash-recovery behaviour is in {@link CrossProcessLockTest}).
 */
class IpcLockContractTest extends ExclusiveLockContractTest {

    private final ContractDomain domains = new ContractDomain("lock-contract");

    @Override
    protected ExclusiveLock createLock() throws Exception {
        return domains.domain().lock(domains.nextName());
    }

    @AfterEach
    void closeDomain() throws Exception {
        domains.close();
    }

    @Override
    protected void awaitBlocked(Thread t) throws InterruptedException {
        IpcTesting.awaitBlocked(t);
    }
}
