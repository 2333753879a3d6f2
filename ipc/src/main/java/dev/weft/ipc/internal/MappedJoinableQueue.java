package dev.weft.ipc.internal;

import dev.weft.core.internal.Durations;
import dev.weft.ipc.queue.Delivery;
import dev.weft.ipc.queue.IpcJoinableQueue;
import dev.weft.ipc.queue.QueueSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

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
    public void taskDone(Delivery<?> delivery) {
        Objects.requireNonNull(delivery, "delivery");
        checkOpen();
        if (!(delivery instanceof HeldDelivery held) || held.ring != ring) {
            throw new IllegalArgumentException("delivery " + delivery + " was not taken from queue '" + name()
                    + "' in this process");
        }
        if (ring.acknowledgesOnTaskDone()) {
            if (!ring.taskDone(held.position)) {
                throw new IllegalStateException("delivery " + delivery + " was already acknowledged");
            }
            return;
        }
        if (!held.done.compareAndSet(false, true)) {
            throw new IllegalStateException("delivery " + delivery + " was already marked done");
        }
        ring.taskDone();
    }

    @Override
    public QueueSpec.Acknowledgement acknowledgement() {
        return ring.acknowledgesOnTaskDone() ? QueueSpec.Acknowledgement.ON_TASK_DONE : QueueSpec.Acknowledgement.ON_TAKE;
    }

    @Override
    public int heldMessages() {
        checkOpen();
        return ring.heldCount();
    }

    @Override
    public Delivery<byte[]> takeDelivery() throws InterruptedException {
        return Objects.requireNonNull(delivery(false, 0L));
    }

    @Override
    public @Nullable Delivery<byte[]> pollDelivery(Duration timeout) throws InterruptedException {
        return delivery(true, Durations.toNanos(timeout));
    }

    @Override
    public @Nullable Delivery<byte[]> pollDelivery() {
        try {
            return delivery(true, 0L);
        } catch (InterruptedException e) {
            throw new AssertionError("a non-blocking take never waits", e);
        }
    }

    private @Nullable Delivery<byte[]> delivery(boolean timed, long nanos) throws InterruptedException {
        long pos = ring.claimTake(timed, nanos, open);
        if (pos < 0) {
            return null;
        }
        byte[] message;
        try {
            message = ring.copyOut(pos);
        } catch (RuntimeException | Error e) {
            ring.returnClaimed(pos);
            throw e;
        }
        int count = ring.commitTakeCounted(pos, null);
        return new HeldDelivery(ring, pos, message, count);
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
