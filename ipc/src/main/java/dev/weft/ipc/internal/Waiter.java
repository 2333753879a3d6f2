package dev.weft.ipc.internal;

import dev.weft.ipc.WaitBackend;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The wait/wake layer shared by every ipc object: block while a 32-bit shared word holds an
 * expected value, and wake the processes blocked on it.
 *
 * <p>This is the only place that knows how processes sleep. The objects built on it (lock, event,
 * and later the queue's event counts) follow one caller loop:
 * <pre>{@code
 * long start = System.nanoTime();
 * while (true) {
 *     int v = memory.getIntVolatile(WORD);
 *     if (done(v)) return ...;                                      // the word is the truth
 *     long waited = System.nanoTime() - start;
 *     if (waiter.willSleep(waited) && no sleeper flag in v) { cas the flag in; continue; }
 *     waiter.await(memory, WORD, v, until, waited);                 // may return early, for any reason
 * }
 * }</pre>
 * and wakers call {@link #wakeOne} or {@link #wakeAll} only when they saw the sleeper flag. A wait
 * never lasts past {@code until}, nor (on a platform thread with the futex back-end) past
 * {@link #INTERRUPT_CHECK_NANOS}, so callers re-check liveness and deadlines on their own schedule.
 *
 * <h2>Strategy by time waited</h2>
 * <ol>
 *   <li>The first {@link #PURE_SPIN_NANOS} (at most half the spin time, which is
 *       {@link #DEFAULT_SPIN_NANOS} by default): one {@link Thread#onSpinWait()} per round
 *       (platform threads only; no spinning on a one-CPU host).</li>
 *   <li>The rest of the spin time: {@link Thread#yield()} per round, which lets a peer that shares
 *       this CPU run.</li>
 *   <li>Then sleep: {@code FUTEX_WAIT(word, expected)} for at most {@link #INTERRUPT_CHECK_NANOS}
 *       (futex back-end), or {@link LockSupport#parkNanos} for about as long as it has already slept,
 *       from 1 µs up to the maximum park (back-off back-end).</li>
 * </ol>
 * A virtual thread never blocks its carrier: it registers with the process-wide
 * {@link VirtualRelay} and parks; one platform thread per watched word sleeps on the word for all
 * of them and unparks them when it changes.
 *
 * <h2>Interrupts</h2>
 * Every {@link #await} checks the interrupt status on entry and after sleeping and throws
 * {@link InterruptedException} (clearing the status). A park returns at once on interrupt; a futex
 * sleep does not notice {@link Thread#interrupt()}, so on that path the interrupt is seen within
 * {@link #INTERRUPT_CHECK_NANOS}.
 */
public final class Waiter {

    /** Longest single futex sleep of a platform thread: bounds how late an interrupt is noticed. */
    public static final long INTERRUPT_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /**
     * Default time a platform thread spins (then yields) before sleeping: about twice a futex
     * wake-up latency on a virtualised host (7-10 µs one way), so that a peer that answers at once
     * is caught without a sleep, and two processes in a ping-pong do not fall into a cycle in which
     * each always sleeps.
     */
    public static final long DEFAULT_SPIN_NANOS = 20_000;
    /**
     * Longest busy spin ({@link Thread#onSpinWait()}) before the waiter starts yielding: a waiter
     * that spins keeps a peer that shares its CPU (an oversubscribed host, a container with a CPU
     * quota) from running, and that peer may be the one about to wake it. Measured on a loaded
     * 2-vCPU host: a queue hand-off took 11.6 µs with 10 µs of busy spin and 2.6 µs with 1 µs.
     */
    static final long PURE_SPIN_NANOS = 1_000;
    /** First park of the back-off back-end. */
    static final long MIN_PARK_NANOS = 1_000;

    /** Selects the back-end when none is requested: {@code auto}, {@code futex} or {@code backoff}. */
    public static final String BACKEND_PROPERTY = "weft.ipc.wait";

    private final boolean futex;
    private final long maxParkNanos;
    private final long spinNanos;
    private final long yieldFromNanos;

    private Waiter(boolean futex, long maxParkNanos, long spinNanos) {
        this.futex = futex;
        this.maxParkNanos = maxParkNanos;
        this.spinNanos = Runtime.getRuntime().availableProcessors() > 1 ? spinNanos : 0;
        this.yieldFromNanos = Math.min(this.spinNanos / 2, PURE_SPIN_NANOS);
    }

    /**
     * Creates a waiter with the requested back-end.
     *
     * @param requested {@link WaitBackend#AUTO} consults the system property {@value #BACKEND_PROPERTY}
     *     and then picks futex when available
     * @param maxParkNanos longest single park of the back-off back-end
     * @param spinNanos how long a platform thread spins and yields before sleeping (0: sleep at once;
     *     always 0 on a one-CPU host)
     * @return the waiter
     * @throws IllegalStateException if {@link WaitBackend#FUTEX} is requested but unavailable
     */
    public static Waiter create(WaitBackend requested, long maxParkNanos, long spinNanos) {
        if (spinNanos < 0) {
            throw new IllegalArgumentException("spinNanos must be >= 0, was " + spinNanos);
        }
        if (maxParkNanos < MIN_PARK_NANOS) {
            throw new IllegalArgumentException("maxParkNanos must be >= " + MIN_PARK_NANOS + ", was " + maxParkNanos);
        }
        WaitBackend backend = requested;
        if (backend == WaitBackend.AUTO) {
            String property = System.getProperty(BACKEND_PROPERTY, "auto").trim().toUpperCase(Locale.ROOT);
            try {
                backend = WaitBackend.valueOf(property);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("system property " + BACKEND_PROPERTY
                        + " must be auto, futex or backoff, was '" + System.getProperty(BACKEND_PROPERTY) + "'", e);
            }
        }
        return switch (backend) {
            case AUTO -> new Waiter(Futex.isAvailable(), maxParkNanos, spinNanos);
            case BACKOFF -> new Waiter(false, maxParkNanos, spinNanos);
            case FUTEX -> {
                if (!Futex.isAvailable()) {
                    throw new IllegalStateException("wait back-end FUTEX requested but unavailable: "
                            + Futex.unavailableReason());
                }
                yield new Waiter(true, maxParkNanos, spinNanos);
            }
        };
    }

    /** Whether the futex back-end could be used in this JVM. */
    public static boolean futexAvailable() {
        return Futex.isAvailable();
    }

    /** Why the futex back-end is unavailable, or {@code ""}. */
    public static String futexUnavailableReason() {
        return Futex.unavailableReason();
    }

    /** The back-end in use: {@link WaitBackend#FUTEX} or {@link WaitBackend#BACKOFF}. */
    public WaitBackend backend() {
        return futex ? WaitBackend.FUTEX : WaitBackend.BACKOFF;
    }

    /** Longest single park of the back-off back-end. */
    public long maxParkNanos() {
        return maxParkNanos;
    }

    /**
     * Blocks for one round while the word at {@code offset} holds {@code expected}.
     *
     * <p>Returns when the word may have changed, when it was woken (possibly spuriously), after a
     * bounded sleep, or at once if {@code untilNanos} (a {@link System#nanoTime()} value) has passed;
     * the caller must re-read the word. Never blocks past {@code untilNanos}.
     *
     * @param waitedNanos how long this operation has been waiting so far: chooses spin, yield or
     *     sleep, and the back-off's park length
     * @throws InterruptedException if the thread is interrupted on entry or while waiting (the
     *     interrupt status is cleared)
     */
    public void await(SharedMemory memory, int offset, int expected, long untilNanos, long waitedNanos)
            throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (memory.getIntVolatile(offset) != expected) {
            return;
        }
        long remaining = untilNanos - System.nanoTime();
        if (remaining <= 0) {
            return;
        }
        Thread current = Thread.currentThread();
        if (current.isVirtual()) {
            VirtualRelay.INSTANCE.await(this, memory, offset, expected, remaining);
        } else if (waitedNanos < yieldFromNanos) {
            Thread.onSpinWait();
            return;
        } else if (waitedNanos < spinNanos) {
            Thread.yield();
            return;
        } else if (futex) {
            Futex.await(memory.addressOf(offset), expected, Math.min(remaining, INTERRUPT_CHECK_NANOS));
            memory.keepMapped();
        } else {
            LockSupport.parkNanos(this, Math.min(remaining, parkNanosAfter(waitedNanos - spinNanos)));
        }
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
    }

    /**
     * Whether {@link #await} sleeps (rather than spins or yields) after {@code waitedNanos} of
     * waiting, for the current thread: callers publish their sleeper flag just before such a round,
     * not while spinning.
     */
    public boolean willSleep(long waitedNanos) {
        return waitedNanos >= spinNanos || Thread.currentThread().isVirtual();
    }

    /** The back-off park after {@code sleptNanos} of sleeping: about as long again, from 1 µs to the maximum. */
    long parkNanosAfter(long sleptNanos) {
        return Math.max(MIN_PARK_NANOS, Math.min(maxParkNanos, sleptNanos));
    }

    /** The back-off back-end's park for its {@code n}-th sleep: 1 µs doubling to the maximum park. */
    long parkNanos(int n) {
        return n >= 20 ? maxParkNanos : Math.min(maxParkNanos, MIN_PARK_NANOS << n);
    }

    /**
     * Sleeps (in the back-end's way) while the word holds {@code expected}, for at most
     * {@code nanos}: the relay's sentinel thread uses this on behalf of virtual threads.
     */
    void sleepWhile(SharedMemory memory, int offset, int expected, long nanos, int round) {
        if (futex) {
            Futex.await(memory.addressOf(offset), expected, nanos);
            memory.keepMapped();
        } else if (memory.getIntVolatile(offset) == expected) {
            LockSupport.parkNanos(this, Math.min(nanos, parkNanos(round)));
        }
    }

    /** Wakes at most one process sleeping on the word (no-op for the back-off back-end). */
    public void wakeOne(SharedMemory memory, int offset) {
        if (futex) {
            Futex.wake(memory.addressOf(offset), 1);
            memory.keepMapped();
        }
    }

    /**
     * Wakes at most {@code count} threads sleeping on the word (in any process) and returns how many
     * it woke: always 0 for the back-off back-end, whose sleepers poll.
     */
    public int wake(SharedMemory memory, int offset, int count) {
        if (!futex) {
            return 0;
        }
        int woken = Futex.wake(memory.addressOf(offset), count);
        memory.keepMapped();
        return Math.max(0, woken);
    }

    /**
     * Wakes every thread asleep on the word, in any process, with {@code FUTEX_WAKE} wherever the
     * futex binding is available (whatever back-end the sleepers' own waiters use), and unparks
     * every virtual thread of this process waiting on any word of {@code memory}. Never reads or
     * writes the mapping, so a damaged file (truncated by another process) cannot make it fault:
     * used when a domain closes, to make its blocked threads look at their closed guard.
     */
    static void wakeAllSleepers(SharedMemory memory, int offset) {
        if (Futex.isAvailable()) {
            Futex.wake(memory.addressOf(offset), Integer.MAX_VALUE);
            memory.keepMapped();
        }
        VirtualRelay.INSTANCE.unparkAll(memory);
    }

    /** Wakes every process sleeping on the word (no-op for the back-off back-end). */
    public void wakeAll(SharedMemory memory, int offset) {
        if (futex) {
            Futex.wake(memory.addressOf(offset), Integer.MAX_VALUE);
            memory.keepMapped();
        }
    }

    @Override
    public String toString() {
        return "Waiter[" + backend() + ", spin=" + spinNanos + "ns" + (futex ? "" : ", maxPark=" + maxParkNanos + "ns") + "]";
    }
}
