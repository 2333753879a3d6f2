package dev.weft.ipc;

/**
 * How a process blocked on a shared object sleeps and is woken.
 *
 * <p>Whatever the back-end, the shared word is the only truth and a wake-up is only a hint: every
 * waiter re-reads the word after waking and never sleeps longer than a bounded slice, so a waker
 * that dies before waking anyone costs latency, never a lost wake-up.
 *
 * @since 0.1
 */
public enum WaitBackend {

    /**
     * Pick {@link #FUTEX} where it is available and {@link #BACKOFF} elsewhere. The default, and the
     * meaning of the system property {@code weft.ipc.wait=auto}.
     */
    AUTO,

    /**
     * Linux {@code futex(2)} through the Foreign Function and Memory API: a sleeping waiter uses no
     * CPU and wakes a few microseconds after the waker's system call. Needs Linux (x86_64 or
     * aarch64), Java 22+ with the library's multi-release jar, and native access granted
     * ({@code --enable-native-access=ALL-UNNAMED}, or {@code =dev.weft.ipc} on the module path).
     * Requesting it where it is not available fails when the domain is opened.
     */
    FUTEX,

    /**
     * Portable polling: spin briefly, yield, then {@code LockSupport.parkNanos} with an exponential
     * back-off up to a maximum park (1 ms by default). Wakers make no system call; a sleeping waiter
     * notices a change within about the maximum park plus the OS timer slack. Used on Java 21, on
     * other operating systems and without native access.
     */
    BACKOFF
}
