package dev.weft.core.queue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Comparator;
import org.jspecify.annotations.Nullable;

/**
 * The element storage behind an {@link AsyncQueue}, with the queue's two counters: a FIFO ring, a
 * LIFO stack or a binary heap.
 *
 * <p>Locking, by the caller: {@link #add} runs under the queue's put lock, {@link #remove} under
 * its take lock, {@link #grow} and {@link #clear} under both. Only the ring has two distinct locks
 * (its producers and consumers touch different ends); for the stack and the heap both names refer
 * to one lock. {@link #count} is changed only under one of the locks, with atomic updates so that
 * the two sides of a ring can read it without the other's lock; {@link #unfinished} is changed by
 * puts (under the put lock) and by {@code taskDone} (without a lock, by compare-and-set).
 *
 * <p>Capacity is the queue's business. The array grows by doubling when it has no free slot,
 * never shrinks, and never grows beyond {@link #MAX_ELEMENTS}; so a store that has reached its
 * working size adds and removes without allocating.
 *
 * <p>Failure atomicity: if {@link #add} or {@link #remove} throws (only a heap's comparator can),
 * the store is unchanged.
 *
 * @param <E> the element type
 */
abstract class Store<E> extends StoreFields.UnfinishedPad {

    /** The most elements a store holds: the largest power of two an array can have. */
    static final int MAX_ELEMENTS = 1 << 30;

    /** Array length of a store created for an unbounded queue, or a large bounded one. */
    static final int INITIAL_LENGTH = 16;

    Store(int maxElements) {
        // assert maxElements >= 1 && maxElements <= MAX_ELEMENTS;
        items = new Object[initialLength(maxElements)];
    }

    /**
     * Adds {@code e}. Put lock held; {@code n} is the count read under it (exact for a stack or a
     * heap, an upper bound for a ring, whose consumers may remove meanwhile); the array has a free
     * slot ({@code !mustGrow(n)}).
     */
    abstract void add(E e, int n);

    /**
     * Removes and returns the next element in the store's order. Take lock held; {@code n >= 1} is
     * the count read under it (exact for a stack or a heap, a lower bound for a ring).
     */
    abstract E remove(int n);

    /** Re-lays the {@code n} elements into an array twice as long; both locks held, {@code n == count}. */
    abstract void grow(int n);

    /** Removes every element; both locks held. */
    abstract void clear();

    /** The order, for {@code order()} and {@code toString}. */
    abstract AsyncQueue.Order order();

    /** Whether {@code n} elements fill the array, so that an add must grow it first. */
    final boolean mustGrow(int n) {
        return n >= items.length;
    }

    /** A power of two, at least {@code min(maxElements, INITIAL_LENGTH)} and at most {@code MAX_ELEMENTS}. */
    static int initialLength(int maxElements) {
        int wanted = Math.min(maxElements, INITIAL_LENGTH);
        return wanted <= 1 ? 1 : Integer.highestOneBit(wanted - 1) << 1;
    }

    /** Length of the next array; throws if the store may not grow. */
    final int grownLength() {
        int length = items.length;
        if (length >= MAX_ELEMENTS) {
            throw new IllegalStateException(
                    "AsyncQueue storage limit reached: at most " + MAX_ELEMENTS + " elements");
        }
        return length << 1;
    }

    // Counter accessors (JDK naming: the access mode is in the name).

    final int getCount() {
        return count; // volatile read
    }

    /** Atomically adds {@code delta} to the count; returns the previous value. A full fence. */
    final int getAndAddCount(int delta) {
        return (int) COUNT.getAndAdd(this, delta);
    }

    final long getUnfinished() {
        return unfinished; // volatile read
    }

    /** Atomically adds {@code delta} to the unfinished count; returns the previous value. */
    final long getAndAddUnfinished(long delta) {
        return (long) UNFINISHED.getAndAdd(this, delta);
    }

    final boolean casUnfinished(long expected, long value) {
        return UNFINISHED.compareAndSet(this, expected, value);
    }

    // ------------------------------------------------------------------------------------------

    /** The ring's producer index (the counters' padding precedes it). */
    abstract static class RingProducerFields<E> extends Store<E> {
        /** Slot of the next add; guarded by the put lock. */
        int putIndex;

        RingProducerFields(int maxElements) {
            super(maxElements);
        }
    }

    /** Padding between the ring's producer index and its consumer index. */
    abstract static class RingMidPad<E> extends RingProducerFields<E> {
        long p40, p41, p42, p43, p44, p45, p46, p47, p48, p49, p4a, p4b, p4c, p4d, p4e, p4f;

        RingMidPad(int maxElements) {
            super(maxElements);
        }
    }

    /** The ring's consumer index. */
    abstract static class RingConsumerFields<E> extends RingMidPad<E> {
        /** Slot of the next remove; guarded by the take lock. */
        int takeIndex;

        RingConsumerFields(int maxElements) {
            super(maxElements);
        }
    }

    /** Padding after the ring's consumer index. */
    abstract static class RingTailPad<E> extends RingConsumerFields<E> {
        long p50, p51, p52, p53, p54, p55, p56, p57, p58, p59, p5a, p5b, p5c, p5d, p5e, p5f;

        RingTailPad(int maxElements) {
            super(maxElements);
        }
    }

    /**
     * First in, first out: a power-of-two ring. Producers (put lock) write at {@code putIndex},
     * consumers (take lock) read at {@code takeIndex}; the slot contents are published by the
     * atomic count update that follows the write and read after the count read that precedes it.
     */
    static final class Ring<E> extends RingTailPad<E> {

        Ring(int maxElements) {
            super(maxElements);
        }

        @Override
        void add(E e, int n) {
            final Object[] a = items;
            final int p = putIndex;
            a[p] = e;
            putIndex = (p + 1) & (a.length - 1);
        }

        @Override
        @SuppressWarnings("unchecked")
        E remove(int n) {
            final Object[] a = items;
            final int t = takeIndex;
            E e = (E) a[t];
            a[t] = null;
            takeIndex = (t + 1) & (a.length - 1);
            return e;
        }

        @Override
        void grow(int n) {
            final Object[] old = items;
            Object[] a = new Object[grownLength()];
            // The ring is full (n == length): unroll it so that the oldest element is at 0.
            final int t = takeIndex;
            int firstPart = old.length - t;
            System.arraycopy(old, t, a, 0, firstPart);
            System.arraycopy(old, 0, a, firstPart, t);
            takeIndex = 0;
            putIndex = n;
            items = a;
        }

        @Override
        void clear() {
            Arrays.fill(items, null);
            putIndex = 0;
            takeIndex = 0;
        }

        @Override
        AsyncQueue.Order order() {
            return AsyncQueue.Order.FIFO;
        }
    }

    /** Last in, first out: an array stack, the newest element at {@code n - 1}. */
    static final class Stack<E> extends Store<E> {

        Stack(int maxElements) {
            super(maxElements);
        }

        @Override
        void add(E e, int n) {
            items[n] = e;
        }

        @Override
        @SuppressWarnings("unchecked")
        E remove(int n) {
            final Object[] a = items;
            E e = (E) a[n - 1];
            a[n - 1] = null;
            return e;
        }

        @Override
        void grow(int n) {
            items = Arrays.copyOf(items, grownLength());
        }

        @Override
        void clear() {
            Arrays.fill(items, null);
        }

        @Override
        AsyncQueue.Order order() {
            return AsyncQueue.Order.LIFO;
        }
    }

    /**
     * Smallest first: an array binary heap, like Python's {@code heapq} (so not stable for equal
     * elements).
     *
     * <p>Unlike {@link java.util.PriorityQueue}, both sift operations first find the final
     * position using comparisons only, then move the elements. A comparator that throws therefore
     * leaves the heap as it was.
     */
    static final class Heap<E> extends Store<E> {

        /** The order; {@code null} for natural ordering. */
        private final @Nullable Comparator<? super E> comparator;

        Heap(int maxElements, @Nullable Comparator<? super E> comparator) {
            super(maxElements);
            this.comparator = comparator;
        }

        @SuppressWarnings("unchecked")
        private int compare(Object a, Object b) {
            @Nullable Comparator<? super E> c = comparator;
            return c != null ? c.compare((E) a, (E) b) : ((Comparable<Object>) a).compareTo(b);
        }

        @Override
        void add(E e, int n) {
            final Object[] a = items;
            // Phase 1: find the slot, comparing only.
            int k = n;
            while (k > 0) {
                int parent = (k - 1) >>> 1;
                if (compare(e, a[parent]) >= 0) {
                    break;
                }
                k = parent;
            }
            // Phase 2: move the ancestors on the path down by one level.
            int j = n;
            while (j > k) {
                int parent = (j - 1) >>> 1;
                a[j] = a[parent];
                j = parent;
            }
            a[k] = e;
        }

        @Override
        @SuppressWarnings("unchecked")
        E remove(int n) {
            final Object[] a = items;
            final int last = n - 1;
            E top = (E) a[0];
            Object x = a[last];
            // Phase 1: sift x down from the root over the first `last` slots, recording the path
            // (bit d set = went to the right child at depth d). A heap of at most 2^30 elements
            // is at most 30 levels deep.
            long rightTurns = 0L;
            int depth = 0;
            int k = 0;
            for (;;) {
                int child = 2 * k + 1;
                if (child >= last) {
                    break;
                }
                int right = child + 1;
                if (right < last && compare(a[child], a[right]) > 0) {
                    child = right;
                    rightTurns |= 1L << depth;
                }
                if (compare(x, a[child]) <= 0) {
                    break;
                }
                k = child;
                depth++;
            }
            // Phase 2: pull the path's elements up one level and put x at its end.
            int j = 0;
            for (int d = 0; d < depth; d++) {
                int child = 2 * j + 1 + (int) ((rightTurns >>> d) & 1L);
                a[j] = a[child];
                j = child;
            }
            a[j] = x;
            a[last] = null;
            return top;
        }

        @Override
        void grow(int n) {
            items = Arrays.copyOf(items, grownLength());
        }

        @Override
        void clear() {
            Arrays.fill(items, null);
        }

        @Override
        AsyncQueue.Order order() {
            return AsyncQueue.Order.PRIORITY;
        }
    }

    // VarHandle mechanics
    private static final VarHandle COUNT;
    private static final VarHandle UNFINISHED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            COUNT = l.findVarHandle(StoreFields.CountField.class, "count", int.class);
            UNFINISHED = l.findVarHandle(StoreFields.UnfinishedField.class, "unfinished", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
