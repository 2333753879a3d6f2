package dev.weft.ipc.testing;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The messages of the multi-process queue tests: {@code [producer int][seq int][crc32c int][filler]},
 * where the CRC covers the producer, the sequence number and the filler, and the filler is a
 * function of all three. A torn or mixed-up message fails {@link #verify}.
 */
public final class QueueMessages {

    /** Bytes before the filler. */
    public static final int HEADER = 12;
    /** The producer id of a poison pill (consumers stop at it). */
    public static final int POISON = -1;

    private QueueMessages() {}

    /** A message of {@code size >= HEADER} bytes. */
    public static byte[] encode(int producer, int seq, int size) {
        ByteBuffer b = ByteBuffer.allocate(size);
        encodeInto(b, producer, seq, size);
        return b.array();
    }

    /** Writes a message of {@code size} bytes at {@code b}'s position (which advances). */
    public static void encodeInto(ByteBuffer b, int producer, int seq, int size) {
        if (size < HEADER) {
            throw new IllegalArgumentException("size must be >= " + HEADER + ", was " + size);
        }
        int start = b.position();
        b.putInt(producer).putInt(seq).putInt(0);
        for (int i = HEADER; i < size; i++) {
            b.put(filler(producer, seq, i));
        }
        b.putInt(start + 8, crc(b, start, size));
    }

    /** A poison pill. */
    public static byte[] poison() {
        return encode(POISON, 0, HEADER);
    }

    /**
     * Checks a message and returns {@code producer << 32 | seq} (unsigned seq).
     *
     * @throws AssertionError if the message is torn or corrupt
     */
    public static long verify(ByteBuffer b, int start, int length) {
        if (length < HEADER) {
            throw new AssertionError("message of " + length + " bytes is shorter than the " + HEADER + "-byte header");
        }
        int producer = b.getInt(start);
        int seq = b.getInt(start + 4);
        int crc = b.getInt(start + 8);
        int actual = crc(b, start, length);
        if (crc != actual) {
            throw new AssertionError("corrupt message of producer " + producer + " seq " + seq + ": crc 0x"
                    + Integer.toHexString(crc) + " but computed 0x" + Integer.toHexString(actual));
        }
        for (int i = HEADER; i < length; i++) {
            if (b.get(start + i) != filler(producer, seq, i)) {
                throw new AssertionError("corrupt filler at " + i + " of producer " + producer + " seq " + seq);
            }
        }
        return ((long) producer << 32) | (seq & 0xFFFF_FFFFL);
    }

    /** As {@link #verify(ByteBuffer, int, int)} for a whole array. */
    public static long verify(byte[] message) {
        return verify(ByteBuffer.wrap(message), 0, message.length);
    }

    public static int producer(long id) {
        return (int) (id >> 32);
    }

    public static int seq(long id) {
        return (int) id;
    }

    private static byte filler(int producer, int seq, int i) {
        return (byte) (seq * 31 + i * 7 + producer * 13);
    }

    private static int crc(ByteBuffer b, int start, int length) {
        CRC32C c = new CRC32C();
        c.update(b.slice(start, 8));
        c.update(b.slice(start + HEADER, length - HEADER));
        return (int) c.getValue();
    }
}
