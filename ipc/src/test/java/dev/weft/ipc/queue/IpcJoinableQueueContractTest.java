package dev.weft.ipc.queue;

import dev.weft.core.queue.JoinableQueue;
import dev.weft.ipc.testing.ContractDomain;
import dev.weft.ipc.testing.IpcTesting;
import dev.weft.testlib.queue.JoinableQueueContractTest;
import org.junit.jupiter.api.AfterEach;

/**
 * The {@link JoinableQueue} contract run against the cross-process joinable queue: a queue of UTF-8
 * strings ({@link TypedJoinableQueue} over {@link IpcJoinableQueue}) in a fresh domain, used from
 * threads of this JVM.
 */
class IpcJoinableQueueContractTest extends JoinableQueueContractTest {

    private final ContractDomain domains = new ContractDomain("joinable-contract");

    @Override
    protected JoinableQueue<String> createJoinableQueue(int capacity) throws Exception {
        return domains.domain().joinableQueue(domains.nextName(), capacity, 64).typed(MessageCodec.utf8());
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
