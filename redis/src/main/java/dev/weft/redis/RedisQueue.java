package dev.weft.redis;

import dev.weft.core.internal.Durations;
import dev.weft.core.internal.LinkedFuture;
import dev.weft.core.queue.JoinableQueue;
import dev.weft.core.queue.QueueEmptyException;
import dev.weft.core.queue.QueueFullException;
import dev.weft.core.queue.QueueShutDownException;
import dev.weft.redis.internal.Request;
import dev.weft.redis.internal.Script;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A {@link JoinableQueue} of byte arrays shared by every client of one Redis server, on a Redis
 * stream read through a consumer group: at-least-once delivery, with redelivery of the elements of
 * a consumer that died, delivery counts and a dead-letter stream. Handles come from
 * {@link RedisWeft#queue(String, int)}; {@link #typed(Codec)} gives a view of another element
 * type.
 *
 * <h2>How it maps onto Redis</h2>
 * <ul>
 *   <li><b>put</b> is a Lua script that checks the shutdown flag and the capacity and adds the
 *       element to the stream ({@code XADD}), counting it as queued and unfinished, atomically.
 *       Each put carries an id of its own, and the script leaves a marker key under it for two
 *       minutes: the same put sent again (after a reconnect that lost its reply, or retried after
 *       a command timeout) within that time finds the marker and adds nothing.
 *       The capacity bounds the elements waiting to be got (as for every {@code WorkQueue}), not
 *       the unfinished ones.</li>
 *   <li><b>get</b> is a Lua script that reads the next new element for this handle's consumer
 *       ({@code XREADGROUP}) and, when none is waiting, takes over one element whose consumer has
 *       not marked it done for {@link Settings#redeliverAfter()} ({@code XAUTOCLAIM}). So that
 *       overdue elements are not starved by a steady flow of new ones, each handle's first get
 *       after every quarter of {@code redeliverAfter} looks for an overdue element first. The
 *       element stays in the group's pending list, under this consumer, until
 *       {@code taskDone}.</li>
 *   <li><b>taskDone</b> acknowledges ({@code XACK}, then {@code XDEL}) the oldest element got
 *       through this handle and not yet marked done, and counts one task finished;
 *       {@link #taskDone(Delivery)} names the element.</li>
 *   <li><b>join</b> waits until the queue's unfinished count, kept on the server, is zero: it
 *       waits for the tasks of every client.</li>
 *   <li><b>shutdown</b> sets a flag on the server that every client's next operation sees; every
 *       handle's blocked callers are woken by a notification. An immediate shutdown removes the
 *       elements not yet got and takes them off the unfinished count.</li>
 * </ul>
 *
 * <h2>Crashes and redelivery (at-least-once)</h2>
 * An element got by a consumer that dies, or stops, before marking it done is got again by
 * another consumer once it has been pending for {@link Settings#redeliverAfter()}: never sooner,
 * and, while some live handle keeps calling get (or waits in one, which asks the server every
 * poll interval), no later than {@code redeliverAfter} plus a quarter of it plus one poll
 * interval, as long as at most 100 elements are got and not marked done at once (each look scans
 * up to 100 pending entries, going on from where the last one stopped); order is then not FIFO. {@link Delivery#deliveryCount()} says how
 * many times it has been delivered. An element delivered more than
 * {@link Settings#maxDeliveries()} times is moved to the dead-letter stream
 * ({@link #deadLetterKey()}, fields {@code id}, {@code d} (the bytes) and {@code deliveries}) and
 * counts as finished, so that a poison element cannot block {@code join()} forever. A consumer
 * that was only slow and marks an element done after it was redelivered changes nothing (the task
 * is counted once); the element was then processed twice. Nothing is dropped by a crash: a put
 * that returned is in the stream until it is marked done or dead-lettered (with
 * {@code appendfsync always}, across a server restart too).
 *
 * <h2>Contract notes</h2>
 * <ul>
 *   <li><b>Order:</b> FIFO for new elements (stream order); a redelivered element comes when no
 *       new element is waiting, or at the handle's next look for overdue elements (see above),
 *       whichever is first.</li>
 *   <li><b>taskDone</b> is tied to a get through the same handle: with no element got and not yet
 *       marked done through this handle it throws {@link IllegalStateException}.</li>
 *   <li><b>Cancellation:</b> a waiting put or get that is interrupted, times out, or whose future
 *       is cancelled is withdrawn when no attempt is on the wire; when one is (one round trip),
 *       the withdrawal waits for its reply, and if the element was put or got, the operation
 *       succeeds instead (interrupt status set again, or {@code cancel} returning
 *       {@code false}).</li>
 *   <li><b>Sizes</b> ({@link #size()}, {@link #unfinishedTasks()}) are read from the server: exact
 *       at that instant.</li>
 *   <li>A graceful shutdown makes gets fail once no new element is left; an element still pending
 *       under a live consumer is not waited for.</li>
 * </ul>
 *
 * <h2>Memory consistency effects</h2>
 * The element's bytes are what a put carries to the get that returns it; a {@code taskDone} that
 * brings the count to zero happens-before the return of a {@code join} that it releases (each call
 * waits for the server's reply).
 *
 * <h2>Thread safety</h2>
 * Every method may be called by any number of threads; a waiting virtual thread does not hold its
 * carrier.
 *
 * @since 0.1
 */
public final class RedisQueue implements JoinableQueue<byte[]>, AutoCloseable {

    /**
     * The queue's settings.
     *
     * @param capacity the most elements waiting to be got; {@link Integer#MAX_VALUE} for
     *     unbounded. Fixed when the queue is first created; another handle must use the same.
     * @param redeliverAfter how long an element may stay got and not marked done before another
     *     consumer may take it over (at least 1 ms)
     * @param maxDeliveries how many deliveries an element may have; one more and it goes to the
     *     dead-letter stream (at least 1)
     */
    public record Settings(int capacity, Duration redeliverAfter, int maxDeliveries) {

        /**
         * Checks the settings.
         *
         * @throws IllegalArgumentException if a value is out of range
         */
        public Settings {
            if (capacity < 1) {
                throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
            }
            Objects.requireNonNull(redeliverAfter, "redeliverAfter");
            if (redeliverAfter.toMillis() < 1) {
                throw new IllegalArgumentException("redeliverAfter must be at least 1 ms, got " + redeliverAfter);
            }
            if (maxDeliveries < 1) {
                throw new IllegalArgumentException("maxDeliveries must be at least 1, got " + maxDeliveries);
            }
        }

        /**
         * {@code capacity}, redelivery after 30 s, at most 5 deliveries.
         *
         * @param capacity the capacity
         * @return the settings
         */
        public static Settings of(int capacity) {
            return new Settings(capacity, Duration.ofSeconds(30), 5);
        }

        /**
         * These settings with another redelivery bound.
         *
         * @param after the new bound
         * @return the new settings
         */
        public Settings withRedeliverAfter(Duration after) {
            return new Settings(capacity, after, maxDeliveries);
        }

        /**
         * These settings with another dead-letter threshold.
         *
         * @param deliveries the most deliveries of one element
         * @return the new settings
         */
        public Settings withMaxDeliveries(int deliveries) {
            return new Settings(capacity, redeliverAfter, deliveries);
        }
    }

    /**
     * One delivered element.
     *
     * @param id the stream entry id
     * @param payload the element's bytes
     * @param deliveryCount how many times it has been delivered, this time included (1 the first
     *     time)
     */
    public record Delivery(String id, byte[] payload, long deliveryCount) {}

    private static final String GROUP = "weft";
    private static final byte[] CLAIM_FIRST = RedisWeft.bytes("1");
    private static final byte[] NEW_FIRST = RedisWeft.bytes("0");

    /** KEYS: stream, meta. ARGV: group, capacity. Reply: "OK", or the capacity stored if it differs. */
    private static final Script OPEN = new Script("""
            local cap = redis.call('hget', KEYS[2], 'capacity')
            if cap and cap ~= ARGV[2] then return cap end
            if not cap then redis.call('hset', KEYS[2], 'capacity', ARGV[2]) end
            redis.pcall('xgroup', 'create', KEYS[1], ARGV[1], '0', 'MKSTREAM')
            return 'OK'
            """, ScriptOutputType.VALUE);

    /**
     * KEYS: stream, meta, this put's marker. ARGV: bytes, capacity, items channel, marker lifetime
     * ms. Reply 1 put (now, or by an earlier sending of this put), 0 full, -1 shut down.
     */
    private static final Script PUT = new Script("""
            if redis.call('exists', KEYS[3]) == 1 then return 1 end
            local sd = redis.call('hget', KEYS[2], 'shutdown')
            if sd and sd ~= '0' then return -1 end
            local size = tonumber(redis.call('hget', KEYS[2], 'size') or '0')
            if size >= tonumber(ARGV[2]) then return 0 end
            redis.call('xadd', KEYS[1], '*', 'd', ARGV[1])
            redis.call('hincrby', KEYS[2], 'size', 1)
            redis.call('hincrby', KEYS[2], 'unfinished', 1)
            redis.call('set', KEYS[3], '1', 'PX', ARGV[4])
            redis.call('publish', ARGV[3], '1')
            return 1
            """, ScriptOutputType.INTEGER);

    /**
     * How long the server remembers that a put was done: a put sent again within this time (Lettuce
     * sends a command again after a reconnect when its reply was lost; a waiting put tries again
     * after a command timeout) is not added twice. Two minutes covers a reconnect or a retry; the
     * cost is one small key per put for that long.
     */
    private static final long PUT_MARKER_LIFETIME_MILLIS = TimeUnit.MINUTES.toMillis(2);
    private static final byte[] PUT_MARKER_LIFETIME_ARG = RedisWeft.bytes(Long.toString(PUT_MARKER_LIFETIME_MILLIS));

    /**
     * KEYS: stream, meta, dead letters. ARGV: group, consumer, redeliver-after ms, max deliveries,
     * room channel, done channel, claim first (1/0). Reply {-1} shut down, {0} nothing,
     * {1|2, id, bytes, deliveries}. Takes over an overdue element first when ARGV[7] is 1, and
     * otherwise only when no new element is waiting. A look for overdue elements scans the
     * pending list from where the last look stopped (the cursor), up to 100 entries (10
     * XAUTOCLAIM calls of COUNT 1, each scanning up to 10).
     */
    private static final Script GET = new Script("""
            local sd = redis.call('hget', KEYS[2], 'shutdown')
            if sd == '2' then return {-1} end
            local function claim()
              for i = 1, 10 do
                local cursor = redis.call('hget', KEYS[2], 'cursor') or '0-0'
                local c = redis.call('xautoclaim', KEYS[1], ARGV[1], ARGV[2], ARGV[3], cursor, 'COUNT', 1)
                if c[1] ~= cursor then redis.call('hset', KEYS[2], 'cursor', c[1]) end
                local e = c[2][1]
                if e and ((not e[2]) or (not e[2][2])) then
                  redis.call('xack', KEYS[1], ARGV[1], e[1])
                elseif e then
                  local id = e[1]
                  local p = redis.call('xpending', KEYS[1], ARGV[1], id, id, 1)
                  local n = 1
                  if p[1] then n = tonumber(p[1][4]) end
                  if n <= tonumber(ARGV[4]) then return {2, id, e[2][2], n} end
                  redis.call('xadd', KEYS[3], '*', 'id', id, 'd', e[2][2], 'deliveries', n)
                  redis.call('xack', KEYS[1], ARGV[1], id)
                  redis.call('xdel', KEYS[1], id)
                  local u = redis.call('hincrby', KEYS[2], 'unfinished', -1)
                  if u <= 0 then redis.call('publish', ARGV[6], '0') end
                end
                if c[1] == '0-0' then return nil end
              end
              return nil
            end
            if ARGV[7] == '1' then
              local r = claim()
              if r then return r end
            end
            local r = redis.call('xreadgroup', 'GROUP', ARGV[1], ARGV[2], 'COUNT', 1, 'STREAMS', KEYS[1], '>')
            if r then
              local e = r[1][2][1]
              redis.call('hincrby', KEYS[2], 'size', -1)
              redis.call('publish', ARGV[5], '1')
              return {1, e[1], e[2][2], 1}
            end
            if ARGV[7] ~= '1' then
              local c = claim()
              if c then return c end
            end
            if sd == '1' then return {-1} end
            return {0}
            """, ScriptOutputType.MULTI);

    /**
     * How many times per {@link Settings#redeliverAfter()} a handle that keeps finding new
     * elements looks for overdue ones first: 4 keeps a redelivery within a quarter of the bound
     * of its due time, at one pending-list scan per quarter bound instead of one per get.
     */
    private static final int CLAIMS_PER_REDELIVERY_BOUND = 4;

    /** KEYS: stream, meta. ARGV: group, id, done channel. Reply 1 acknowledged, 0 already settled. */
    private static final Script TASK_DONE = new Script("""
            local n = redis.call('xack', KEYS[1], ARGV[1], ARGV[2])
            if n == 1 then
              redis.call('xdel', KEYS[1], ARGV[2])
              local u = redis.call('hincrby', KEYS[2], 'unfinished', -1)
              if u <= 0 then redis.call('publish', ARGV[3], '0') end
            end
            return n
            """, ScriptOutputType.INTEGER);

    /** KEYS: stream, meta. ARGV: group, immediate (0/1), items, room and done channels. */
    private static final Script SHUTDOWN = new Script("""
            if ARGV[2] == '1' then
              redis.call('hset', KEYS[2], 'shutdown', '2')
              local r = redis.call('xreadgroup', 'GROUP', ARGV[1], '__discard__', 'STREAMS', KEYS[1], '>')
              if r then
                local n = 0
                for _, e in ipairs(r[1][2]) do
                  redis.call('xack', KEYS[1], ARGV[1], e[1])
                  redis.call('xdel', KEYS[1], e[1])
                  n = n + 1
                end
                redis.call('hincrby', KEYS[2], 'unfinished', -n)
              end
              redis.call('xgroup', 'delconsumer', KEYS[1], ARGV[1], '__discard__')
              redis.call('hset', KEYS[2], 'size', 0)
            elseif redis.call('hget', KEYS[2], 'shutdown') ~= '2' then
              redis.call('hset', KEYS[2], 'shutdown', '1')
            end
            redis.call('publish', ARGV[3], 's')
            redis.call('publish', ARGV[4], 's')
            redis.call('publish', ARGV[5], 's')
            return 1
            """, ScriptOutputType.INTEGER);

    private final RedisWeft weft;
    private final String name;
    private final Settings settings;
    private final byte[] streamKey;
    private final byte[] metaKey;
    private final byte[] deadKey;
    private final String itemsChannel;
    private final String roomChannel;
    private final String doneChannel;
    private final String consumer;
    private final byte[] capacityArg;
    private final byte[] redeliverArg;
    private final byte[] maxDeliveriesArg;
    private final long claimIntervalNanos;
    /** When this handle's next get looks for overdue elements before new ones ({@link System#nanoTime()}). */
    private final AtomicLong nextClaimNanos;
    /** Ids got through this handle and not yet marked done, oldest first. */
    private final Deque<String> delivered = new ConcurrentLinkedDeque<>();
    private final Set<Request<?>> pending = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    RedisQueue(RedisWeft weft, String name, Settings settings) {
        this.weft = weft;
        this.name = name;
        this.settings = Objects.requireNonNull(settings, "settings");
        this.streamKey = weft.key("queue", name, "stream");
        this.metaKey = weft.key("queue", name, "meta");
        this.deadKey = weft.key("queue", name, "dead");
        this.itemsChannel = weft.keyName("queue", name, "items");
        this.roomChannel = weft.keyName("queue", name, "room");
        this.doneChannel = weft.keyName("queue", name, "done");
        this.consumer = weft.nextId("c");
        this.capacityArg = RedisWeft.bytes(Integer.toString(settings.capacity()));
        this.redeliverArg = RedisWeft.bytes(Long.toString(settings.redeliverAfter().toMillis()));
        this.maxDeliveriesArg = RedisWeft.bytes(Integer.toString(settings.maxDeliveries()));
        this.claimIntervalNanos = Math.max(1, settings.redeliverAfter().toNanos() / CLAIMS_PER_REDELIVERY_BOUND);
        this.nextClaimNanos = new AtomicLong(System.nanoTime());
        byte[] reply = Request.join(OPEN.<byte[]>run(weft.commands(), new byte[][] {streamKey, metaKey},
                RedisWeft.bytes(GROUP), capacityArg));
        String r = RedisWeft.string(reply);
        if (!r.equals("OK")) {
            throw new IllegalArgumentException("queue '" + name + "' exists with capacity " + r
                    + ", asked for capacity " + settings.capacity());
        }
        weft.signals().subscribe(itemsChannel);
        weft.signals().subscribe(roomChannel);
        weft.signals().subscribe(doneChannel);
    }

    /**
     * A view of this queue whose elements are {@code E}s, encoded by {@code codec}. The view shares
     * this handle (its deliveries, its {@code taskDone} and its close).
     *
     * @param codec the codec
     * @param <E> the element type
     * @return the view
     */
    public <E> TypedRedisQueue<E> typed(Codec<E> codec) {
        return new TypedRedisQueue<>(this, Objects.requireNonNull(codec, "codec"));
    }

    // ---- put ---------------------------------------------------------------------------------------

    /**
     * Puts an element, waiting while the queue is full.
     *
     * <h4>Blocking and cancellation</h4>
     * Returns once the element is in the stream. While the queue is full, blocks until a get in
     * any process frees room (woken by its notification, and asking the server again every poll
     * interval), until the queue is shut down by anyone (then throws
     * {@link QueueShutDownException}), or until the thread is interrupted. An interrupt on entry
     * throws at once, nothing put; an interrupt while waiting withdraws the put (if an attempt is
     * on the wire, after its reply: if that put the element, returns normally with the interrupt
     * status set again).
     *
     * @param e the element
     * @throws InterruptedException if interrupted before the element was put
     * @throws QueueShutDownException if the queue is shut down (nothing is put)
     */
    @Override
    public void put(byte[] e) throws InterruptedException {
        Objects.requireNonNull(e, "e");
        checkOpen();
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        Request.await(putRequest(e));
    }

    @Override
    public boolean offer(byte[] e, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(e, "e");
        return offerNanos(e, Durations.toNanos(timeout));
    }

    @Override
    public boolean offer(byte[] e, long timeout, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(e, "e");
        return offerNanos(e, RedisWeft.timeoutNanos(timeout, unit));
    }

    @Override
    public boolean offer(byte[] e) {
        Objects.requireNonNull(e, "e");
        checkOpen();
        return Request.join(putOnce(e, newPutMarker())) != null;
    }

    @Override
    public void putNowait(byte[] e) {
        if (!offer(e)) {
            throw new QueueFullException("queue '" + name + "' is full (capacity " + settings.capacity() + ")");
        }
    }

    @Override
    public CompletableFuture<@Nullable Void> putAsync(byte[] e) {
        Objects.requireNonNull(e, "e");
        checkOpen();
        return LinkedFuture.map(putRequest(e), b -> null);
    }

    // ---- get ---------------------------------------------------------------------------------------

    /**
     * Gets the next element, waiting while there is none.
     *
     * <h4>Blocking and cancellation</h4>
     * Returns at once if an element is ready (a new one, or one due for redelivery). Otherwise
     * blocks until a put in any process (woken by its notification, and asking the server again
     * every poll interval, which also finds elements that became due for redelivery), until the
     * queue is shut down and has no new element left (then throws
     * {@link QueueShutDownException}), or until the thread is interrupted. An interrupt on entry
     * throws at once, nothing taken; an interrupt while waiting withdraws the get (if an attempt
     * is on the wire, after its reply: if that got an element, returns it with the interrupt status
     * set again).
     *
     * @return the element
     * @throws InterruptedException if interrupted before an element was got
     * @throws QueueShutDownException if the queue is shut down and empty
     */
    @Override
    public byte[] get() throws InterruptedException {
        return getDelivery().payload();
    }

    /**
     * As {@link #get()}, returning the delivery (id and delivery count).
     *
     * @return the delivery
     * @throws InterruptedException if interrupted before an element was got
     * @throws QueueShutDownException if the queue is shut down and empty
     */
    public Delivery getDelivery() throws InterruptedException {
        checkOpen();
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        return Request.await(getRequest());
    }

    /**
     * As {@link #poll(Duration)}, returning the delivery (id and delivery count).
     *
     * @param timeout the longest wait
     * @return the delivery, or {@code null} on timeout
     * @throws InterruptedException if interrupted before an element was got
     * @throws QueueShutDownException if the queue is shut down and empty
     */
    public @Nullable Delivery pollDelivery(Duration timeout) throws InterruptedException {
        return pollNanos(Durations.toNanos(timeout));
    }

    @Override
    public byte @Nullable [] poll(Duration timeout) throws InterruptedException {
        Delivery d = pollNanos(Durations.toNanos(timeout));
        return d == null ? null : d.payload();
    }

    @Override
    public byte @Nullable [] poll(long timeout, TimeUnit unit) throws InterruptedException {
        Delivery d = pollNanos(RedisWeft.timeoutNanos(timeout, unit));
        return d == null ? null : d.payload();
    }

    @Override
    public byte @Nullable [] poll() {
        checkOpen();
        Delivery d = Request.join(getOnce());
        return d == null ? null : d.payload();
    }

    @Override
    public byte[] getNowait() {
        byte[] e = poll();
        if (e == null) {
            throw new QueueEmptyException("queue '" + name + "' is empty");
        }
        return e;
    }

    @Override
    public CompletableFuture<byte[]> getAsync() {
        checkOpen();
        return LinkedFuture.map(getRequest(), Delivery::payload);
    }

    // ---- taskDone and join -------------------------------------------------------------------------

    /**
     * Marks done the oldest element got through this handle and not marked done yet: acknowledges
     * it on the server. One round trip.
     *
     * @throws IllegalStateException if no element got through this handle is left to mark done
     */
    @Override
    public void taskDone() {
        String id = delivered.pollFirst();
        if (id == null) {
            throw new IllegalStateException("taskDone() on queue '" + name
                    + "': no element got through this handle is left to mark done");
        }
        acknowledge(id);
    }

    /**
     * Marks {@code delivery} done.
     *
     * @param delivery an element got through this handle
     * @throws IllegalStateException if it was not got through this handle, or is already marked
     *     done
     */
    public void taskDone(Delivery delivery) {
        if (!delivered.remove(delivery.id())) {
            throw new IllegalStateException("taskDone(" + delivery.id() + ") on queue '" + name
                    + "': not got through this handle, or already marked done");
        }
        acknowledge(delivery.id());
    }

    /**
     * Waits until no unfinished task is left in the queue, counting every client's tasks.
     *
     * <h4>Blocking and cancellation</h4>
     * Returns at once if the count is zero. Otherwise blocks until a {@code taskDone} in any
     * process (or an immediate shutdown, or a dead-lettering) brings it to zero (woken by a
     * notification, and asking again every poll interval), or until the thread is interrupted (an
     * interrupt on entry or while waiting throws {@link InterruptedException} with the status
     * cleared; nothing changes). An element got by a consumer that died is not written off: it is
     * redelivered, and {@code join} waits for it to be marked done (or dead-lettered).
     *
     * @throws InterruptedException if interrupted before the count reached zero
     */
    @Override
    public void join() throws InterruptedException {
        checkOpen();
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        Request.await(joinRequest());
    }

    @Override
    public boolean join(Duration timeout) throws InterruptedException {
        return joinNanos(Durations.toNanos(timeout));
    }

    @Override
    public boolean join(long timeout, TimeUnit unit) throws InterruptedException {
        return joinNanos(RedisWeft.timeoutNanos(timeout, unit));
    }

    /**
     * A future completed when {@link #join()} would return: already complete if no task is
     * unfinished now (this call asks the server once, waiting for the reply). Cancelling it
     * withdraws the wait and changes nothing else.
     *
     * @return the future
     */
    @Override
    public CompletableFuture<@Nullable Void> joinAsync() {
        if (unfinishedTasks() == 0) {
            return CompletableFuture.completedFuture(null);
        }
        return LinkedFuture.map(joinRequest(), b -> null);
    }

    @Override
    public long unfinishedTasks() {
        checkOpen();
        return Math.max(0, hashLong("unfinished"));
    }

    // ---- shutdown and sizes ------------------------------------------------------------------------

    @Override
    public void shutdown() {
        shutdown(false);
    }

    @Override
    public void shutdown(boolean immediate) {
        checkOpen();
        Request.<Long>join(SHUTDOWN.run(weft.commands(), new byte[][] {streamKey, metaKey},
                RedisWeft.bytes(GROUP), RedisWeft.bytes(immediate ? "1" : "0"), RedisWeft.bytes(itemsChannel),
                RedisWeft.bytes(roomChannel), RedisWeft.bytes(doneChannel)));
    }

    @Override
    public boolean isShutdown() {
        checkOpen();
        return hashLong("shutdown") != 0;
    }

    @Override
    public int capacity() {
        return settings.capacity();
    }

    @Override
    public int size() {
        checkOpen();
        return (int) Math.max(0, Math.min(settings.capacity(), hashLong("size")));
    }

    @Override
    public boolean isEmpty() {
        return size() == 0;
    }

    @Override
    public boolean isFull() {
        return size() >= settings.capacity();
    }

    /**
     * The key of the dead-letter stream.
     *
     * @return the key
     */
    public String deadLetterKey() {
        return RedisWeft.string(deadKey);
    }

    /**
     * How many elements are in the dead-letter stream.
     *
     * @return the count
     */
    public long deadLetterCount() {
        checkOpen();
        return Request.join(weft.commands().xlen(deadKey).toCompletableFuture());
    }

    /**
     * The queue's settings (as given to this handle).
     *
     * @return the settings
     */
    public Settings settings() {
        return settings;
    }

    /**
     * The queue's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Closes the handle: its blocked callers wake and throw {@link IllegalStateException}, and its
     * methods throw it from then on. Elements got through it and not marked done stay pending on
     * the server and are redelivered after {@link Settings#redeliverAfter()}. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (Request<?> r : pending) {
            r.fail(new IllegalStateException("queue handle '" + name + "' closed"));
        }
        weft.signals().unsubscribe(itemsChannel);
        weft.signals().unsubscribe(roomChannel);
        weft.signals().unsubscribe(doneChannel);
        weft.unregister(this);
    }

    @Override
    public String toString() {
        return "RedisQueue[" + name + ", capacity " + settings.capacity() + "]";
    }

    // ---- internals -------------------------------------------------------------------------------------

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("queue handle '" + name + "' is closed");
        }
    }

    private long hashLong(String field) {
        byte[] v = Request.join(weft.commands().hget(metaKey, RedisWeft.bytes(field)).toCompletableFuture());
        return v == null ? 0 : Long.parseLong(RedisWeft.string(v));
    }

    private void acknowledge(String id) {
        Request.<Long>join(TASK_DONE.run(weft.commands(), new byte[][] {streamKey, metaKey},
                RedisWeft.bytes(GROUP), RedisWeft.bytes(id), RedisWeft.bytes(doneChannel)));
    }

    /** A new put's marker key: one per put call, kept across its attempts. */
    private byte[] newPutMarker() {
        return weft.key("queue", name, "put:" + weft.nextId("p"));
    }

    /**
     * One attempt of the put whose marker is {@code marker}: an attempt that reaches the server
     * after another attempt of the same put added the element adds nothing and reports it put.
     */
    CompletableFuture<@Nullable Boolean> putOnce(byte[] e, byte[] marker) {
        CompletableFuture<Long> reply = PUT.run(weft.commands(), new byte[][] {streamKey, metaKey, marker}, e,
                capacityArg, RedisWeft.bytes(itemsChannel), PUT_MARKER_LIFETIME_ARG);
        return reply.thenApply(r -> {
            if (r < 0) {
                throw new QueueShutDownException("queue '" + name + "' is shut down");
            }
            return r == 1L ? Boolean.TRUE : null;
        });
    }

    private CompletableFuture<@Nullable Delivery> getOnce() {
        CompletableFuture<List<Object>> reply = GET.run(weft.commands(),
                new byte[][] {streamKey, metaKey, deadKey}, RedisWeft.bytes(GROUP), RedisWeft.bytes(consumer),
                redeliverArg, maxDeliveriesArg, RedisWeft.bytes(roomChannel), RedisWeft.bytes(doneChannel),
                claimDue() ? CLAIM_FIRST : NEW_FIRST);
        return reply.thenApply(list -> {
            long code = (Long) list.get(0);
            if (code < 0) {
                throw new QueueShutDownException("queue '" + name + "' is shut down"
                        + (code == -1 ? " and has no element left" : ""));
            }
            if (code == 0) {
                return null;
            }
            String id = RedisWeft.string((byte[]) list.get(1));
            Delivery d = new Delivery(id, (byte[]) list.get(2), (Long) list.get(3));
            delivered.addLast(id);
            return d;
        });
    }

    /**
     * Whether this get looks for overdue elements before new ones: once per claim interval per
     * handle. NOTE: two gets racing at the due time may both claim first; benign (one more scan).
     */
    private boolean claimDue() {
        long now = System.nanoTime();
        long due = nextClaimNanos.get();
        return now - due >= 0 && nextClaimNanos.compareAndSet(due, now + claimIntervalNanos);
    }

    private boolean offerNanos(byte[] e, long nanos) throws InterruptedException {
        checkOpen();
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (nanos <= 0) {
            return offer(e);
        }
        return Request.await(putRequest(e), nanos) != null;
    }

    private @Nullable Delivery pollNanos(long nanos) throws InterruptedException {
        checkOpen();
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (nanos <= 0) {
            return Request.join(getOnce());
        }
        return Request.await(getRequest(), nanos);
    }

    private boolean joinNanos(long nanos) throws InterruptedException {
        checkOpen();
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (nanos <= 0) {
            return unfinishedTasks() == 0;
        }
        return Request.await(joinRequest(), nanos) != null;
    }

    private Request<Boolean> putRequest(byte[] e) {
        byte[] marker = newPutMarker();
        return request(roomChannel, "put", "put", () -> putOnce(e, marker));
    }

    private Request<Delivery> getRequest() {
        return request(itemsChannel, "get", "taken", this::getOnce);
    }

    private Request<Boolean> joinRequest() {
        return request(doneChannel, "join", "joined", () -> weft.commands().hget(metaKey, RedisWeft.bytes("unfinished"))
                .toCompletableFuture()
                .thenApply(v -> v == null || Long.parseLong(RedisWeft.string(v)) <= 0 ? Boolean.TRUE : null));
    }

    private <T> Request<T> request(String channel, String operation, String outcome,
            Supplier<CompletableFuture<@Nullable T>> attempt) {
        @SuppressWarnings("unchecked")
        Request<T>[] self = (Request<T>[]) new Request<?>[1];
        Runnable listener = () -> self[0].signal();
        Request<T> r = new Request<>(attempt, weft.executor(), weft.timer(), weft.pollNanos(),
                RedisWeft::transientFailure, () -> {
                    weft.signals().remove(channel, listener);
                    pending.remove(self[0]);
                }, new Request.Site("RedisQueue", name, operation, outcome));
        self[0] = r;
        pending.add(r);
        weft.signals().add(channel, listener);
        r.start();
        return r;
    }
}
