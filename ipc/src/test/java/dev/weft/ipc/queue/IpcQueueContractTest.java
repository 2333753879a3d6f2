package dev.weft.ipc.queue;

import dev.weft.core.queue.WorkQueue;
import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.testing.IpcTesting;
import dev.weft.testlib.queue.WorkQueueContractTest;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;

/**
 * The {@link WorkQueue} contract run against the cross-process queue: a plain (not joinable) queue
 * of UTF-8 strings ({@link TypedQueue} over {@link IpcQueue}) in a fresh domain, used from threads
 * of this JVM.
 */
class IpcQueueContractTest extends WorkQueueContractTest {

    private @Nullable Path dir;
    private @Nullable IpcDomain domain;
    private int next;

    @Override
    protected WorkQueue<String> createQueue(int capacity) throws Exception {
        if (domain == null) {
            dir = IpcTesting.newDomainDir("queue-contract");
            domain = IpcTesting.open(dir);
        }
        return domain.queue("contract" + next++, capacity, 64).typed(MessageCodec.utf8());
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
