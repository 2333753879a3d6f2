package dev.weft.ipc.lock;

import dev.weft.core.sync.ExclusiveLock;
import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.testing.IpcTesting;
import dev.weft.testlib.sync.ExclusiveLockContractTest;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;

/**
 * The {@link ExclusiveLock} contract run against the cross-process lock, in a fresh domain, used
 * from threads of this JVM (the crash-recovery behaviour is in {@link CrossProcessLockTest}).
 */
class IpcLockContractTest extends ExclusiveLockContractTest {

    private @Nullable Path dir;
    private @Nullable IpcDomain domain;
    private int next;

    @Override
    protected ExclusiveLock createLock() throws Exception {
        if (domain == null) {
            dir = IpcTesting.newDomainDir("lock-contract");
            domain = IpcTesting.open(dir);
        }
        return domain.lock("contract" + next++);
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
