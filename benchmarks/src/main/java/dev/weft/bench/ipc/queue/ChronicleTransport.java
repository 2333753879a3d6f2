package dev.weft.bench.ipc.queue;

import java.nio.file.Path;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * {@link Transport} over a Chronicle Queue in {@code /dev/shm}: a persisted, unbounded broadcast log
 * (every tailer reads every message), appended to by any process under its cross-process write
 * lock. A reader idles with Agrona's {@link BackoffIdleStrategy} when it has caught up. Needs
 * several {@code --add-opens}/{@code --add-exports} flags on JDK 25 (see {@link QueueBench}):
 * benchmark JVMs only.
 */
final class ChronicleTransport implements Transport {

    private final ChronicleQueue queue;
    private final ExcerptAppender appender;
    private final ExcerptTailer tailer;
    private final byte[] filler;
    private final byte[] in;
    private final IdleStrategy idle = new BackoffIdleStrategy(100, 10, 1_000, 1_000_000);

    ChronicleTransport(Path dir, String name, int size) {
        queue = SingleChronicleQueueBuilder.binary(dir.resolve("chronicle-" + name)).build();
        appender = queue.createAppender();
        tailer = queue.createTailer();
        filler = new byte[size - 8];
        in = new byte[size - 8];
    }

    @Override
    public void send(long value) {
        try (DocumentContext dc = appender.writingDocument()) {
            Bytes<?> bytes = dc.wire().bytes();
            bytes.writeLong(value);
            bytes.write(filler);
        }
    }

    @Override
    public long receive() {
        idle.reset();
        while (true) {
            try (DocumentContext dc = tailer.readingDocument()) {
                if (dc.isPresent()) {
                    Bytes<?> bytes = dc.wire().bytes();
                    long value = bytes.readLong();
                    bytes.read(in); // the whole message is copied out, as Weft's take does
                    return value;
                }
            }
            idle.idle();
        }
    }

    @Override
    public void close() {
        queue.close();
    }
}
