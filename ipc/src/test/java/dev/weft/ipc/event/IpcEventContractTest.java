package dev.weft.ipc.event;

import dev.weft.core.sync.EventFlag;
import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.testing.IpcTesting;
import dev.weft.testlib.sync.EventFlagContractTest;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;

/**
 * The {@link EventFlag} contract run against the cross-process event, in a fresh domain, used from
 * threads of this JVM (behaviour across processes is in {@link CrossProcessEventTest}).
 */
class IpcEventContractTest extends EventFlagContractTest {

    private @Nullable Path dir;
    private @Nullable IpcDomain domain;
    private int next;

    @Override
    protected EventFlag createEvent() throws Exception {
        if (domain == null) {
            dir = IpcTesting.newDomainDir("event-contract");
            domain = IpcTesting.open(dir);
        }
        return domain.event("contract" + next++);
    }

    @AfterEach
    void closeDomain() throws Exception {
        if (domain != null) {
            domain.close();
            IpcTesting.deleteTree(dir.getParent());
        }
    }

    @Override
    protected void awaitBlocked(Thread t) throws InterruptedException {
        IpcTesting.awaitBlocked(t);
    }
}
