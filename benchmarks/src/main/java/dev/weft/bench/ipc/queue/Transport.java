package dev.weft.bench.ipc.queue;

import java.nio.file.Path;

/**
 * One end of a cross-process message channel, as used by {@link QueueBench}: the same operations
 * over a Weft queue, an Agrona ring buffer on a mapped file, and a Chronicle Queue. Each message
 * carries a {@code long} at offset 0 (a sequence number or a time stamp) followed by filler up to
 * the message size; {@link #POISON} in that {@code long} tells a consumer to stop, and a value with
 * the {@link #WARMUP} bit is a warm-up message, which consumers do not count.
 */
interface Transport extends AutoCloseable {

    /** The value that ends a consumer's loop. */
    long POISON = Long.MIN_VALUE;

    /** Marks a warm-up message (never set in a measured message's value). */
    long WARMUP = 1L << 62;

    /** Sends one message of the channel's message size whose first {@code long} is {@code value}; waits while full. */
    void send(long value) throws Exception;

    /** Receives one message and returns its first {@code long}; waits (spinning, yielding or sleeping) while empty. */
    long receive() throws Exception;

    @Override
    void close() throws Exception;

    /** The implementations measured. */
    enum Kind {
        WEFT, AGRONA, CHRONICLE;

        /** Opens channel {@code name} in {@code dir} (created by {@link #prepare} first). */
        Transport open(Path dir, String name, int size, int capacity) throws Exception {
            return switch (this) {
                case WEFT -> new WeftTransport(dir, name, size, capacity);
                case AGRONA -> new AgronaTransport(dir, name, size, capacity);
                case CHRONICLE -> new ChronicleTransport(dir, name, size);
            };
        }

        /** Creates channel {@code name} before any process opens it (files of the right size). */
        void prepare(Path dir, String name, int size, int capacity) throws Exception {
            switch (this) {
                case WEFT -> new WeftTransport(dir, name, size, capacity).close();
                case AGRONA -> AgronaTransport.create(dir, name, size, capacity);
                case CHRONICLE -> { } // created on first use
            }
        }

        /** Whether several processes may consume from one channel, each message going to one of them. */
        boolean workQueue() {
            return this == WEFT;
        }
    }
}
