package dev.weft.redis;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Turns the elements of a typed queue view ({@link RedisQueue#typed(Codec)}) into the bytes stored
 * in Redis and back. Never Java serialization: a codec writes an explicit format, so that the
 * bytes can be read by another version of the program, or another language.
 *
 * @param <E> the element type
 * @since 0.1
 */
public interface Codec<E> {

    /**
     * The bytes of {@code element}.
     *
     * @param element the element, not {@code null}
     * @return its bytes
     */
    byte[] encode(E element);

    /**
     * The element whose bytes are {@code bytes}.
     *
     * @param bytes bytes written by {@link #encode}
     * @return the element
     * @throws IllegalArgumentException if the bytes are not a valid encoding
     */
    E decode(byte[] bytes);

    /**
     * Strings as UTF-8.
     *
     * @return the codec
     */
    static Codec<String> utf8() {
        return new Codec<>() {
            @Override
            public byte[] encode(String element) {
                return Objects.requireNonNull(element, "element").getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public String decode(byte[] bytes) {
                return new String(bytes, StandardCharsets.UTF_8);
            }
        };
    }
}
