package dev.weft.testlib.queue;

import dev.weft.core.queue.AsyncQueue;
import dev.weft.core.queue.JoinableQueue;

/** The joinable-queue contract, run against a bounded FIFO {@link AsyncQueue}. */
class AsyncQueueContractTest extends JoinableQueueContractTest {

    @Override
    protected JoinableQueue<String> createJoinableQueue(int capacity) {
        return AsyncQueue.fifo(capacity);
    }
}
