package dev.weft.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * One waiter of a blocking primitive: a parked thread or a {@link CompletableFuture}, with one
 * status word that moves once from {@link #WAITING} to {@link #GRANTED} or {@link #CANCELLED}.
 * Primitives subclass it to add their own links and payload (a weight, an item) and wait on it
 * with {@link WaitEngine#await}.
 *
 * <p>The node is itself a {@code CompletableFuture}, so that a primitive whose asynchronous form
 * hands out the waiter as the caller's future needs one object per request, not two (such a
 * primitive overrides the completing methods to withdraw the request first). A thread waiter, or
 * the node of a primitive that keeps a future of its own, never uses that part.
 *
 * <p>The cancellation rule lives here: {@link #grant()} and {@link #cancel()} are one
 * compare-and-set each on the status word, so when a grant races a give-up (interrupt, timeout,
 * cancel of the future) exactly one of them wins, and the loser knows it. A primitive that
 * serializes its transitions under its own lock may still use them; they then always succeed
 * from {@code WAITING}.
 *
 * <p>Not API: exported only to Weft's own modules.
 */
public class WaitNode<T> extends CompletableFuture<T> {

    /*
     * Memory ordering. status: volatile, changed only by CAS (grant, cancel). A grant is a
     * release: what the granting thread did before it happens-before what the waiter does after
     * reading GRANTED. parked: volatile; with status it forms a Dekker pair: the waiter writes
     * parked = true, then reads status (and whatever the primitive's readiness test reads); the
     * granter writes status, then reads parked. Sequential consistency of volatiles guarantees
     * that at least one of them sees the other's write, so a granter skips the unpark only when
     * the waiter is certain to see the grant before it parks.
     *
     * Layout: a thread node carries the CompletableFuture's two reference fields (result, stack)
     * unused; with compressed oops that is one 8-byte word more than a node that is no future.
     */

    /** Waiting; the initial status. */
    public static final int WAITING = 0;
    /** Granted: the waiter owns what it waited for. Terminal. */
    public static final int GRANTED = 1;
    /** Given up by the waiter (interrupt, timeout, cancel). Terminal. */
    public static final int CANCELLED = 2;

    /** The waiting thread; null for an asynchronous waiter (or a sentinel). */
    public final @Nullable Thread thread;

    private volatile int status;
    private volatile boolean parked;

    /** A waiter for the current thread. */
    protected WaitNode() {
        this.thread = Thread.currentThread();
    }

    /**
     * A waiter for {@code thread} (the current thread), or, if null, an asynchronous waiter that
     * is its own future, or a sentinel that nobody waits on.
     */
    protected WaitNode(@Nullable Thread thread) {
        this.thread = thread;
    }

    /** The status: {@link #WAITING}, {@link #GRANTED} or {@link #CANCELLED}. */
    public final int status() {
        return status;
    }

    /** Whether the status is still {@link #WAITING}. */
    public final boolean isWaiting() {
        return status == WAITING;
    }

    /**
     * Moves the status from WAITING to GRANTED; the caller then tells the waiter with
     * {@link #signal()} (a thread) or by completing the future, outside any lock.
     *
     * @return whether this call granted (false: already granted or cancelled)
     */
    public final boolean grant() {
        return STATUS.compareAndSet(this, WAITING, GRANTED);
    }

    /**
     * Moves the status from WAITING to CANCELLED: the waiter gives up.
     *
     * @return whether this call cancelled (false: already granted, or cancelled before)
     */
    public final boolean cancel() {
        return STATUS.compareAndSet(this, WAITING, CANCELLED);
    }

    /** Whether the waiting thread has announced that it parks (or is about to). */
    public final boolean isParked() {
        return parked;
    }

    /**
     * Unparks the waiting thread if it announced that it parks; a no-op for a future waiter.
     * Call after the change the waiter waits for (a grant, or state its readiness test reads).
     */
    public final void signal() {
        Thread t = thread;
        if (t != null && parked) {
            LockSupport.unpark(t);
        }
    }

    /**
     * If the waiting thread announced that it parks, clears the announcement and returns the
     * thread, to be unparked by the caller: the waiter counts as woken, so later callers need not
     * unpark it again until it announces parking once more.
     *
     * @return the thread to unpark, or null
     */
    public final @Nullable Thread takeParked() {
        Thread t = thread;
        if (t != null && parked) {
            parked = false;
            return t;
        }
        return null;
    }

    /** Announces (or withdraws) parking; the waiting thread only, see {@link WaitEngine}. */
    final void setParked(boolean p) {
        parked = p;
    }

    private static final VarHandle STATUS;

    static {
        try {
            STATUS = MethodHandles.lookup().findVarHandle(WaitNode.class, "status", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        // Load LockSupport now rather than inside the first park (JDK-8074773).
        Class<?> ensureLoaded = LockSupport.class;
    }
}
