package dev.weft.ipc.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.testing.IpcTesting;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link TypedQueue} and the built-in {@link MessageCodec}s. */
@Timeout(60)
class TypedQueueTest {

    private Path dir;
    private IpcDomain domain;

    @BeforeEach
    void open() throws Exception {
        dir = IpcTesting.newDomainDir("typed-test");
        domain = IpcTesting.open(dir);
    }

    @AfterEach
    void close() throws Exception {
        domain.close();
        IpcTesting.deleteTree(dir.getParent());
    }

    record Point(int x, int y) {}

    static final MessageCodec<Point> POINTS = new MessageCodec<>() {
        @Override
        public void encode(Point p, ByteBuffer out) {
            out.putInt(p.x()).putInt(p.y());
        }

        @Override
        public Point decode(ByteBuffer in) {
            if (in.remaining() != 8) {
                throw new IllegalArgumentException("a point is 8 bytes, got " + in.remaining());
            }
            return new Point(in.getInt(), in.getInt());
        }
    };

    @Test
    void utf8_roundTripsEveryForm() throws Exception {
        TypedQueue<String> q = domain.queue("q", 8, 64).typed(MessageCodec.utf8());
        q.put("héllo");
        assertThat(q.offer("wörld")).isTrue();
        assertThat(q.offer("∑", Duration.ofMillis(10))).isTrue();
        q.putNowait("🙂");
        q.putAsync("async").get(10, TimeUnit.SECONDS);
        assertThat(q.get()).isEqualTo("héllo");
        assertThat(q.poll()).isEqualTo("wörld");
        assertThat(q.poll(Duration.ofMillis(10))).isEqualTo("∑");
        assertThat(q.getNowait()).isEqualTo("🙂");
        assertThat(q.getAsync().get(10, TimeUnit.SECONDS)).isEqualTo("async");
        assertThat(q.poll(1, TimeUnit.MILLISECONDS)).isNull();
        assertThat(q.queue().name()).isEqualTo("q");
    }

    @Test
    void utf8_longStringBeyondFirstBuffer_isEncodedWhole() throws Exception {
        TypedQueue<String> q = domain.queue("q", 2, 4000).typed(MessageCodec.utf8());
        String big = "x".repeat(3999);
        q.put(big);
        assertThat(q.get()).isEqualTo(big);
    }

    @Test
    void encodingLongerThanMaximum_isRejectedAndNothingIsPut() throws Exception {
        TypedQueue<String> q = domain.queue("q", 2, 10).typed(MessageCodec.utf8());
        assertThatThrownBy(() -> q.put("12345678901")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maximum message size 10");
        assertThat(q.poll()).isNull();
    }

    @Test
    void utf8_unpairedSurrogate_isRejectedNotReplaced() throws Exception {
        TypedQueue<String> q = domain.queue("q", 2, 10).typed(MessageCodec.utf8());
        assertThatThrownBy(() -> q.put("a\uD800b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("UTF-16");
        assertThat(q.poll()).isNull();
    }

    @Test
    void encoderFailure_propagatesToTheCallerAndPutsNothing() throws Exception {
        MessageCodec<Point> failing = new MessageCodec<>() {
            @Override
            public void encode(Point value, ByteBuffer destination) {
                throw new UnsupportedOperationException("cannot encode " + value);
            }

            @Override
            public Point decode(ByteBuffer source) {
                throw new AssertionError();
            }
        };
        TypedQueue<Point> q = domain.queue("q", 2, 10).typed(failing);
        assertThatThrownBy(() -> q.put(new Point(1, 2))).isInstanceOf(UnsupportedOperationException.class);
        assertThat(q.queue().poll()).isNull();
    }

    @Test
    void decoderFailure_throwsMessageCodecExceptionHoldingTheRawMessage() throws Exception {
        IpcQueue raw = domain.queue("q", 2, 16);
        TypedQueue<Point> q = raw.typed(POINTS);
        q.put(new Point(3, 4));
        assertThat(q.get()).isEqualTo(new Point(3, 4));
        raw.put(new byte[] {1, 2, 3});
        assertThatThrownBy(q::get).isInstanceOfSatisfying(MessageCodecException.class,
                e -> assertThat(e.undecodedMessage()).containsExactly(1, 2, 3));
        raw.put(new byte[] {(byte) 0xFF});
        assertThatThrownBy(() -> raw.typed(MessageCodec.utf8()).get()).isInstanceOf(MessageCodecException.class)
                .hasMessageContaining("UTF-8");
    }

    @Test
    void bytesCodec_copiesArrays() throws Exception {
        TypedQueue<byte[]> q = domain.queue("q", 2, 16).typed(MessageCodec.bytes());
        byte[] m = {9, 8, 7};
        q.put(m);
        m[0] = 0;
        assertThat(q.get()).containsExactly(9, 8, 7);
        assertThat(MessageCodec.bytes().toString()).contains("bytes");
    }

    @Test
    void of_nullArguments_throw() throws Exception {
        IpcQueue raw = domain.queue("q", 2, 16);
        assertThatThrownBy(() -> TypedQueue.of(raw, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> raw.typed(MessageCodec.utf8()).put(null)).isInstanceOf(NullPointerException.class);
    }
}
