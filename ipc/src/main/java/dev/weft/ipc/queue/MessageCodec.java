package dev.weft.ipc.queue;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;

/**
 * Turns values into queue messages and back, for {@link TypedQueue}.
 *
 * <p>Built in: {@link #bytes()} and {@link #utf8()}. Java serialization is deliberately not
 * offered: write a codec for your types (or use one from a serialization library) so that what
 * crosses process boundaries is explicit and versionable.
 *
 * <p>A codec must be thread-safe and stateless between calls: a put may call {@link #encode} again
 * with a larger buffer after a {@link BufferOverflowException}.
 *
 * {@snippet :
 * record Point(int x, int y) {}
 * MessageCodec<Point> points = new MessageCodec<>() {
 *     public void encode(Point p, ByteBuffer out) { out.putInt(p.x()).putInt(p.y()); }
 *     public Point decode(ByteBuffer in) { return new Point(in.getInt(), in.getInt()); }
 * };
 * TypedQueue<Point> queue = domain.queue("points", 1024, 8).typed(points);
 * }
 *
 * @param <T> the value type
 * @since 0.1
 */
public interface MessageCodec<T> {

    /**
     * Writes {@code value} into {@code destination}, from its position on.
     *
     * @param value the value, never {@code null}
     * @param destination a buffer with at most the queue's maximum message size remaining
     * @throws BufferOverflowException if the encoding does not fit in {@code destination} (the put
     *     then retries with a larger buffer, up to the maximum message size)
     * @throws RuntimeException any other failure: it propagates to the caller of the put, and
     *     nothing is put
     */
    void encode(T value, ByteBuffer destination);

    /**
     * Reads a value from the remaining bytes of {@code source} (exactly one message).
     *
     * @param source the message; its contents must not be kept after the call returns
     * @return the value, never {@code null}
     * @throws RuntimeException if the message cannot be decoded: the take then throws
     *     {@link MessageCodecException} holding the raw message
     */
    T decode(ByteBuffer source);

    /**
     * The identity codec: messages are byte arrays (copied).
     *
     * @return the codec
     */
    static MessageCodec<byte[]> bytes() {
        return Codecs.BYTES;
    }

    /**
     * UTF-8 strings. Malformed input (an unpaired surrogate when encoding, invalid bytes when
     * decoding) is reported as {@link IllegalArgumentException}, never replaced silently.
     *
     * @return the codec
     */
    static MessageCodec<String> utf8() {
        return Codecs.UTF8;
    }
}
