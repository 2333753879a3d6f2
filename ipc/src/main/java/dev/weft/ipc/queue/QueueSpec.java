package dev.weft.ipc.queue;

import java.util.Objects;

/**
 * The creation parameters of a queue: capacity, maximum message size, when a taken message counts
 * as delivered, and what happens to the messages of dead consumers. Immutable; build with {@link #of(int, int)} or {@link #builder()}.
 *
 * <p>The first process to open a queue creates it with these parameters, which are stored in the
 * queue's file. Every later opener must ask for the same parameters; a mismatch is reported with
 * {@link dev.weft.ipc.IpcFormatException} naming the parameter, its expected and its actual value.
 *
 * {@snippet :
 * QueueSpec spec = QueueSpec.builder()
 *         .capacity(4096)              // messages
 *         .maxMessageSize(256)         // bytes
 *         .syncOnCommit(false)         // the default: no msync per put
 *         .build();
 * }
 *
 * @since 0.1
 */
public final class QueueSpec {

    /** Largest capacity: 2<sup>30</sup> messages (an implementation may allow fewer). */
    public static final int MAX_CAPACITY = 1 << 30;
    /** Largest message size: 1 GiB (an implementation may allow less). */
    public static final int MAX_MESSAGE_SIZE = 1 << 30;

    private final int capacity;
    private final int maxMessageSize;
    private final boolean redeliverOnConsumerDeath;
    private final boolean syncOnCommit;
    private final Acknowledgement acknowledgement;
    private final int maxDeliveries;

    /**
     * When a message taken from a joinable queue stops being its consumer's responsibility to
     * return: the delivery guarantee across consumer deaths. Chosen when the queue is created and
     * recorded in its file.
     *
     * @since 0.1
     */
    public enum Acknowledgement {
        /**
         * A message is delivered when the take that claimed it returns (the default): a consumer
         * that dies before its take returns has its message redelivered, one that dies after has
         * consumed it (at-most-once from there on; a joinable queue counts its unfinished tasks
         * as abandoned).
         */
        ON_TAKE,
        /**
         * A message stays owned by the consumer that took it until that consumer calls
         * {@link IpcJoinableQueue#taskDone()} (or {@link IpcJoinableQueue#taskDone(Delivery)}) for
         * it: if the consumer's process dies (or closes its domain) first, the message is
         * redelivered to another consumer, with its {@linkplain Delivery#deliveryCount() delivery
         * count} raised, or dead-lettered after {@link #maxDeliveries()} deliveries
         * (at-least-once until {@code taskDone}). Only for joinable queues. The held message keeps
         * its slot until then (see {@link IpcJoinableQueue}).
         */
        ON_TASK_DONE
    }

    private QueueSpec(Builder b) {
        this.capacity = b.capacity;
        this.maxMessageSize = b.maxMessageSize;
        this.redeliverOnConsumerDeath = b.redeliverOnConsumerDeath;
        this.syncOnCommit = b.syncOnCommit;
        this.acknowledgement = b.acknowledgement;
        this.maxDeliveries = b.maxDeliveries;
    }

    /**
     * A spec with the given capacity and maximum message size and the defaults otherwise
     * (redelivery on consumer death, no sync on commit).
     *
     * @param capacity messages the queue holds: a power of two from 1 to {@link #MAX_CAPACITY}
     * @param maxMessageSize largest message in bytes, from 1 to {@link #MAX_MESSAGE_SIZE}
     * @return the spec
     * @throws IllegalArgumentException if a value is out of range
     */
    public static QueueSpec of(int capacity, int maxMessageSize) {
        return builder().capacity(capacity).maxMessageSize(maxMessageSize).build();
    }

    /**
     * A builder; capacity and maximum message size must be set.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Messages the queue holds.
     *
     * @return the capacity, a power of two
     */
    public int capacity() {
        return capacity;
    }

    /**
     * Largest message, in bytes.
     *
     * @return the maximum message size
     */
    public int maxMessageSize() {
        return maxMessageSize;
    }

    /**
     * Whether a message taken by a consumer that died before handing it to its application is
     * delivered again (the default), rather than dropped and counted in
     * {@link QueueStats#discarded()}.
     *
     * @return {@code true} for at-least-once delivery across consumer deaths
     */
    public boolean redeliverOnConsumerDeath() {
        return redeliverOnConsumerDeath;
    }

    /**
     * Whether every put writes its slot back to storage before returning ({@code msync}). Off by
     * default: on {@code /dev/shm} it does nothing, on a disk-backed domain it costs a disk write
     * per message.
     *
     * @return {@code true} if puts sync
     */
    public boolean syncOnCommit() {
        return syncOnCommit;
    }

    /**
     * When a taken message counts as delivered: at the take ({@link Acknowledgement#ON_TAKE}, the
     * default) or at its {@code taskDone} ({@link Acknowledgement#ON_TASK_DONE}).
     *
     * @return the acknowledgement mode
     */
    public Acknowledgement acknowledgement() {
        return acknowledgement;
    }

    /**
     * With {@link Acknowledgement#ON_TASK_DONE}: how many times a message may be delivered before
     * it is dead-lettered instead of delivered again. When a consumer dies holding a message that
     * has been delivered this many times, the message is removed and counted in
     * {@link QueueStats#deadLettered()} (a message that kills every consumer it reaches stops
     * there). 0, the default, means no limit.
     *
     * @return the limit, or 0 for none
     */
    public int maxDeliveries() {
        return maxDeliveries;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QueueSpec s && s.capacity == capacity && s.maxMessageSize == maxMessageSize
                && s.redeliverOnConsumerDeath == redeliverOnConsumerDeath && s.syncOnCommit == syncOnCommit
                && s.acknowledgement == acknowledgement && s.maxDeliveries == maxDeliveries;
    }

    @Override
    public int hashCode() {
        return Objects.hash(capacity, maxMessageSize, redeliverOnConsumerDeath, syncOnCommit, acknowledgement,
                maxDeliveries);
    }

    @Override
    public String toString() {
        return "QueueSpec[capacity=" + capacity + ", maxMessageSize=" + maxMessageSize
                + ", redeliverOnConsumerDeath=" + redeliverOnConsumerDeath + ", syncOnCommit=" + syncOnCommit
                + ", acknowledgement=" + acknowledgement
                + (acknowledgement == Acknowledgement.ON_TASK_DONE ? ", maxDeliveries=" + maxDeliveries : "") + "]";
    }

    /** Builds a {@link QueueSpec}; not thread-safe. */
    public static final class Builder {
        private int capacity = -1;
        private int maxMessageSize = -1;
        private boolean redeliverOnConsumerDeath = true;
        private boolean syncOnCommit;
        private Acknowledgement acknowledgement = Acknowledgement.ON_TAKE;
        private int maxDeliveries;

        private Builder() {}

        /**
         * Sets the capacity in messages.
         *
         * @param capacity a power of two from 1 to {@link #MAX_CAPACITY}
         * @return this builder
         * @throws IllegalArgumentException if not a power of two in range (the message names the
         *     nearest power of two above)
         */
        public Builder capacity(int capacity) {
            if (capacity < 1 || capacity > MAX_CAPACITY || Integer.bitCount(capacity) != 1) {
                throw new IllegalArgumentException("capacity must be a power of two from 1 to " + MAX_CAPACITY
                        + ", was " + capacity + (capacity > 1 && capacity < MAX_CAPACITY
                        ? " (next power of two: " + Integer.highestOneBit(capacity) * 2 + ")" : ""));
            }
            this.capacity = capacity;
            return this;
        }

        /**
         * Sets the largest message size in bytes.
         *
         * @param maxMessageSize from 1 to {@link #MAX_MESSAGE_SIZE}
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxMessageSize(int maxMessageSize) {
            if (maxMessageSize < 1 || maxMessageSize > MAX_MESSAGE_SIZE) {
                throw new IllegalArgumentException("maxMessageSize must be from 1 to " + MAX_MESSAGE_SIZE
                        + " bytes, was " + maxMessageSize);
            }
            this.maxMessageSize = maxMessageSize;
            return this;
        }

        /**
         * Sets whether messages taken by consumers that die before handing them over are
         * delivered again (default {@code true}) or dropped and counted.
         *
         * @param redeliver {@code true} for redelivery
         * @return this builder
         */
        public Builder redeliverOnConsumerDeath(boolean redeliver) {
            this.redeliverOnConsumerDeath = redeliver;
            return this;
        }

        /**
         * Sets whether each put syncs its slot to storage before returning (default {@code false}).
         *
         * @param sync {@code true} to sync
         * @return this builder
         */
        public Builder syncOnCommit(boolean sync) {
            this.syncOnCommit = sync;
            return this;
        }

        /**
         * Sets when a taken message counts as delivered (default {@link Acknowledgement#ON_TAKE}).
         * {@link Acknowledgement#ON_TASK_DONE} is for joinable queues only (opening a plain queue
         * with it fails) and needs redelivery on consumer death.
         *
         * @param acknowledgement the mode
         * @return this builder
         */
        public Builder acknowledgement(Acknowledgement acknowledgement) {
            this.acknowledgement = Objects.requireNonNull(acknowledgement, "acknowledgement");
            return this;
        }

        /**
         * Sets the dead-letter limit of an {@link Acknowledgement#ON_TASK_DONE} queue (see
         * {@link QueueSpec#maxDeliveries()}); 0, the default, for none.
         *
         * @param maxDeliveries from 0 to {@link Integer#MAX_VALUE}
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder maxDeliveries(int maxDeliveries) {
            if (maxDeliveries < 0) {
                throw new IllegalArgumentException("maxDeliveries must be 0 (no limit) or more, was " + maxDeliveries);
            }
            this.maxDeliveries = maxDeliveries;
            return this;
        }

        /**
         * Builds the spec.
         *
         * @return the spec
         * @throws IllegalStateException if the capacity or the maximum message size was not set, if
         *     {@link Acknowledgement#ON_TASK_DONE} was asked without redelivery on consumer death, or
         *     if a delivery limit was set without {@link Acknowledgement#ON_TASK_DONE}
         */
        public QueueSpec build() {
            if (capacity < 0 || maxMessageSize < 0) {
                throw new IllegalStateException("capacity and maxMessageSize must be set, were "
                        + (capacity < 0 ? "unset" : capacity) + " and " + (maxMessageSize < 0 ? "unset" : maxMessageSize));
            }
            if (acknowledgement == Acknowledgement.ON_TASK_DONE && !redeliverOnConsumerDeath) {
                throw new IllegalStateException("acknowledgement ON_TASK_DONE redelivers the messages of dead consumers:"
                        + " redeliverOnConsumerDeath expected true but was false");
            }
            if (maxDeliveries != 0 && acknowledgement != Acknowledgement.ON_TASK_DONE) {
                throw new IllegalStateException("maxDeliveries applies to acknowledgement ON_TASK_DONE only, was set to "
                        + maxDeliveries + " with acknowledgement " + acknowledgement);
            }
            return new QueueSpec(this);
        }
    }
}
