package dev.weft.bench.throughput;

import dev.weft.core.queue.AsyncQueue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.TimeUnit;

/**
 * The queues compared by the queue benchmarks, behind one small blocking interface so that each
 * benchmark method is the same for all of them. A JMH fork measures one kind only, so each call
 * site sees a single implementation.
 */
abstract class QueueKind {

    /** Capacity of the bounded queues, as in the task: bounded(1024). */
    static final int CAPACITY = 1024;

    /** Inserts, waiting at most {@code nanos} for room; false on timeout. */
    abstract boolean put(Integer e, long nanos) throws InterruptedException;

    /** Removes, waiting at most {@code nanos} for an element; null on timeout. */
    abstract Integer take(long nanos) throws InterruptedException;

    /** Inserts, waiting without a limit. */
    abstract void put(Integer e) throws InterruptedException;

    /** Removes, waiting without a limit. */
    abstract Integer take() throws InterruptedException;

    /**
     * Creates the named kind: AsyncQueue (fifo(1024)), AsyncQueueUnbounded (unboundedFifo(), to
     * compare like with like against LinkedTransferQueue), ArrayBlockingQueue or
     * LinkedTransferQueue.
     */
    static QueueKind create(String name) {
        return switch (name) {
            case "AsyncQueue" -> new Weft(AsyncQueue.fifo(CAPACITY));
            case "AsyncQueueUnbounded" -> new Weft(AsyncQueue.unboundedFifo());
            case "ArrayBlockingQueue" -> new Abq();
            case "LinkedTransferQueue" -> new Ltq();
            default -> throw new IllegalArgumentException("unknown queue kind: " + name);
        };
    }

    static final class Weft extends QueueKind {
        final AsyncQueue<Integer> q;

        Weft(AsyncQueue<Integer> q) {
            this.q = q;
        }

        @Override
        boolean put(Integer e, long nanos) throws InterruptedException {
            return q.offer(e, nanos, TimeUnit.NANOSECONDS);
        }

        @Override
        Integer take(long nanos) throws InterruptedException {
            return q.poll(nanos, TimeUnit.NANOSECONDS);
        }

        @Override
        void put(Integer e) throws InterruptedException {
            q.put(e);
        }

        @Override
        Integer take() throws InterruptedException {
            return q.get();
        }
    }

    static final class Abq extends QueueKind {
        final ArrayBlockingQueue<Integer> q = new ArrayBlockingQueue<>(CAPACITY);

        @Override
        boolean put(Integer e, long nanos) throws InterruptedException {
            return q.offer(e, nanos, TimeUnit.NANOSECONDS);
        }

        @Override
        Integer take(long nanos) throws InterruptedException {
            return q.poll(nanos, TimeUnit.NANOSECONDS);
        }

        @Override
        void put(Integer e) throws InterruptedException {
            q.put(e);
        }

        @Override
        Integer take() throws InterruptedException {
            return q.take();
        }
    }

    /** Unbounded: a put never waits, so a fast producer can run ahead of the consumer. */
    static final class Ltq extends QueueKind {
        final LinkedTransferQueue<Integer> q = new LinkedTransferQueue<>();

        @Override
        boolean put(Integer e, long nanos) {
            return q.offer(e);
        }

        @Override
        Integer take(long nanos) throws InterruptedException {
            return q.poll(nanos, TimeUnit.NANOSECONDS);
        }

        @Override
        void put(Integer e) {
            q.put(e);
        }

        @Override
        Integer take() throws InterruptedException {
            return q.take();
        }
    }
}
