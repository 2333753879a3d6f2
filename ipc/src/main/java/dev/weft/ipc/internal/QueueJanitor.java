package dev.weft.ipc.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The recovery thread of one process for one domain: about once per liveness slice it runs
 * {@link QueueRing#janitorPass()} on every queue the process has open, so that the slots of a dead
 * process are recovered within about two slices even when nobody is blocked on them (a dead
 * consumer's message behind the head is otherwise met again only when the producers wrap around).
 *
 * <p>It also checks, on every pass, that the files of the domain's locks and events still have
 * their full size ({@link #watch}), so that a file cut short while mapped makes the object fail
 * with {@link dev.weft.ipc.IpcDamagedException} within a slice, even where the JVM reports the
 * fault of an access in compiled code after it returned.
 *
 * <p>One daemon platform thread, started with the first queue, lock or event and stopped when the domain's last
 * handle in this process closes. It never blocks on a queue: a pass only reads words, probes
 * liveness (one non-blocking {@code fcntl} per attached participant) and CASes recovered slots.
 *
 * <p>It survives anything one queue throws. A pass that fails, with an exception or an error (the
 * {@link InternalError} of a fault on a truncated mapping, say), marks that queue damaged, so that
 * its own operations fail clearly, and is counted and reported
 * ({@link QueueRing#janitorPass()}); the thread goes on serving the other queues. Should anything
 * still escape a pass, it is counted here ({@link #failures()}) and handled the same way.
 */
final class QueueJanitor implements Runnable {

    private final String label;
    private final long sliceNanos;
    private final Set<QueueRing> rings = ConcurrentHashMap.newKeySet();
    /** Mappings of the domain's locks and events, whose file sizes each pass checks (queues check their own). */
    private final Set<SharedMemory> watched = ConcurrentHashMap.newKeySet();
    private final ReentrantLock startLock = new ReentrantLock();
    /** Throwables that escaped a ring's own handling (diagnostics, tests; expected to stay 0). */
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean stopped;
    private @Nullable Thread thread; // guarded by startLock

    QueueJanitor(String label, long sliceNanos) {
        this.label = label;
        this.sliceNanos = sliceNanos;
    }

    /** Adds a queue and starts the thread if needed. */
    void add(QueueRing ring) {
        rings.add(ring);
        start();
    }

    /**
     * Adds the mapping of a lock or event, whose file size each pass checks
     * ({@link SharedMemory#checkFileIntact()}: a file cut short is found without a fault, and every
     * later operation on the object throws {@link dev.weft.ipc.IpcDamagedException}); starts the
     * thread if needed.
     */
    void watch(SharedMemory memory) {
        watched.add(memory);
        start();
    }

    private void start() {
        startLock.lock();
        try {
            if (thread == null && !stopped) {
                thread = Thread.ofPlatform().daemon().name("weft-ipc-janitor-" + label).start(this);
            }
        } finally {
            startLock.unlock();
        }
    }

    /** Stops the thread (the domain is closing); idempotent. */
    void stop() {
        stopped = true;
        startLock.lock();
        try {
            if (thread != null) {
                LockSupport.unpark(thread);
            }
        } finally {
            startLock.unlock();
        }
    }

    /** Throwables that escaped a queue's own failure handling; each also marked that queue damaged. */
    long failures() {
        return failures.get();
    }

    @Override
    public void run() {
        while (!stopped) {
            try {
                LockSupport.parkNanos(this, sliceNanos);
            } catch (Throwable e) { // an asynchronous error owed to no queue in particular: count it, go on
                failures.incrementAndGet();
                System.getLogger("dev.weft.ipc").log(System.Logger.Level.ERROR,
                        "weft-ipc: the queue janitor " + label + " caught an error between passes", e);
            }
            if (stopped) {
                return;
            }
            for (SharedMemory memory : watched) {
                try {
                    memory.checkFileIntact(); // one stat; never touches the mapping
                } catch (Throwable e) {
                    failures.incrementAndGet();
                }
            }
            for (QueueRing ring : rings) {
                try {
                    ring.janitorPass(); // catches, records and reports its own failures
                } catch (Throwable e) { // NOTE: e.g. an asynchronous fault delivered after the pass's own handler
                    failures.incrementAndGet();
                    try {
                        ring.janitorFailed(e);
                    } catch (Throwable again) {
                        ring.markDamaged(e); // reporting failed too (no memory?): still stop using the ring
                    }
                }
            }
        }
    }
}
