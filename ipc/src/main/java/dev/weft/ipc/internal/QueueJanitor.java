package dev.weft.ipc.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The recovery thread of one process for one domain: about once per liveness slice it runs
 * {@link QueueRing#janitorPass()} on every queue the process has open, so that the slots of a dead
 * process are recovered within about two slices even when nobody is blocked on them (a dead
 * consumer's message behind the head is otherwise met again only when the producers wrap around).
 *
 * <p>One daemon platform thread, started with the first queue and stopped when the domain's last
 * handle in this process closes. It never blocks on a queue: a pass only reads words, probes
 * liveness (one non-blocking {@code fcntl} per attached participant) and CASes recovered slots.
 */
final class QueueJanitor implements Runnable {

    private final String label;
    private final long sliceNanos;
    private final Set<QueueRing> rings = ConcurrentHashMap.newKeySet();
    private final ReentrantLock startLock = new ReentrantLock();
    private volatile boolean stopped;
    private @Nullable Thread thread; // guarded by startLock

    QueueJanitor(String label, long sliceNanos) {
        this.label = label;
        this.sliceNanos = sliceNanos;
    }

    /** Adds a queue and starts the thread if needed. */
    void add(QueueRing ring) {
        rings.add(ring);
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

    @Override
    public void run() {
        while (!stopped) {
            LockSupport.parkNanos(this, sliceNanos);
            if (stopped) {
                return;
            }
            for (QueueRing ring : rings) {
                ring.janitorPass(); // never throws: failures are kept in the ring for diagnostics
            }
        }
    }
}
