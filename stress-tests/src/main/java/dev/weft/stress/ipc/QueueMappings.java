package dev.weft.stress.ipc;

import dev.weft.ipc.internal.QueueRing;
import dev.weft.ipc.internal.SharedMemory;
import dev.weft.ipc.queue.QueueSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two mappings of one temporary file holding many tiny queues: the queue stress tests' stand-in for
 * two processes, as {@link TwoMappings} is for the lock and event tests.
 *
 * <p>Each test state takes a fresh {@value #SLOT_BYTES}-byte region (round robin), zeroes it,
 * formats a queue there (two participant records, capacity and message size chosen by the test)
 * and attaches one {@link QueueRing} per mapping with its own token ({@link TwoMappings#TOKEN_A},
 * {@link TwoMappings#TOKEN_B}).
 */
final class QueueMappings {

    static final int SLOT_BYTES = 1280;
    static final int SLOTS = 1 << 15;
    static final int RECORDS = 2;
    static final int MAX_MESSAGE = 8;

    private static final SharedMemory A;
    private static final SharedMemory B;
    private static final byte[] ZEROS = new byte[SLOT_BYTES];
    private static final AtomicInteger NEXT = new AtomicInteger();

    static {
        try {
            Path file = Files.createTempFile("weft-stress-queue", ".bin");
            file.toFile().deleteOnExit();
            int length = SLOT_BYTES * SLOTS;
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
                for (int pos = 0; pos < length; pos += zeros.capacity()) {
                    zeros.clear();
                    ch.write(zeros, pos);
                }
            }
            A = SharedMemory.map(file, length);
            B = SharedMemory.map(file, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The two participants' views of one fresh queue. */
    record Pair(QueueRing a, QueueRing b) {}

    private QueueMappings() {}

    /** A fresh, empty queue of {@code capacity} messages of up to {@value #MAX_MESSAGE} bytes. */
    static Pair newQueue(int capacity) {
        int slot = Math.floorMod(NEXT.getAndIncrement(), SLOTS);
        SharedMemory memA = A.slice(slot * SLOT_BYTES, SLOT_BYTES);
        SharedMemory memB = B.slice(slot * SLOT_BYTES, SLOT_BYTES);
        memA.putBytes(0, ZEROS, 0, SLOT_BYTES);
        QueueRing.format(memA, QueueSpec.of(capacity, MAX_MESSAGE), false, RECORDS);
        QueueRing a = QueueRing.attach("q", memA, TwoMappings.liveness(TwoMappings.TOKEN_A), TwoMappings.WAITER,
                TwoMappings.SLICE_NANOS);
        QueueRing b = QueueRing.attach("q", memB, TwoMappings.liveness(TwoMappings.TOKEN_B), TwoMappings.WAITER,
                TwoMappings.SLICE_NANOS);
        return new Pair(a, b);
    }

    /**
     * A fresh, empty joinable queue with acknowledgement ON_TASK_DONE, whose participant {@code a}
     * has the token {@code tokenA} (e.g. {@link TwoMappings#DEAD_TOKEN}: a process that the other
     * participant finds dead while it still runs, as when its domain was closed under it).
     */
    static Pair newAckQueue(int capacity, int tokenA) {
        int slot = Math.floorMod(NEXT.getAndIncrement(), SLOTS);
        SharedMemory memA = A.slice(slot * SLOT_BYTES, SLOT_BYTES);
        SharedMemory memB = B.slice(slot * SLOT_BYTES, SLOT_BYTES);
        memA.putBytes(0, ZEROS, 0, SLOT_BYTES);
        QueueSpec spec = QueueSpec.builder().capacity(capacity).maxMessageSize(MAX_MESSAGE)
                .acknowledgement(QueueSpec.Acknowledgement.ON_TASK_DONE).build();
        QueueRing.format(memA, spec, true, RECORDS);
        QueueRing a = QueueRing.attach("q", memA, TwoMappings.liveness(tokenA), TwoMappings.WAITER,
                TwoMappings.SLICE_NANOS);
        QueueRing b = QueueRing.attach("q", memB, TwoMappings.liveness(TwoMappings.TOKEN_B), TwoMappings.WAITER,
                TwoMappings.SLICE_NANOS);
        return new Pair(a, b);
    }

    /** Puts a one-byte message without waiting; {@code true} if put. */
    static boolean offer(QueueRing ring, int value) {
        try {
            return ring.put(new byte[] {(byte) value}, 0, null, 1, true, 0L, null, () -> { });
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** Takes a one-byte message without waiting; its value, or 0 if none. */
    static int poll(QueueRing ring) {
        try {
            long pos = ring.claimTake(true, 0L, () -> { });
            if (pos < 0) {
                return 0;
            }
            byte[] m = ring.copyOut(pos);
            ring.commitTake(pos, null);
            return m.length == 1 ? m[0] : -m.length;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
