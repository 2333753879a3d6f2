package dev.weft.ipc.queue;

/**
 * A message taken from an {@link IpcJoinableQueue}, with what the queue knows about its delivery:
 * how many times it has been handed to a consumer, and a handle to acknowledge exactly this
 * message with {@link IpcJoinableQueue#taskDone(Delivery)}.
 *
 * <p>On a queue created with {@link QueueSpec.Acknowledgement#ON_TASK_DONE} the message stays
 * owned by the taking process until it is acknowledged: if that process dies first, it is
 * delivered again (to any consumer) with {@link #deliveryCount()} one higher. A consumer can use
 * the count to recognise a redelivery ({@code deliveryCount() > 1}: the previous consumer may have
 * processed the message partly or wholly before it died), and to give up on a message early. On a
 * queue created with {@link QueueSpec.Acknowledgement#ON_TAKE} every delivery is the first.
 *
 * <p>Obtained from {@link IpcJoinableQueue#takeDelivery()} and its timed and non-blocking forms;
 * implemented by Weft only. Immutable apart from its acknowledged flag; thread-safe.
 *
 * {@snippet :
 * IpcJoinableQueue jobs = domain.joinableQueue("jobs", QueueSpec.builder()
 *         .capacity(1024).maxMessageSize(512)
 *         .acknowledgement(QueueSpec.Acknowledgement.ON_TASK_DONE)
 *         .maxDeliveries(5)
 *         .build());
 * while (true) {
 *     Delivery<byte[]> d = jobs.takeDelivery();
 *     if (d.isRedelivery()) {
 *         undoPartialWork(d.message());   // the previous consumer died while holding it
 *     }
 *     process(d.message());
 *     jobs.taskDone(d);                   // from here on the message is gone for good
 * }
 * }
 *
 * @param <T> the message type
 * @since 0.1
 */
public interface Delivery<T> {

    /**
     * The message (for a byte-array queue, the array this delivery owns: a copy of the slot).
     *
     * @return the message
     */
    T message();

    /**
     * How many times this message has been handed to a consumer, this delivery included: 1 on the
     * first delivery. A take counts once it has copied the message out, just before it returns; a
     * consumer that died during its take (before the count was raised) does not count. On an
     * {@link QueueSpec.Acknowledgement#ON_TAKE} queue always 1.
     *
     * @return the count, at least 1
     */
    int deliveryCount();

    /**
     * Whether this message was delivered before ({@code deliveryCount() > 1}): a consumer that
     * took it died (or closed its domain) without acknowledging it.
     *
     * @return {@code true} for a redelivery
     */
    default boolean isRedelivery() {
        return deliveryCount() > 1;
    }

    /**
     * Whether {@link IpcJoinableQueue#taskDone(Delivery)} (or a {@code taskDone()} that picked this
     * message) has acknowledged it.
     *
     * @return {@code true} once acknowledged
     */
    boolean isDone();
}
