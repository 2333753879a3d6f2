package dev.weft.ipc.lock;

import dev.weft.core.sync.ConditionVariable;
import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.testing.ContractDomain;
import dev.weft.ipc.testing.IpcTesting;
import dev.weft.testlib.sync.ConditionVariableContractTest;
import org.junit.jupiter.api.AfterEach;

/**
 * The {@link ConditionVariable} contract run against the cross-process condition, in a fresh
 * domain, used from threads of this JVM (dead holders and dead waiters are in
 * {@link IpcConditionTest}).
 */
class IpcConditionContractTest extends ConditionVariableContractTest {

    private final ContractDomain domains = new ContractDomain("condition-contract");

    @Override
    protected ConditionVariable createCondition() throws Exception {
        IpcDomain d = domains.domain();
        return d.condition(domains.nextName(), d.lock(domains.nextName()));
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
