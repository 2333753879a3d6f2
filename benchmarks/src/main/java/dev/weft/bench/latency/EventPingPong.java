package dev.weft.bench.latency;

import dev.weft.core.sync.Event;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/*
 * Round trip of a signal between two platform threads through two resettable events: "ping" sets
 * `there` and waits for `back`; "pong" waits for `there`, clears it and sets `back`; ping clears
 * `back`. One round trip = two wake-ups of a blocked (or spinning-to-block) thread. Weft's Event
 * against the event a user writes by hand with a ReentrantLock, a Condition and a boolean, in the
 * same run.
 *
 * The waits are timed (10 ms) so that a side left waiting when JMH ends an iteration returns;
 * timeouts are counted in the aux counter `timeouts` (they should be a handful per iteration at
 * most). The score of `ping` is the average round-trip time.
 *
 * Run (short settings):
 *   java -jar benchmarks/target/benchmarks.jar 'latency.EventPingPong' -f 1 -wi 3 -w 1s -i 5 -r 1s
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Group)
public class EventPingPong {

    static final long WAIT_LIMIT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    @Param({"Event", "LockConditionEvent"})
    public String kind;

    private Signal there;
    private Signal back;

    /** The operations a resettable event offers. */
    interface Signal {
        void set();

        void clear();

        boolean await(long nanos) throws InterruptedException;
    }

    /** Weft's event. */
    static final class WeftSignal implements Signal {
        private final Event event = new Event();

        @Override
        public void set() {
            event.set();
        }

        @Override
        public void clear() {
            event.clear();
        }

        @Override
        public boolean await(long nanos) throws InterruptedException {
            return event.await(nanos, TimeUnit.NANOSECONDS);
        }
    }

    /** The baseline: a hand-written event on a lock and a condition. */
    static final class LockConditionSignal implements Signal {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private boolean flag;

        @Override
        public void set() {
            lock.lock();
            try {
                flag = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void clear() {
            lock.lock();
            try {
                flag = false;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public boolean await(long nanos) throws InterruptedException {
            lock.lock();
            try {
                long remaining = nanos;
                while (!flag) {
                    if (remaining <= 0) {
                        return false;
                    }
                    remaining = changed.awaitNanos(remaining);
                }
                return true;
            } finally {
                lock.unlock();
            }
        }
    }

    @Setup(Level.Iteration)
    public void setUp() {
        there = create();
        back = create();
    }

    private Signal create() {
        return switch (kind) {
            case "Event" -> new WeftSignal();
            case "LockConditionEvent" -> new LockConditionSignal();
            default -> throw new IllegalArgumentException("kind must be Event or LockConditionEvent, was " + kind);
        };
    }

    /** Per-thread count of waits that timed out. */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class Timeouts {
        public long timeouts;
    }

    @Benchmark
    @Group("roundTrip")
    @GroupThreads(1)
    public void ping(Timeouts t) throws InterruptedException {
        there.set();
        if (back.await(WAIT_LIMIT_NANOS)) {
            back.clear();
        } else {
            t.timeouts++;
        }
    }

    @Benchmark
    @Group("roundTrip")
    @GroupThreads(1)
    public void pong(Timeouts t) throws InterruptedException {
        if (there.await(WAIT_LIMIT_NANOS)) {
            there.clear();
            back.set();
        } else {
            t.timeouts++;
        }
    }
}
