package dev.weft.core.queue;

import java.util.Arrays;
import java.util.Comparator;
import org.jspecify.annotations.Nullable;

/**
 * The element storage behind an {@link AsyncQueue}: a FIFO ring, a LIFO stack or a binary heap.
 *
 * <p>Not thread-safe: every method is called with the queue's lock held. Capacity is the queue's
 * business; a store grows its array (doubling, never shrinking) when it runs out of room and
 * refuses to grow beyond {@link #MAX_ELEMENTS}. No method allocates except when growing, so a
 * store that has reached its working size adds and removes without allocation.
 *
 * <p>Failure atomicity: if {@link #add(Object)} or {@link #remove()} throws (a comparator that
 * throws, an array that cannot grow), the store is unchanged.
 *
 * @param <E> the element type
 */
abstract sealed class Store<E> permits Store.Ring, Store.Stack, Store.Heap {

    /** The most elements a store holds: the largest power of two an array can have. */
    static final int MAX_ELEMENTS = 1 << 30;

    /** Array length of a store created for an unbounded queue, or a large bounded one. */
    static final int INITIAL_LENGTH = 16;

    /** Number of stored elements; read and written with the queue's lock held. */
    int size;

    /**
     * The queue's count of unfinished tasks (elements put and not yet marked done); guarded by the
     * queue's lock. It lives here, with {@link #size}, because every put writes both: keeping it
     * out of the queue object leaves that object's fields read-only for the threads that use it.
     */
    long unfinished;

    /** Elements, {@code null} in unused slots so that removed elements can be collected. */
    Object[] items;

    Store(int maxElements) {
        // assert maxElements >= 1 && maxElements <= MAX_ELEMENTS;
        items = new Object[initialLength(maxElements)];
    }

    /**
     * Adds {@code e}; the caller has checked the queue's capacity.
     *
     * @throws IllegalStateException if the store already holds {@link #MAX_ELEMENTS} elements
     */
    abstract void add(E e);

    /** Removes and returns the next element in the store's order; {@code size > 0}. */
    abstract E remove();

    /** Removes every element. */
    final void clear() {
        Arrays.fill(items, null);
        size = 0;
        cleared();
    }

    /** Hook for subclasses with extra indexes to reset. */
    void cleared() {}

    /** Name of the order, for {@code toString}. */
    abstract AsyncQueue.Order order();

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
                    "AsyncQueue storage limit reached: at most " + MAX_ELEMENTS + " elements, holding " + size);
        }
        return length << 1;
    }

    /** First in, first out: a power-of-two ring, the oldest element at {@code head}. */
    static final class Ring<E> extends Store<E> {

        /** Index of the oldest element. */
        private int head;

        Ring(int maxElements) {
            super(maxElements);
        }

        @Override
        void add(E e) {
            Object[] a = items;
            int n = size;
            if (n == a.length) {
                a = grow();
            }
            a[(head + n) & (a.length - 1)] = e;
            size = n + 1;
        }

        @Override
        @SuppressWarnings("unchecked")
        E remove() {
            // assert size > 0;
            final Object[] a = items;
            final int h = head;
            E e = (E) a[h];
            a[h] = null;
            head = (h + 1) & (a.length - 1);
            size--;
            return e;
        }

        private Object[] grow() {
            Object[] old = items;
            Object[] a = new Object[grownLength()];
            // The ring is full (size == length): unroll it so that the oldest element is at 0.
            int firstPart = old.length - head;
            System.arraycopy(old, head, a, 0, firstPart);
            System.arraycopy(old, 0, a, firstPart, head);
            head = 0;
            items = a;
            return a;
        }

        @Override
        void cleared() {
            head = 0;
        }

        @Override
        AsyncQueue.Order order() {
            return AsyncQueue.Order.FIFO;
        }
    }

    /** Last in, first out: an array stack, the newest element at {@code size - 1}. */
    static final class Stack<E> extends Store<E> {

        Stack(int maxElements) {
            super(maxElements);
        }

        @Override
        void add(E e) {
            Object[] a = items;
            int n = size;
            if (n == a.length) {
                a = items = Arrays.copyOf(a, grownLength());
            }
            a[n] = e;
            size = n + 1;
        }

        @Override
        @SuppressWarnings("unchecked")
        E remove() {
            // assert size > 0;
            final Object[] a = items;
            int n = --size;
            E e = (E) a[n];
            a[n] = null;
            return e;
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
            Comparator<? super E> c = comparator;
            return c != null ? c.compare((E) a, (E) b) : ((Comparable<Object>) a).compareTo(b);
        }

        @Override
        void add(E e) {
            Object[] a = items;
            int n = size;
            if (n == a.length) {
                a = Arrays.copyOf(a, grownLength()); // installed below, once the comparisons succeeded
            }
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
            items = a;
            size = n + 1;
        }

        @Override
        @SuppressWarnings("unchecked")
        E remove() {
            // assert size > 0;
            final Object[] a = items;
            final int last = size - 1;
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
            size = last;
            return top;
        }

        @Override
        AsyncQueue.Order order() {
            return AsyncQueue.Order.PRIORITY;
        }
    }
}
