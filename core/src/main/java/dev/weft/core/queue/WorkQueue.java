package dev.weft.core.queue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A work queue: producers put elements, consumers get them, and each element goes to exactly one
 * consumer. This is the contract that every Weft queue meets, at every scale: between threads
 * ({@link AsyncQueue}), between processes on one host (the ipc queues and their typed views), and
 * between hosts. Code written against {@code WorkQueue} runs unchanged on any of them, so the
 * scale can be chosen later.
 *
 * <p>It is the counterpart of Python's {@code asyncio.Queue} and {@code multiprocessing.Queue};
 * {@link JoinableQueue} adds {@code task_done()}/{@code join()}.
 *
 * <h2>Method forms</h2>
 * <table class="striped">
 *   <caption>The forms of each operation</caption>
 *   <thead>
 *     <tr><th></th><th>Throws</th><th>Special value</th><th>Blocks</th><th>Times out</th>
 *         <th>Asynchronous</th></tr>
 *   </thead>
 *   <tbody>
 *     <tr><th scope="row">Put</th><td>{@link #putNowait(Object) putNowait(e)}</td>
 *         <td>{@link #offer(Object) offer(e)}</td><td>{@link #put(Object) put(e)}</td>
 *         <td>{@link #offer(Object, Duration) offer(e, timeout)}</td>
 *         <td>{@link #putAsync(Object) putAsync(e)}</td></tr>
 *     <tr><th scope="row">Get</th><td>{@link #getNowait() getNowait()}</td>
 *         <td>{@link #poll() poll()}</td><td>{@link #get() get()}</td>
 *         <td>{@link #poll(Duration) poll(timeout)}</td>
 *         <td>{@link #getAsync() getAsync()}</td></tr>
 *   </tbody>
 * </table>
 * "Throws" means {@link QueueFullException} or {@link QueueEmptyException}; "special value" means
 * {@code false} or {@code null}. Every timed form exists with a {@link Duration} and with a
 * {@code (long, TimeUnit)} pair. Shutdown is never reported with a special value: on a shut-down
 * queue every put form, and every get form once nothing is left to get, throws (or completes its
 * future with) {@link QueueShutDownException}, so that a producer or consumer loop cannot spin on
 * it.
 *
 * <h2>What every implementation guarantees</h2>
 * <ul>
 *   <li><b>Exactly one consumer.</b> An element whose put returned (or whose put future completed
 *       normally) is returned by exactly one get, unless an immediate {@link #shutdown(boolean)}
 *       discards it. No element is returned twice to consumers that stay alive, and nothing is
 *       returned that nobody put.</li>
 *   <li><b>Nothing lost or duplicated by giving up.</b> An interrupt, a timeout, or the
 *       cancellation of an asynchronous request either leaves no trace (nothing was put, nothing
 *       was taken) or, if it came too late, leaves the operation complete (the blocking form
 *       returns normally with the interrupt status re-asserted; {@code cancel} returns
 *       {@code false} and the future holds the result). See
 *       {@linkplain dev.weft.core##cancellation the cancellation rules}.</li>
 *   <li><b>Order.</b> Each implementation states its order. FIFO queues return the elements of
 *       one producer in the order it put them; other orders (LIFO, priority) are named by their
 *       factory.</li>
 *   <li><b>Capacity.</b> A bounded queue never holds more than {@link #capacity()} elements; puts
 *       wait (or fail, or time out) while it is full. An unbounded queue's capacity is
 *       {@link Integer#MAX_VALUE} and its puts never wait.</li>
 *   <li><b>Nulls</b> are rejected with {@link NullPointerException}; {@code null} is the
 *       "nothing" of {@link #poll()}.</li>
 *   <li><b>Shutdown</b> follows Python 3.13's {@code Queue.shutdown}: see
 *       {@link #shutdown(boolean)}.</li>
 *   <li><b>Timeouts</b> follow {@linkplain dev.weft.core##timeouts the core rules}: a minimum
 *       wait; {@code <= 0} polls once; the untimed form waits without limit.</li>
 * </ul>
 *
 * <h2>What a cross-process or cross-host implementation may add, and may not weaken</h2>
 * It may add: survival of the elements when a process dies (a put that returned is kept);
 * redelivery of an element whose consumer died before it finished with it (see
 * {@link JoinableQueue}); a fixed capacity and a maximum element size chosen at creation
 * (an element too large is rejected with {@link IllegalArgumentException} before anything is
 * put); {@link #size()} that is an estimate; a handle that can be closed (then every method throws
 * {@link IllegalStateException}, and threads blocked on that handle wake and throw it). It may not
 * weaken the guarantees above for live processes, throw other exceptions for the conditions above,
 * or report shutdown with a special value.
 *
 * <h2>Memory consistency effects</h2>
 * Actions before a put <i>happen-before</i> the actions that follow the get that returns that
 * element, in whichever thread (or process, for a shared-memory queue; for a queue across hosts,
 * the element itself is what is carried). See {@linkplain dev.weft.core##memory the core rules}.
 *
 * <h2>Thread safety</h2>
 * Every method may be called by any number of threads at once, platform or virtual; a waiting
 * virtual thread does not hold its carrier. Futures are completed outside internal locks; see
 * {@linkplain dev.weft.core##callbacks which thread runs callbacks}.
 *
 * {@snippet :
 * // Written once against the contract; the queue may be in-process or shared between processes.
 * static void drain(WorkQueue<String> jobs) throws InterruptedException {
 *     try {
 *         while (true) {
 *             process(jobs.get());          // throws QueueShutDownException once drained
 *         }
 *     } catch (QueueShutDownException finished) {
 *         // every job was processed
 *     }
 * }
 *
 * drain(AsyncQueue.fifo(100));                                       // between threads
 * drain(domain.queue("jobs", 1024, 256).typed(MessageCodec.utf8())); // between processes
 * }
 *
 * @param <E> the type of the elements
 * @see JoinableQueue
 * @since 0.1
 */
public interface WorkQueue<E> {

    /**
     * Puts an element, waiting while the queue is full.
     *
     * <h4>Blocking and cancellation</h4>
     * Returns at once if there is room (or a getter waiting). Otherwise blocks until a get frees
     * room for this element, until the queue is shut down (then throws
     * {@link QueueShutDownException}), or until the thread is interrupted. Spurious wake-ups are
     * absorbed. An interrupt on entry, or while waiting, throws {@link InterruptedException} with
     * the interrupt status cleared and nothing put; if the element had already been taken in when
     * the interrupt came, the method returns normally and re-asserts the interrupt status.
     *
     * @param e the element
     * @throws InterruptedException if interrupted before the element was put
     * @throws QueueShutDownException if the queue is shut down (nothing is put)
     * @throws NullPointerException if {@code e} is {@code null}
     */
    void put(E e) throws InterruptedException;

    /**
     * Puts an element, waiting at most {@code timeout} while the queue is full. Blocks, wakes and
     * reacts to interrupts as {@link #put(Object)}.
     *
     * @param e the element
     * @param timeout the longest wait; zero or negative: do not wait
     * @return {@code true} if the element was put, {@code false} if the queue stayed full until
     *     the timeout elapsed (nothing is put and nothing is left behind)
     * @throws InterruptedException if interrupted before the element was put
     * @throws QueueShutDownException if the queue is shut down (nothing is put)
     * @throws NullPointerException if {@code e} or {@code timeout} is {@code null}
     */
    boolean offer(E e, Duration timeout) throws InterruptedException;

    /**
     * As {@link #offer(Object, Duration)}, with the timeout in {@code unit}s.
     *
     * @param e the element
     * @param timeout the longest wait, in {@code unit}s; zero or negative: do not wait
     * @param unit the unit of {@code timeout}
     * @return {@code true} if put, {@code false} on timeout
     * @throws InterruptedException if interrupted before the element was put
     * @throws QueueShutDownException if the queue is shut down (nothing is put)
     * @throws NullPointerException if {@code e} or {@code unit} is {@code null}
     */
    boolean offer(E e, long timeout, TimeUnit unit) throws InterruptedException;

    /**
     * Puts an element if there is room now; never waits.
     *
     * @param e the element
     * @return {@code true} if put, {@code false} if the queue is full
     * @throws QueueShutDownException if the queue is shut down
     * @throws NullPointerException if {@code e} is {@code null}
     */
    boolean offer(E e);

    /**
     * Puts an element if there is room now, or throws: Python's {@code put_nowait}. Never waits.
     *
     * @param e the element
     * @throws QueueFullException if the queue is full
     * @throws QueueShutDownException if the queue is shut down (checked first, as in Python)
     * @throws NullPointerException if {@code e} is {@code null}
     */
    void putNowait(E e);

    /**
     * Puts an element asynchronously: the returned future completes (with {@code null}) once the
     * element is in the queue, waiting while the queue is full without holding a thread of the
     * caller.
     *
     * <p>Cancelling the future (or completing it any other way, for example with
     * {@link CompletableFuture#orTimeout}) while the put is still pending withdraws it: nothing is
     * put. Once the element is in, {@code cancel} returns {@code false}. The future completes
     * exceptionally with {@link QueueShutDownException} if the queue is, or becomes, shut down
     * before the element is in.
     *
     * @param e the element
     * @return a future completed when the element is in the queue
     * @throws NullPointerException if {@code e} is {@code null}
     */
    CompletableFuture<@Nullable Void> putAsync(E e);

    /**
     * Removes and returns the next element, waiting while there is none.
     *
     * <h4>Blocking and cancellation</h4>
     * Returns at once if an element is ready. Otherwise blocks until an element is handed to this
     * getter, until the queue is shut down and empty (then throws {@link QueueShutDownException};
     * at once after an immediate shutdown), or until the thread is interrupted. Spurious wake-ups
     * are absorbed. An interrupt on entry, or while waiting, throws {@link InterruptedException}
     * with the interrupt status cleared and nothing taken; if an element had already been handed
     * to this getter when the interrupt came, the method returns it and re-asserts the interrupt
     * status, so the element is not lost.
     *
     * @return the element
     * @throws InterruptedException if interrupted before an element was taken
     * @throws QueueShutDownException if the queue is shut down and empty
     */
    E get() throws InterruptedException;

    /**
     * Removes and returns the next element, waiting at most {@code timeout}. Blocks, wakes and
     * reacts to interrupts as {@link #get()}.
     *
     * @param timeout the longest wait; zero or negative: do not wait
     * @return the element, or {@code null} if none came before the timeout elapsed (nothing is
     *     taken and nothing is left behind)
     * @throws InterruptedException if interrupted before an element was taken
     * @throws QueueShutDownException if the queue is shut down and empty
     * @throws NullPointerException if {@code timeout} is {@code null}
     */
    @Nullable E poll(Duration timeout) throws InterruptedException;

    /**
     * As {@link #poll(Duration)}, with the timeout in {@code unit}s.
     *
     * @param timeout the longest wait, in {@code unit}s; zero or negative: do not wait
     * @param unit the unit of {@code timeout}
     * @return the element, or {@code null} on timeout
     * @throws InterruptedException if interrupted before an element was taken
     * @throws QueueShutDownException if the queue is shut down and empty
     * @throws NullPointerException if {@code unit} is {@code null}
     */
    @Nullable E poll(long timeout, TimeUnit unit) throws InterruptedException;

    /**
     * Removes and returns an element if one is ready now; never waits.
     *
     * @return the element, or {@code null} if none is ready
     * @throws QueueShutDownException if the queue is shut down and empty
     */
    @Nullable E poll();

    /**
     * Removes and returns an element if one is ready now, or throws: Python's {@code get_nowait}.
     * Never waits.
     *
     * @return the element
     * @throws QueueEmptyException if none is ready
     * @throws QueueShutDownException if the queue is shut down and empty
     */
    E getNowait();

    /**
     * Gets an element asynchronously: the returned future completes with the next element handed
     * to this request, waiting while there is none without holding a thread of the caller.
     *
     * <p>Cancelling the future (or completing it any other way) while the get is still pending
     * withdraws it: nothing is taken, and the element it would have received goes to another
     * getter. Once an element has been handed over, {@code cancel} returns {@code false} and the
     * future holds the element. Cancel the returned future itself, not a stage derived from it:
     * a derived stage's cancellation does not reach the request. The future completes
     * exceptionally with {@link QueueShutDownException} if the queue is, or becomes, shut down and
     * empty.
     *
     * @return a future completed with the element
     */
    CompletableFuture<E> getAsync();

    /**
     * Shuts the queue down gracefully: {@code shutdown(false)}.
     */
    void shutdown();

    /**
     * Shuts the queue down, for good, as Python 3.13's {@code Queue.shutdown(immediate)}. Every put
     * form fails from then on with {@link QueueShutDownException}, including the puts blocked now,
     * which wake at once. With {@code immediate == false} gets go on returning the elements left in
     * the queue and fail once it is empty (blocked getters wake and fail). With
     * {@code immediate == true} the elements left are discarded and every get fails at once; for a
     * {@link JoinableQueue} the discarded elements no longer count as unfinished tasks. Never
     * blocks; a second call only makes a graceful shutdown immediate. For a queue shared between
     * processes or hosts, the shutdown holds for every participant.
     *
     * @param immediate {@code true} to discard the elements left in the queue
     */
    void shutdown(boolean immediate);

    /**
     * Whether the queue has been shut down (by anyone).
     *
     * @return {@code true} once {@link #shutdown(boolean)} has been called
     */
    boolean isShutdown();

    /**
     * The most elements the queue holds.
     *
     * @return the capacity, or {@link Integer#MAX_VALUE} for an unbounded queue
     */
    int capacity();

    /**
     * The number of elements in the queue: Python's {@code qsize()}. A snapshot (an estimate for a
     * queue shared between processes or hosts) that other threads change at any moment: use it for
     * monitoring, not to decide whether the next put or get will succeed.
     *
     * @return the number of elements, from 0 to {@link #capacity()}
     */
    int size();

    /**
     * Whether the queue holds no element now (a snapshot, as {@link #size()}).
     *
     * @return {@code true} if empty
     */
    boolean isEmpty();

    /**
     * Whether the queue has no room now (a snapshot, as {@link #size()}); always {@code false} for
     * an unbounded queue.
     *
     * @return {@code true} if full
     */
    boolean isFull();
}
