package dev.weft.ipc.internal;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Lets virtual threads wait on shared words without holding a carrier thread.
 *
 * <p>A futex sleep is a foreign call, and a virtual thread in a foreign call pins its carrier; a
 * thousand such waiters would take every carrier. So a virtual thread never sleeps in the kernel:
 * it registers a {@link Node} for the word it waits on and parks (which releases the carrier). For
 * each word that has registered virtual waiters in this process, one daemon platform thread, the
 * <em>sentinel</em>, sleeps on the word with the domain's back-end (futex or back-off) and unparks
 * every registered waiter whose expected value differs from the word's current value.
 *
 * <pre>
 *   virtual waiters (parked)      sentinel (platform thread)         other process
 *   V1 expects x ─┐               loop: x' = word                    word = y; FUTEX_WAKE
 *   V2 expects x ─┼─ nodes ──────▶  unpark nodes with expected != x'  ─────────────┘
 *   V3 expects x ─┘                 sleep while word == x'
 * </pre>
 *
 * <h2>Invariants</h2>
 * A node is in its sentinel's set from before its owner's final check of the word until after its
 * park returns; a sentinel runs while its set is non-empty (it exits only when, under
 * {@link #lock}, its set is empty, and a new node is added only under the same lock).
 *
 * <h2>Why no wake-up is lost</h2>
 * The waiter adds its node, then re-reads the word and parks only if it still equals its expected
 * value. The sentinel reads the word <em>after</em> looking at nodes in each loop and then sleeps
 * only while the word equals what it read, so a change after the waiter's check is either seen in
 * the sentinel's next read (and the node is unparked) or ends the sentinel's sleep. Wakers that
 * call {@code FUTEX_WAKE(1)} may wake the sentinel instead of a sleeping process; the sentinel then
 * unparks its waiters, which re-check, so the hand-off is never lost. Every park is also bounded by
 * the caller's slice.
 *
 * <h2>Progress</h2>
 * Blocking. A sentinel that finds its set empty for {@link #IDLE_ROUNDS_BEFORE_EXIT} rounds exits.
 * A sentinel whose mapping was closed (its domain's last handle closed: on Java 22+ the file is
 * unmapped and every read of the word throws {@link IllegalStateException}) unparks its waiters,
 * which then fail on their own read or guard check, and exits.
 */
final class VirtualRelay {

    static final VirtualRelay INSTANCE = new VirtualRelay();

    /** Longest single sleep of a sentinel. */
    static final long SENTINEL_SLICE_NANOS = Waiter.INTERRUPT_CHECK_NANOS;
    /** Empty rounds a sentinel waits for new waiters before its thread ends. */
    static final int IDLE_ROUNDS_BEFORE_EXIT = 3;

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Key, Sentinel> sentinels = new ConcurrentHashMap<>();

    private VirtualRelay() {}

    /** A watched word: a mapping (by identity) and an offset. */
    private record Key(SharedMemory memory, int offset) {}

    /** One parked virtual waiter. */
    private static final class Node {
        final Thread thread;
        final int expected;

        Node(Thread thread, int expected) {
            this.thread = thread;
            this.expected = expected;
        }
    }

    /** Parks the current virtual thread while the word holds {@code expected}, for at most {@code nanos}. */
    void await(Waiter waiter, SharedMemory memory, int offset, int expected, long nanos) {
        Node node = new Node(Thread.currentThread(), expected);
        Sentinel sentinel = register(waiter, new Key(memory, offset), node);
        try {
            if (memory.getIntVolatile(offset) == expected) {
                LockSupport.parkNanos(this, nanos);
            }
        } finally {
            sentinel.nodes.remove(node);
        }
    }

    private Sentinel register(Waiter waiter, Key key, Node node) {
        lock.lock();
        try {
            Sentinel sentinel = sentinels.get(key);
            if (sentinel == null) {
                sentinel = new Sentinel(waiter, key);
                sentinels.put(key, sentinel);
                sentinel.nodes.add(node);
                Thread.ofPlatform().daemon().name("weft-ipc-relay-" + key.memory().path().getFileName()
                        + "@" + key.offset()).start(sentinel);
            } else {
                sentinel.nodes.add(node);
            }
            return sentinel;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Unparks every virtual thread waiting on any word of {@code memory} in this process (they
     * re-check their condition): used when a domain closes, so that its waiters leave at once.
     */
    void unparkAll(SharedMemory memory) {
        for (Map.Entry<Key, Sentinel> e : sentinels.entrySet()) {
            if (e.getKey().memory() == memory) {
                e.getValue().unparkAll();
            }
        }
    }

    /** Number of sentinel threads alive (for tests). */
    int sentinelCount() {
        return sentinels.size();
    }

    private final class Sentinel implements Runnable {
        final Waiter waiter;
        final Key key;
        final Set<Node> nodes = ConcurrentHashMap.newKeySet();

        Sentinel(Waiter waiter, Key key) {
            this.waiter = waiter;
            this.key = key;
        }

        void unparkAll() {
            for (Node n : nodes) {
                LockSupport.unpark(n.thread);
            }
        }

        @Override
        public void run() {
            try {
                watch();
            } catch (IllegalStateException closed) {
                // the mapping was closed under us: let the waiters see it for themselves
                unparkAll();
            } finally {
                // Normally removed by tryExit; after an unexpected error, waiters still end their
                // parks at their slice and the next one starts a new sentinel.
                lock.lock();
                try {
                    sentinels.remove(key, this);
                } finally {
                    lock.unlock();
                }
            }
        }

        private void watch() {
            SharedMemory memory = key.memory();
            int offset = key.offset();
            int idle = 0;
            int round = 0;
            int last = memory.getIntVolatile(offset);
            while (true) {
                if (nodes.isEmpty()) {
                    if (++idle >= IDLE_ROUNDS_BEFORE_EXIT && tryExit()) {
                        return;
                    }
                } else {
                    idle = 0;
                }
                int now = memory.getIntVolatile(offset);
                for (Node n : nodes) {
                    if (n.expected != now) {
                        LockSupport.unpark(n.thread);
                    }
                }
                round = now == last ? round + 1 : 0;
                last = now;
                waiter.sleepWhile(memory, offset, now, SENTINEL_SLICE_NANOS, round);
            }
        }

        private boolean tryExit() {
            lock.lock();
            try {
                if (nodes.isEmpty()) {
                    sentinels.remove(key, this);
                    return true;
                }
                return false;
            } finally {
                lock.unlock();
            }
        }
    }
}
