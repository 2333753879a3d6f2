package dev.weft.core.queue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.jspecify.annotations.Nullable;

/**
 * The element store of a bounded FIFO {@link AsyncQueue}: a fixed array of slots that any number
 * of threads fill and empty without a lock, each slot carrying a sequence number that says whose
 * turn it is (the bounded MPMC queue of D. Vyukov, 2010). A put claims the tail position with one
 * compare-and-set and publishes the element with one store; a take claims the head position and
 * frees the slot the same way. Producers and consumers touch different counters, so a producer
 * and a consumer running side by side share only the slots they hand over.
 *
 * <p>The queue keeps its waiters under its own lock and uses this ring for the elements; see
 * {@link AsyncQueue}'s notes for how the two meet.
 */
final class MpmcRing<E> {

    /*
     * Slot protocol. slot i serves positions p with p % n == i. seq[i]:
     *   == 2p          free for the put at position p (initially seq[i] = 2i)
     *   == 2p + 1      holds the element put at position p, for the take at position p
     *   == 2(p + n)    freed by that take: free for the put at position p + n
     * (seq holds these modulo 2^32; doubling keeps "holds p" and "free for p + 1" apart when
     * n == 1.) A put at tail t finds seq == 2t, claims t by CAS tail t -> t + 1, writes the
     * element, then stores seq = 2t + 1. seq < 2t: the slot still holds the element of lap t - n:
     * full. seq > 2t: another put took t; re-read the tail. A take is the mirror image with head h
     * and seq == 2h + 1.
     *
     * Between a put's claim and its publication the slot reads as not yet filled: a take at that
     * position reports empty even though the tail has moved past it (the put has not finished).
     * The put completes the hand-over when it publishes.
     *
     * Closing: close() sets CLOSED in the tail word, so no put can claim afterwards (its CAS
     * expects a word without the bit); close() then waits out the claims made before it, after
     * which the ring changes only by takes.
     *
     * Memory ordering. A put's element write happens-before its publication (a volatile store of
     * seq), which the take reads before it reads the element; a take's clearing of the slot
     * happens-before its release of the slot (volatile store of seq), which the next put reads.
     * Both stores are volatile, not just release, because each is one half of a Dekker pair with
     * the queue's waiter counts: after publishing, a put reads whether getters wait; a getter that
     * starts to wait writes its count, then reads the slot. Sequential consistency guarantees that
     * one of the two sees the other, so a waiting getter is never left beside an element (and the
     * same for a take that frees a slot and a waiting putter).
     *
     * Counters: tail, head and the queue's done count live in one long[] at indexes 16, 32 and
     * 48 (128 bytes apart, and 128 bytes from the array's header), so a producer's CAS on tail
     * does not invalidate the line a consumer's CAS on head needs, nor taskDone() either.
     */

    /** The put succeeded. */
    static final int OK = 0;
    /** The ring is full (or a take has claimed the slot and not yet freed it). */
    static final int FULL = 1;
    /** The ring is closed: no put can succeed again. */
    static final int CLOSED = 2;

    private static final long CLOSED_BIT = 1L << 62;
    private static final int TAIL = 16;
    private static final int HEAD = 32;
    private static final int DONE = 48;

    private final Object[] items;
    /** Per slot, the low 32 bits of its sequence number (differences stay within +-2n). */
    private final int[] seq;
    private final long[] counters = new long[DONE + 16];
    private final int n;
    /** n - 1 if n is a power of two, else -1. */
    private final int mask;

    MpmcRing(int capacity) {
        // assert capacity >= 1 && capacity <= 1 << 28;
        this.n = capacity;
        this.mask = (capacity & (capacity - 1)) == 0 ? capacity - 1 : -1;
        this.items = new Object[capacity];
        this.seq = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            seq[i] = 2 * i;
        }
    }

    private int index(long position) {
        return mask >= 0 ? (int) position & mask : (int) (position % n);
    }

    /**
     * Puts {@code e} at the tail.
     *
     * @return {@link #OK}, {@link #FULL} or {@link #CLOSED}
     */
    int offer(E e) {
        final int[] s = seq;
        final long[] c = counters;
        long t = (long) LONGS.getVolatile(c, TAIL);
        for (;;) {
            if ((t & CLOSED_BIT) != 0L) {
                return CLOSED;
            }
            int i = index(t);
            // 32-bit difference: the true one lies within [-2n, 2n], far from overflow.
            int d = (int) INTS.getAcquire(s, i) - 2 * (int) t;
            if (d == 0) {
                long witness = (long) LONGS.compareAndExchange(c, TAIL, t, t + 1);
                if (witness == t) {
                    items[i] = e;
                    INTS.setVolatile(s, i, 2 * (int) t + 1);
                    return OK;
                }
                t = witness;
            } else if (d < 0) {
                return FULL;
            } else {
                t = (long) LONGS.getVolatile(c, TAIL);
            }
        }
    }

    /** Takes the element at the head, or returns null if there is none ready (see the notes). */
    @SuppressWarnings("unchecked")
    @Nullable E poll() {
        final int[] s = seq;
        final long[] c = counters;
        long h = (long) LONGS.getVolatile(c, HEAD);
        for (;;) {
            int i = index(h);
            int d = (int) INTS.getAcquire(s, i) - (2 * (int) h + 1);
            if (d == 0) {
                long witness = (long) LONGS.compareAndExchange(c, HEAD, h, h + 1);
                if (witness == h) {
                    E e = (E) items[i];
                    items[i] = null;
                    INTS.setVolatile(s, i, 2 * ((int) h + n));
                    return e;
                }
                h = witness;
            } else if (d < 0) {
                return null;
            } else {
                h = (long) LONGS.getVolatile(c, HEAD);
            }
        }
    }

    /** Positions claimed by puts so far: every element that ever entered the ring. */
    long putCount() {
        return (long) LONGS.getVolatile(counters, TAIL) & ~CLOSED_BIT;
    }

    /** Positions claimed by takes so far. */
    long takeCount() {
        return (long) LONGS.getVolatile(counters, HEAD);
    }

    /** The queue's count of finished tasks (see AsyncQueue's notes); read by anyone. */
    long doneCount() {
        return (long) LONGS.getVolatile(counters, DONE);
    }

    /** Adds to the done count; the queue calls it only under its lock. */
    void addDone(long delta) {
        LONGS.setVolatile(counters, DONE, (long) LONGS.getVolatile(counters, DONE) + delta);
    }

    /** The number of elements, between 0 and the capacity; a snapshot. */
    int size() {
        for (;;) {
            long h = takeCount();
            long t = putCount();
            if (h == takeCount()) {
                return (int) Math.max(0L, Math.min(n, t - h));
            }
        }
    }

    /**
     * Closes the ring to puts and waits out the puts that claimed a position before, so that
     * every element that will ever be in the ring is now visible to {@link #poll()}. Idempotent.
     */
    void close() {
        long t = (long) LONGS.getAndBitwiseOr(counters, TAIL, CLOSED_BIT) & ~CLOSED_BIT;
        // A claimed position's slot still reads seq == 2p until its put publishes.
        for (long p = Math.max(takeCount(), t - n); p < t; p++) {
            int i = index(p);
            int spins = 0;
            while ((int) INTS.getVolatile(seq, i) == 2 * (int) p) {
                if (++spins < 100) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield(); // the put was descheduled between its claim and its store
                }
            }
        }
    }

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);
}
