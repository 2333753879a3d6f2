package dev.weft.ipc.queue;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** The built-in codecs of {@link MessageCodec}. */
final class Codecs {

    static final MessageCodec<byte[]> BYTES = new MessageCodec<>() {
        @Override
        public void encode(byte[] value, ByteBuffer destination) {
            destination.put(value);
        }

        @Override
        public byte[] decode(ByteBuffer source) {
            byte[] bytes = new byte[source.remaining()];
            source.get(bytes);
            return bytes;
        }

        @Override
        public String toString() {
            return "MessageCodec.bytes()";
        }
    };

    static final MessageCodec<String> UTF8 = new MessageCodec<>() {
        @Override
        public void encode(String value, ByteBuffer destination) {
            CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            CharBuffer chars = CharBuffer.wrap(value);
            CoderResult result = encoder.encode(chars, destination, true);
            if (result.isUnderflow()) {
                result = encoder.flush(destination);
            }
            if (result.isOverflow()) {
                throw new BufferOverflowException();
            }
            if (result.isError()) {
                throw new IllegalArgumentException("string is not valid UTF-16 (" + result
                        + " at index " + chars.position() + ")");
            }
        }

        @Override
        public String decode(ByteBuffer source) {
            CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            try {
                return decoder.decode(source).toString();
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException("message is not valid UTF-8: " + e, e);
            }
        }

        @Override
        public String toString() {
            return "MessageCodec.utf8()";
        }
    };

    private Codecs() {}
}
