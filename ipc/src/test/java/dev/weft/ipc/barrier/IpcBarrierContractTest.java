package dev.weft.ipc.barrier;

import dev.weft.core.sync.PartyBarrier;
import dev.weft.ipc.testing.ContractDomain;
import dev.weft.ipc.testing.IpcTesting;
import dev.weft.testlib.sync.PartyBarrierContractTest;
import org.junit.jupiter.api.AfterEach;

/**
 * The {@link PartyBarrier} contract run against the cross-process barrier, in a fresh domain, used
 * from threads of this JVM (a dead party is in {@link CrossProcessBarrierTest}).
 */
class IpcBarrierContractTest extends PartyBarrierContractTest {

    private final ContractDomain domains = new ContractDomain("barrier-contract");

    @Override
    protected PartyBarrier createBarrier(int parties) throws Exception {
        return domains.domain().barrier(domains.nextName(), parties);
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
