package dev.weft.ipc.internal;

import dev.weft.core.internal.Durations;
import dev.weft.ipc.queue.IpcJoinableQueue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** {@link IpcJoinableQueue} on a joinable {@link QueueRing}. */
public final class MappedJoinableQueue extends MappedQueue implements IpcJoinableQueue {

    MappedJoinableQueue(String name, QueueRing ring, DomainGuard guard, Path file) {
        super(name, ring, guard, file);
        if (!ring.joinable()) {
            throw new IllegalArgumentException("queue '" + name + "' was not created joinable");
        }
    }

    @Override
    public void taskDone() {
        checkOpen();
        ring.taskDone();
    }

    @Override
    public void join() throws InterruptedException {
        ring.join(false, 0L, open);
    }

    @Override
    public boolean join(Duration timeout) throws InterruptedException {
        return ring.join(true, Durations.toNanos(timeout), open);
    }

    @Override
    public boolean join(long timeout, TimeUnit unit) throws InterruptedException {
        return ring.join(true, unit.toNanos(timeout), open);
    }

    @Override
    public CompletableFuture<Void> joinAsync() {
        checkOpen();
        DeliveryFuture<Void> future = new DeliveryFuture<>();
        future.start("weft-ipc-join-" + name(), () -> {
            ring.join(false, 0L, open);
            if (future.enter()) {
                future.deliver(null);
            }
        });
        return future;
    }

    @Override
    public long unfinishedTasks() {
        checkOpen();
        return ring.unfinishedTasks();
    }
}
