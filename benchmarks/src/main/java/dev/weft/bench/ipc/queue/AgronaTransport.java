package dev.weft.bench.ipc.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * {@link Transport} over an Agrona {@link ManyToOneRingBuffer} on a file in {@code /dev/shm}: the
 * multi-producer, single-consumer ring Aeron uses between processes. It has no blocking wait, so
 * both sides idle with Agrona's {@link BackoffIdleStrategy} (spin, yield, then park 1 µs to 1 ms)
 * when the ring is full or empty. Needs {@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED}
 * on JDK 25 (Agrona 2 uses the JDK's internal Unsafe): benchmark JVMs only.
 */
final class AgronaTransport implements Transport {

    private static final int MSG_TYPE = 1;

    private final ManyToOneRingBuffer ring;
    private final UnsafeBuffer out;
    private final UnsafeBuffer in;
    private final IdleStrategy idle = new BackoffIdleStrategy(100, 10, 1_000, 1_000_000);
    private long received;

    AgronaTransport(Path dir, String name, int size, int capacity) throws IOException {
        Path file = dir.resolve("agrona-" + name);
        int length = ringBytes(size, capacity) + RingBufferDescriptor.TRAILER_LENGTH;
        MappedByteBuffer map;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            map = ch.map(FileChannel.MapMode.READ_WRITE, 0, length);
        }
        ring = new ManyToOneRingBuffer(new UnsafeBuffer(map));
        out = new UnsafeBuffer(ByteBuffer.allocateDirect(size));
        in = new UnsafeBuffer(ByteBuffer.allocateDirect(size));
    }

    /** Ring bytes for {@code capacity} messages of {@code size} bytes (8-byte record header), a power of two. */
    private static int ringBytes(int size, int capacity) {
        return Integer.highestOneBit((size + 8) * capacity - 1) * 2;
    }

    static void create(Path dir, String name, int size, int capacity) throws IOException {
        Path file = dir.resolve("agrona-" + name);
        int length = ringBytes(size, capacity) + RingBufferDescriptor.TRAILER_LENGTH;
        Files.write(file, new byte[length]);
    }

    @Override
    public void send(long value) {
        out.putLong(0, value);
        idle.reset();
        while (!ring.write(MSG_TYPE, out, 0, out.capacity())) {
            idle.idle();
        }
    }

    @Override
    public long receive() {
        idle.reset();
        // The whole message is copied out, as Weft's take does (a fair comparison of delivery).
        while (ring.read((type, buffer, index, length) -> {
            buffer.getBytes(index, in, 0, length);
            received = in.getLong(0);
        }, 1) == 0) {
            idle.idle();
        }
        return received;
    }

    @Override
    public void close() {
    }
}
