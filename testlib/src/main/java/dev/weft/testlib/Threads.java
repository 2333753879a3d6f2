package dev.weft.testlib;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Thread helpers shared by the contract suites: run a body on its own platform thread, wait until a
 * thread is blocked, and read the failure of a future. None of them orders events by sleeping.
 */
public final class Threads {

    private Threads() {}

    /**
     * A body that returns a value and may throw.
     *
     * @param <T> the type of the value
     */
    @FunctionalInterface
    public interface Body<T> {
        /**
         * Runs the body.
         *
         * @return its value
         * @throws Exception its failure
         */
        T run() throws Exception;
    }

    /**
     * Runs {@code body} on a new platform thread; the future holds its outcome.
     *
     * @param body the body
     * @param thread receives the thread, so that the test can interrupt it or wait until it blocks
     * @param <T> the type of the value
     * @return the outcome
     */
    public static <T> CompletableFuture<T> inThread(Body<T> body, AtomicReference<Thread> thread) {
        CompletableFuture<T> f = new CompletableFuture<>();
        thread.set(Thread.ofPlatform().start(() -> {
            try {
                f.complete(body.run());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }));
        return f;
    }

    /**
     * Waits (at most 30 s) until {@code t} shows as {@code WAITING} or {@code TIMED_WAITING}.
     *
     * @param t the thread
     * @throws AssertionError if it does not block in time
     */
    public static void awaitWaiting(Thread t) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("thread did not block: " + t + " " + t.getState());
            }
            LockSupport.parkNanos(1_000_000); // polls the state; orders nothing
        }
    }

    /**
     * The failure of {@code f}, which must fail within 30 s.
     *
     * @param f the future
     * @return the cause of its failure
     * @throws InterruptedException if interrupted
     * @throws AssertionError if it completes normally or not in time
     */
    public static Throwable failureOf(CompletableFuture<?> f) throws InterruptedException {
        try {
            f.get(30, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, got a result");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("no outcome within 30 s", e);
        }
    }
}
