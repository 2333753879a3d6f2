package dev.weft.ipc.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The future of an asynchronous queue operation, run on its own virtual thread, whose completion
 * and cancellation are decided atomically against the operation's commit.
 *
 * <p>The worker enters the future's {@link QueueRing.Gate} just before committing (a put's commit,
 * a take's hand-over). Every completion from outside ({@link #cancel}, {@link #complete},
 * {@link #completeExceptionally}, and so {@code orTimeout} and {@code completeOnTimeout}) must win
 * the same CAS, from {@code OPEN}: if the worker entered first, the outside completion fails and
 * the future completes with the operation's result; if the outside won, the worker's commit is
 * refused (the put tombstones its slot, the take puts its message back) and the worker is
 * interrupted. So a message is never both put and reported cancelled, nor taken and dropped.
 *
 * <pre>
 *   OPEN --worker enters the gate--&gt; DELIVERING --result--&gt; CLOSED
 *     \--cancel / complete / completeExceptionally / worker failure--&gt; CLOSED
 * </pre>
 * {@code obtrudeValue} and {@code obtrudeException} bypass this protocol; do not use them.
 */
final class DeliveryFuture<T> extends CompletableFuture<T> implements QueueRing.Gate {

    /** The operation's body: runs on the worker and delivers through {@link #deliver} after entering the gate. */
    interface Body {
        void run() throws Exception;
    }

    private static final int OPEN = 0;
    private static final int DELIVERING = 1;
    private static final int CLOSED = 2;

    /** OPEN, DELIVERING or CLOSED; moves forward only. */
    private final AtomicInteger phase = new AtomicInteger(OPEN);
    private volatile @Nullable Thread worker;

    /** Starts {@code body} on a new virtual thread named {@code name}. */
    void start(String name, Body body) {
        Thread thread = Thread.ofVirtual().name(name).unstarted(() -> {
            try {
                body.run();
            } catch (InterruptedException e) {
                fail(e); // only an outside completion interrupts this thread: then this does nothing
            } catch (Throwable t) {
                fail(t);
            }
        });
        worker = thread;
        thread.start();
    }

    @Override
    public boolean enter() {
        return phase.compareAndSet(OPEN, DELIVERING);
    }

    /** Completes with the operation's result; only after {@link #enter()} succeeded. */
    void deliver(T value) {
        super.complete(value);
        phase.set(CLOSED);
    }

    /** Completes exceptionally with the operation's failure, unless already completed. */
    void fail(Throwable t) {
        if (phase.getAndSet(CLOSED) != CLOSED) {
            super.completeExceptionally(t);
        }
    }

    @Override
    public boolean complete(T value) {
        if (phase.compareAndSet(OPEN, CLOSED)) {
            boolean done = super.complete(value);
            interruptWorker();
            return done;
        }
        return false;
    }

    @Override
    public boolean completeExceptionally(Throwable ex) {
        if (phase.compareAndSet(OPEN, CLOSED)) {
            boolean done = super.completeExceptionally(ex);
            interruptWorker();
            return done;
        }
        return false;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (phase.compareAndSet(OPEN, CLOSED)) {
            boolean done = super.cancel(mayInterruptIfRunning);
            interruptWorker();
            return done;
        }
        return isCancelled();
    }

    private void interruptWorker() {
        Thread t = worker;
        if (t != null) {
            t.interrupt();
        }
    }
}
