package dev.weft.ipc.internal;

import java.nio.ByteBuffer;

/**
 * The Linux {@code futex(2)} binding: Java 21 stand-in.
 *
 * <p>This class is replaced on Java 22+ by the version in {@code META-INF/versions/22} of the
 * multi-release jar, which calls {@code futex} through the Foreign Function and Memory API. On
 * Java 21 (or when the library runs from a plain class directory) the futex back-end does not exist
 * and every waiter uses the portable back-off; {@link #isAvailable()} says so and
 * {@link #unavailableReason()} says why.
 *
 * <p>Both versions have the same members, so the rest of the library is compiled once.
 */
final class Futex {

    /** {@code wait} returned because it was woken (or spuriously). */
    static final int WOKEN = 0;
    /** {@code wait} returned because the word did not hold the expected value. */
    static final int MISMATCH = 1;
    /** {@code wait} returned because its timeout elapsed. */
    static final int TIMED_OUT = 2;
    /** {@code wait} returned because a signal interrupted it. */
    static final int INTERRUPTED = 3;

    private Futex() {}

    /** Whether the futex back-end can be used in this JVM. */
    static boolean isAvailable() {
        return false;
    }

    /** Why the futex back-end is not available, or {@code ""} when it is. */
    static String unavailableReason() {
        return "the futex back-end needs Java 22+ and the library's multi-release jar (running on Java "
                + Runtime.version().feature() + " classes)";
    }

    /** The native base address of a direct buffer. */
    static long addressOf(ByteBuffer direct) {
        throw new UnsupportedOperationException(unavailableReason());
    }

    /** {@code FUTEX_WAIT} on the shared word at {@code address}; never called on Java 21. */
    static int await(long address, int expected, long timeoutNanos) {
        throw new UnsupportedOperationException(unavailableReason());
    }

    /** {@code FUTEX_WAKE} of up to {@code count} waiters; never called on Java 21. */
    static int wake(long address, int count) {
        throw new UnsupportedOperationException(unavailableReason());
    }
}
