package dev.weft.ipc.internal;

import dev.weft.ipc.queue.Delivery;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link Delivery} of a {@link QueueRing}: the message, its delivery count and the position it
 * was taken from, which identifies it to {@link QueueRing#taskDone(long)}.
 */
final class HeldDelivery implements Delivery<byte[]> {

    final QueueRing ring;
    final long position;
    private final byte[] message;
    private final int deliveryCount;
    /** ON_TAKE queues: whether taskDone(Delivery) was called (ON_TASK_DONE queues ask the ring). */
    final AtomicBoolean done = new AtomicBoolean();

    HeldDelivery(QueueRing ring, long position, byte[] message, int deliveryCount) {
        this.ring = ring;
        this.position = position;
        this.message = message;
        this.deliveryCount = deliveryCount;
    }

    @Override
    public byte[] message() {
        return message;
    }

    @Override
    public int deliveryCount() {
        return deliveryCount;
    }

    @Override
    public boolean isDone() {
        return ring.acknowledgesOnTaskDone() ? !ring.holds(position) : done.get();
    }

    @Override
    public String toString() {
        return "Delivery[queue '" + ring.name() + "', position " + position + ", " + message.length + " bytes, delivery "
                + deliveryCount + (isDone() ? ", done" : "") + "]";
    }
}
