package dev.weft.core.queue;

import dev.weft.testlib.queue.ContractQueue;
import dev.weft.testlib.queue.QueueContractTest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The queue contract shared with the cross-process queue ({@link QueueContractTest}), run against
 * a bounded FIFO {@link AsyncQueue}.
 */
class AsyncQueueContractTest extends QueueContractTest {

    @Override
    protected ContractQueue createQueue(int capacity) {
        AsyncQueue<String> q = AsyncQueue.fifo(capacity);
        return new ContractQueue() {
            @Override
            public void put(String item) throws InterruptedException {
                q.put(item);
            }

            @Override
            public boolean offer(String item, Duration timeout) throws InterruptedException {
                return q.put(item, timeout.toNanos(), TimeUnit.NANOSECONDS);
            }

            @Override
            public String take() throws InterruptedException {
                return q.get();
            }

            @Override
            public @Nullable String poll(Duration timeout) throws InterruptedException {
                return q.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            }

            @Override
            public void putNowait(String item) {
                q.putNowait(item);
            }

            @Override
            public String getNowait() {
                return q.getNowait();
            }

            @Override
            public CompletableFuture<Void> putAsync(String item) {
                return q.putAsync(item);
            }

            @Override
            public CompletableFuture<String> getAsync() {
                return q.getAsync();
            }

            @Override
            public void taskDone() {
                q.taskDone();
            }

            @Override
            public void join() throws InterruptedException {
                q.join();
            }

            @Override
            public CompletableFuture<Void> joinAsync() {
                return q.joinAsync();
            }

            @Override
            public void shutdown(boolean immediate) {
                q.shutdown(immediate);
            }

            @Override
            public int qsize() {
                return q.qsize();
            }

            @Override
            public void close() {
                // Nothing to release: the queue lives in this JVM's heap.
            }
        };
    }

    @Override
    protected Class<? extends Throwable> fullException() {
        return QueueFullException.class;
    }

    @Override
    protected Class<? extends Throwable> emptyException() {
        return QueueEmptyException.class;
    }

    @Override
    protected Class<? extends Throwable> shutDownException() {
        return QueueShutDownException.class;
    }

    @Override
    protected Class<? extends Throwable> taskDoneTooManyException() {
        return IllegalStateException.class;
    }
}
