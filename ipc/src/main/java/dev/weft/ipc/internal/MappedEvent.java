package dev.weft.ipc.internal;

import static dev.weft.ipc.internal.EventDescriptor.EVENT_WORD_OFFSET;
import static dev.weft.ipc.internal.EventDescriptor.GENERATION_ONE;
import static dev.weft.ipc.internal.EventDescriptor.SET;
import static dev.weft.ipc.internal.EventDescriptor.WAITERS;

import dev.weft.core.internal.Durations;
import dev.weft.core.internal.WaitEvent;
import dev.weft.ipc.event.IpcEvent;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@link IpcEvent} on one 32-bit word of a shared mapping ({@link EventDescriptor}).
 */
public final class MappedEvent implements IpcEvent {

    /*
     * Implementation notes
     *
     * Overview
     *   The word is generation:30 | WAITERS | SET. set() moves the flag from clear to set and bumps the
     *   generation in one CAS (which also clears WAITERS), then wakes all sleepers if WAITERS was set.
     *   clear() clears SET only. A waiter records the generation it saw first and returns as soon as
     *   SET is seen or the generation moved: a set-then-clear pulse is therefore never missed. This is
     *   an event count (Vyukov / Linux "eventcount") fused with the flag.
     *
     * Invariants
     *   - The generation changes only in set(), exactly when SET goes from 0 to 1.
     *   - A process sleeping on the word sleeps on a value with WAITERS set, published by its CAS.
     * Non-invariants
     *   - WAITERS set does not mean someone sleeps (a sleeper may have timed out or died).
     *
     * Linearization points
     *   set: the successful CAS (or the read that found SET already set). clear: the getAndBitwiseAnd.
     *   isSet: the acquire read. await: the read that sees SET or a new generation.
     *
     * Memory ordering
     *   set/clear/await use volatile CAS and reads (setter's prior writes are released by the CAS and
     *   acquired by the waiter's read of the new value); isSet uses an acquire read, enough for the
     *   happens-before edge it promises. set() reads WAITERS from the value its CAS replaced, so it
     *   cannot miss a sleeper that published WAITERS before the CAS; a sleeper that publishes after it
     *   sees the new generation in FUTEX_WAIT's kernel re-check (value mismatch) and does not sleep.
     *
     * Blocking and cancellation
     *   Waiters sleep in the Waiter in bounded slices and re-read the word; nothing is left behind on
     *   interrupt or timeout except possibly a WAITERS bit (one unneeded wake). Setters never wait.
     *
     * Progress
     *   set, clear, isSet: lock-free (CAS retry only under concurrent changes). await: blocking.
     */

    private static final int GENERATION_MASK = ~(SET | WAITERS);

    private final String name;
    private final SharedMemory memory;
    private final Waiter waiter;
    private final long sliceNanos;
    private final DomainGuard guard;

    /** Creates an event on {@code memory}, which must hold an event layout. */
    public MappedEvent(String name, SharedMemory memory, Waiter waiter, long sliceNanos, DomainGuard guard) {
        this.name = Objects.requireNonNull(name);
        this.memory = Objects.requireNonNull(memory);
        this.waiter = Objects.requireNonNull(waiter);
        this.sliceNanos = sliceNanos;
        this.guard = Objects.requireNonNull(guard);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean isSet() {
        guard.check();
        return (memory.getIntAcquire(EVENT_WORD_OFFSET) & SET) != 0;
    }

    @Override
    public void set() {
        guard.check();
        while (true) {
            int v = getWordVolatile();
            if ((v & (SET | WAITERS)) == SET) {
                return; // already set and nobody asleep
            }
            int next = (v & SET) != 0
                    ? v & ~WAITERS                                    // set already: just clear a stale flag
                    : ((v & GENERATION_MASK) + GENERATION_ONE) | SET; // new generation, WAITERS cleared
            if (casWord(v, next)) {
                if (CrashPoints.ENABLED) {
                    CrashPoints.reach("event.setCas");
                }
                if ((v & WAITERS) != 0) {
                    waiter.wakeAll(memory, EVENT_WORD_OFFSET);
                }
                return;
            }
        }
    }

    @Override
    public void clear() {
        guard.check();
        memory.getAndBitwiseAndInt(EVENT_WORD_OFFSET, ~SET);
    }

    @Override
    public void await() throws InterruptedException {
        awaitNanos(false, 0L);
    }

    @Override
    public boolean await(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        return awaitNanos(true, Durations.toNanos(timeout));
    }

    @Override
    public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(unit, "unit");
        return awaitNanos(true, unit.toNanos(timeout));
    }

    /**
     * As {@link #await()}, but counting a set that happened after {@code observedWord} was read
     * (with {@link #word()}), even if it happened before this call: for {@link #awaitAsync()},
     * whose wait starts when it is called, and for tests that must fix the start of a wait before
     * a concurrent pulse.
     */
    public void awaitSince(int observedWord) throws InterruptedException {
        awaitFrom(true, observedWord, false, 0L);
    }

    private boolean awaitNanos(boolean timed, long nanos) throws InterruptedException {
        return awaitFrom(false, 0, timed, nanos);
    }

    /** Waits from {@code observedWord} if {@code observed}, else from the word read now. */
    private boolean awaitFrom(boolean observed, int observedWord, boolean timed, long nanos) throws InterruptedException {
        try {
            return awaitFromLoop(observed, observedWord, timed, nanos);
        } catch (InternalError e) { // a fault on a file cut short, raised after the accessor returned
            throw memory.damagedBy(e);
        }
    }

    private boolean awaitFromLoop(boolean observed, int observedWord, boolean timed, long nanos) throws InterruptedException {
        guard.check();
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        int first = observed ? observedWord : getWordVolatile();
        if ((first & SET) != 0 || (observed && (getWordVolatile() & SET) != 0)) {
            return true;
        }
        if (timed && nanos <= 0) {
            return false;
        }
        WaitEvent event = WaitEvent.start();
        if (event == null) {
            return awaitChange(first, timed, nanos);
        }
        String outcome = WaitEvent.FAILED;
        try {
            boolean set = awaitChange(first, timed, nanos);
            outcome = set ? "set" : "timed out";
            return set;
        } finally {
            WaitEvent.end(event, "IpcEvent", name, "await", outcome);
        }
    }

    /** Waits until the flag is set or the generation moves on from that of {@code first}. */
    private boolean awaitChange(int first, boolean timed, long nanos) throws InterruptedException {
        final int generation = first & GENERATION_MASK;
        final long start = System.nanoTime();
        final long deadline = timed ? start + nanos : Long.MAX_VALUE;
        while (true) {
            int v = getWordVolatile();
            if ((v & SET) != 0 || (v & GENERATION_MASK) != generation) {
                return true;
            }
            long now = System.nanoTime();
            if (timed && now - deadline >= 0) {
                return false;
            }
            long waited = now - start;
            boolean sleeping = waiter.willSleep(waited);
            if (sleeping && (v & WAITERS) == 0) {
                if (!casWord(v, v | WAITERS)) {
                    continue;
                }
                v |= WAITERS;
            }
            if (CrashPoints.ENABLED && sleeping) {
                CrashPoints.reach("event.sleeping");
            }
            guard.check();
            long sliceEnd = now + sliceNanos;
            waiter.await(memory, EVENT_WORD_OFFSET, v, deadline - sliceEnd < 0 ? deadline : sliceEnd, waited);
        }
    }

    @Override
    public CompletableFuture<Void> awaitAsync() {
        guard.check();
        CompletableFuture<Void> future = new CompletableFuture<>();
        // The wait starts now, not when the thread below runs: a set that happens in between
        // (even one cleared at once) bumps the generation read here and completes the future.
        final int observed = getWordVolatile();
        if ((observed & SET) != 0) {
            future.complete(null);
            return future;
        }
        Thread thread = Thread.ofVirtual().name("weft-ipc-event-" + name).unstarted(() -> {
            try {
                awaitSince(observed);
                future.complete(null);
            } catch (InterruptedException e) {
                future.cancel(false); // only a cancelled future interrupts this thread
            } catch (Throwable t) {
                future.completeExceptionally(t);
            }
        });
        future.whenComplete((v, t) -> {
            if (future.isCancelled()) {
                thread.interrupt();
            }
        });
        thread.start();
        return future;
    }

    /** The raw event word (for tests and diagnostics). */
    public int word() {
        return getWordVolatile();
    }

    /**
     * Wakes every thread asleep on the event word (this process's virtual threads included), so that
     * they re-check it and their domain's state, without touching the mapping: used when the
     * domain closes ({@link Waiter#wakeAllSleepers}).
     */
    void wakeAllWaiters() {
        Waiter.wakeAllSleepers(memory, EVENT_WORD_OFFSET);
    }

    @Override
    public String toString() {
        if (guard.isClosed() || memory.isClosed()) {
            return "IpcEvent[" + name + ", domain closed]";
        }
        if (memory.isDamaged()) {
            return "IpcEvent[" + name + ", DAMAGED: file cut short]";
        }
        int v = getWordVolatile();
        return "IpcEvent[" + name + ", " + ((v & SET) != 0 ? "set" : "clear") + ", generation "
                + ((v & GENERATION_MASK) >>> 2) + ((v & WAITERS) != 0 ? ", waiters" : "") + "]";
    }

    private int getWordVolatile() {
        return memory.getIntVolatile(EVENT_WORD_OFFSET);
    }

    private boolean casWord(int expected, int value) {
        return memory.casInt(EVENT_WORD_OFFSET, expected, value);
    }
}
