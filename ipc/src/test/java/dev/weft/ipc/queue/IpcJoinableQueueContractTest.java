package dev.weft.ipc.queue;

import dev.weft.core.queue.JoinableQueue;
import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.testing.IpcTesting;
import dev.weft.testlib.queue.JoinableQueueContractTest;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;

/**
 * The {@link JoinableQueue} contract run against the cross-process joinable queue: a queue of UTF-8
 * strings ({@link TypedJoinableQueue} over {@link IpcJoinableQueue}) in a fresh domain, used from
 * threads of this JVM.
 */
class IpcJoinableQueueContractTest extends JoinableQueueContractTest {

    private @Nullable Path dir;
    private @Nullable IpcDomain domain;
    private int next;

    @Override
    protected JoinableQueue<String> createJoinableQueue(int capacity) throws Exception {
        if (domain == null) {
            dir = IpcTesting.newDomainDir("joinable-contract");
            domain = IpcTesting.open(dir);
        }
        return domain.joinableQueue("contract" + next++, capacity, 64).typed(MessageCodec.utf8());
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
