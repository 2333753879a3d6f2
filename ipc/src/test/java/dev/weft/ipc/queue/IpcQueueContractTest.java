package dev.weft.ipc.queue;

import dev.weft.core.queue.WorkQueue;
import dev.weft.ipc.testing.ContractDomain;
import dev.weft.ipc.testing.IpcTesting;
import dev.weft.testlib.queue.WorkQueueContractTest;
import org.junit.jupiter.api.AfterEach;

/**
 * The {@link WorkQueue} contract run against the cross-process queue: a plain (not joinable) queue
 * of UTF-8 strings ({@link TypedQueue} over {@link IpcQueue}) in a fresh domain, used from threads
 * of this JVM.
 */
class IpcQueueContractTest extends WorkQueueContractTest {

    private final ContractDomain domains = new ContractDomain("queue-contract");

    @Override
    protected WorkQueue<String> createQueue(int capacity) throws Exception {
        return domains.domain().queue(domains.nextName(), capacity, 64).typed(MessageCodec.utf8());
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
