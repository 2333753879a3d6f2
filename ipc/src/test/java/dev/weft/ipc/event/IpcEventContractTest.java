package dev.weft.ipc.event;

import dev.weft.core.sync.EventFlag;
import dev.weft.ipc.testing.ContractDomain;
import dev.weft.ipc.testing.IpcTesting;
import dev.weft.testlib.sync.EventFlagContractTest;
import org.junit.jupiter.api.AfterEach;

/**
 * The {@link EventFlag} contract run against the cross-process event, in a fresh domain, used from
 * threads of this JVM (behaviour across processes is in {@link CrossProcessEventTest}).
 */
class IpcEventContractTest extends EventFlagContractTest {

    private final ContractDomain domains = new ContractDomain("event-contract");

    @Override
    protected EventFlag createEvent() throws Exception {
        return domains.domain().event(domains.nextName());
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
