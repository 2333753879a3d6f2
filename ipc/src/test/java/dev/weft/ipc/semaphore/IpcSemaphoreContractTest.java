package dev.weft.ipc.semaphore;

import dev.weft.core.sync.CountingSemaphore;
import dev.weft.ipc.testing.ContractDomain;
import dev.weft.ipc.testing.IpcTesting;
import dev.weft.testlib.sync.CountingSemaphoreContractTest;
import org.junit.jupiter.api.AfterEach;

/**
 * The {@link CountingSemaphore} contract run against the cross-process semaphore, in a fresh
 * domain, used from threads of this JVM (recovery is in {@link CrossProcessSemaphoreTest}).
 */
class IpcSemaphoreContractTest extends CountingSemaphoreContractTest {

    private final ContractDomain domains = new ContractDomain("semaphore-contract");

    @Override
    protected CountingSemaphore createSemaphore(int permits) throws Exception {
        return domains.domain().semaphore(domains.nextName(), permits);
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
