package dev.weft.ipc.semaphore;

import dev.weft.core.sync.BoundedCountingSemaphore;
import dev.weft.ipc.testing.ContractDomain;
import dev.weft.ipc.testing.IpcTesting;
import dev.weft.testlib.sync.BoundedCountingSemaphoreContractTest;
import org.junit.jupiter.api.AfterEach;

/** The {@link BoundedCountingSemaphore} contract run against the cross-process bounded semaphore. */
class IpcBoundedSemaphoreContractTest extends BoundedCountingSemaphoreContractTest {

    private final ContractDomain domains = new ContractDomain("bsemaphore-contract");

    @Override
    protected BoundedCountingSemaphore createBoundedSemaphore(int permits) throws Exception {
        return domains.domain().boundedSemaphore(domains.nextName(), permits);
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
