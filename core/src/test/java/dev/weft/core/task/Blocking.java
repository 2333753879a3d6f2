package dev.weft.core.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

/** Test helper: waits until a thread is blocked (parked or waiting), with a bound. */
final class Blocking {

    private Blocking() {}

    /**
     * Returns once {@code t} is in a waiting state; fails the test after ten seconds. This only
     * gives the thread time to block, and checks that it did; it orders nothing by time.
     */
    static void awaitBlocked(Thread t) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (;;) {
            Thread.State s = t.getState();
            if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) {
                return;
            }
            assertThat(s).as("state of %s", t).isNotEqualTo(Thread.State.TERMINATED);
            assertThat(System.nanoTime() - deadline).as("%s blocked in time", t).isNegative();
            Thread.yield();
        }
    }
}
