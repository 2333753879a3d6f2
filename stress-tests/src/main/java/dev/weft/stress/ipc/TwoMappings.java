package dev.weft.stress.ipc;

import dev.weft.ipc.WaitBackend;
import dev.weft.ipc.internal.DomainGuard;
import dev.weft.ipc.internal.Liveness;
import dev.weft.ipc.internal.SharedMemory;
import dev.weft.ipc.internal.Waiter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two separate mappings of one temporary file: the stress tests' stand-in for two processes.
 *
 * <p>Mapping {@link #A} and mapping {@link #B} have different virtual addresses but the same
 * physical pages, exactly as the mappings of two processes do. Each test state takes a fresh
 * {@value #SLOT_BYTES}-byte slot of the file (round robin over {@value #SLOTS} slots) and builds one
 * object per mapping on it, each with its own participant token ({@link #TOKEN_A},
 * {@link #TOKEN_B}); {@link #DEAD_TOKEN} plays a process that has died.
 */
final class TwoMappings {

    static final int SLOT_BYTES = 512;
    static final int SLOTS = 1 << 17;
    static final int TOKEN_A = 0x101;
    static final int TOKEN_B = 0x202;
    static final int DEAD_TOKEN = 0x303;
    static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    static final Waiter WAITER = Waiter.create(WaitBackend.AUTO, 1_000_000, Waiter.DEFAULT_SPIN_NANOS);
    static final DomainGuard GUARD = DomainGuard.alwaysOpen();

    static final SharedMemory A;
    static final SharedMemory B;
    private static final AtomicInteger NEXT = new AtomicInteger();

    static {
        try {
            Path file = Files.createTempFile("weft-stress-ipc", ".bin");
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

    private TwoMappings() {}

    /** A fresh slot index (its words must be reset by the caller). */
    static int nextSlot() {
        return Math.floorMod(NEXT.getAndIncrement(), SLOTS);
    }

    static SharedMemory a(int slot) {
        return A.slice(slot * SLOT_BYTES, SLOT_BYTES);
    }

    static SharedMemory b(int slot) {
        return B.slice(slot * SLOT_BYTES, SLOT_BYTES);
    }

    /** Liveness for a participant with {@code token}: only {@link #DEAD_TOKEN} is dead. */
    static Liveness liveness(int token) {
        return new Liveness() {
            @Override
            public int token() {
                return token;
            }

            @Override
            public boolean isDead(int other) {
                return other == DEAD_TOKEN;
            }

            @Override
            public String describe(int other) {
                return "token " + other;
            }
        };
    }

    static final Set<Integer> TOKENS = Set.of(TOKEN_A, TOKEN_B, DEAD_TOKEN);
}
