package dev.weft.core.sync;

import static org.assertj.core.api.Assertions.fail;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** Helpers shared by the tests of this package: no sleeps, only polling of observable state. */
final class SyncTesting {

    /** How long a helper waits for something that must happen promptly. */
    static final long PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(20);

    private SyncTesting() {}

    /** Spins (yielding) until {@code condition} holds; fails the test after {@link #PATIENCE_NANOS}. */
    static void eventually(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + PATIENCE_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out waiting until " + what);
            }
            Thread.yield();
        }
    }

    /**
     * Lets at least {@code nanos} pass on {@link System#nanoTime()}, yielding: for a rule that
     * depends on how long something has waited (a bound), not to order events between threads.
     */
    static void waitAtLeastNanos(long nanos) {
        long start = System.nanoTime();
        while (System.nanoTime() - start <= nanos) {
            Thread.yield();
        }
    }

    /** Waits until {@code t} is parked (blocked in a wait), as seen through its thread state. */
    static void awaitParked(Thread t) {
        eventually(t.getName() + " is parked", () -> {
            Thread.State s = t.getState();
            return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING;
        });
    }

    /** A task running in its own platform thread. */
    static final class Worker<T> {
        private final FutureTask<T> task;
        final Thread thread;

        private Worker(String name, Callable<T> body) {
            this.task = new FutureTask<>(body);
            this.thread = new Thread(task, name);
            this.thread.setDaemon(true);
        }

        /** Starts {@code body} in a new platform thread named {@code name}. */
        static <T> Worker<T> start(String name, Callable<T> body) {
            Worker<T> w = new Worker<>(name, body);
            w.thread.start();
            return w;
        }

        /** The result, or the body's exception as the cause of an {@link ExecutionException}. */
        T get() throws ExecutionException, InterruptedException {
            try {
                return task.get(PATIENCE_NANOS, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError(thread.getName() + " did not finish: " + thread.getState(), e);
            }
        }

        boolean isDone() {
            return task.isDone();
        }
    }
}
