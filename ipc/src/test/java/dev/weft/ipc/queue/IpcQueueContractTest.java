package dev.weft.ipc.queue;

import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.testing.IpcTesting;
import dev.weft.testlib.queue.ContractQueue;
import dev.weft.testlib.queue.QueueContractTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;

/**
 * The shared queue contract ({@link QueueContractTest}) run against the cross-process queue: a
 * joinable queue of UTF-8 strings ({@link TypedQueue} over {@link IpcJoinableQueue}) in a fresh
 * domain, used from threads of this JVM.
 */
class IpcQueueContractTest extends QueueContractTest {

    private @Nullable Path dir;
    private @Nullable IpcDomain domain;
    private int next;

    @Override
    protected ContractQueue createQueue(int capacity) throws Exception {
        if (domain == null) {
            dir = IpcTesting.newDomainDir("queue-contract");
            domain = IpcTesting.open(dir);
        }
        IpcJoinableQueue raw = domain.joinableQueue("contract" + next++, capacity, 64);
        TypedQueue<String> q = raw.typed(MessageCodec.utf8());
        return new ContractQueue() {
            @Override
            public void put(String item) throws InterruptedException {
                q.put(item);
            }

            @Override
            public boolean offer(String item, Duration timeout) throws InterruptedException {
                return q.offer(item, timeout);
            }

            @Override
            public String take() throws InterruptedException {
                return q.take();
            }

            @Override
            public @Nullable String poll(Duration timeout) throws InterruptedException {
                return q.poll(timeout);
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
                raw.taskDone();
            }

            @Override
            public void join() throws InterruptedException {
                raw.join();
            }

            @Override
            public CompletableFuture<Void> joinAsync() {
                return raw.joinAsync();
            }

            @Override
            public void shutdown(boolean immediate) {
                raw.shutdown(immediate);
            }

            @Override
            public int qsize() {
                return raw.qsize();
            }

            @Override
            public void close() {
                raw.close();
            }
        };
    }

    @AfterEach
    void closeDomain() throws Exception {
        if (domain != null) {
            domain.close();
            IpcTesting.deleteTree(dir.getParent());
        }
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

    @Override
    protected void awaitBlocked(Thread t) throws InterruptedException {
        IpcTesting.awaitBlocked(t);
    }
}
