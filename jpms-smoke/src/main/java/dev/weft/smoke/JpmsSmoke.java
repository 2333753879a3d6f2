package dev.weft.smoke;

import dev.weft.core.queue.AsyncQueue;
import dev.weft.core.sync.Event;
import dev.weft.core.sync.LockResult;
import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.event.IpcEvent;
import dev.weft.ipc.lock.IpcLock;
import dev.weft.redis.RedisQueue;
import dev.weft.redis.RedisWeft;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Uses a core and an ipc primitive, and the Redis client up to a refused connection, from a
 * named module, and exits with status 1 if anything is wrong; prints one line on success.
 */
public final class JpmsSmoke {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private JpmsSmoke() {}

    /**
     * Runs the checks.
     *
     * @param args ignored
     * @throws Exception if a check cannot run
     */
    public static void main(String[] args) throws Exception {
        // Everything must have been loaded as named modules, not from the class path.
        check("dev.weft.smoke".equals(JpmsSmoke.class.getModule().getName()), "smoke module name");
        check("dev.weft.core".equals(Event.class.getModule().getName()), "core module name");
        check("dev.weft.ipc".equals(IpcDomain.class.getModule().getName()), "ipc module name");
        check("dev.weft.redis".equals(RedisWeft.class.getModule().getName()), "redis module name");

        // Core: an event set by another thread, and a FIFO queue.
        Event ready = new Event();
        Thread setter = Thread.ofVirtual().start(ready::set);
        check(ready.await(WAIT), "core Event.await");
        setter.join();
        check(ready.isSet(), "core Event.isSet");

        AsyncQueue<String> queue = AsyncQueue.fifo(4);
        queue.put("a");
        queue.put("b");
        check("a".equals(queue.get()) && "b".equals(queue.get()), "core AsyncQueue FIFO order");

        // ipc: a lock and an event in a domain in a temporary directory.
        Path dir = Files.createTempDirectory("weft-jpms-smoke");
        String backend;
        try {
            try (IpcDomain domain = IpcDomain.open(dir)) {
                backend = String.valueOf(domain.waitBackend());
                IpcLock lock = domain.lock("smoke-lock");
                LockResult result = lock.tryAcquireForResult();
                check(result == LockResult.ACQUIRED, "ipc IpcLock.tryAcquireForResult: " + result);
                check(lock.isLocked(), "ipc IpcLock.isLocked");
                lock.release();
                check(!lock.isLocked(), "ipc IpcLock.release");

                IpcEvent done = domain.event("smoke-event");
                Thread ipcSetter = Thread.ofVirtual().start(done::set);
                check(done.await(WAIT), "ipc IpcEvent.await");
                ipcSetter.join();
                check(done.isSet(), "ipc IpcEvent.isSet");
            }
        } finally {
            deleteTree(dir);
        }
        // redis: the client library (Lettuce, Netty, Reactor: automatic modules) loads and runs far
        // enough to try a connection; nothing listens on port 1, so connecting fails fast.
        check(RedisQueue.Settings.of(8).capacity() == 8, "redis RedisQueue.Settings");
        String refused;
        try (RedisWeft unreachable = RedisWeft.connect("redis://127.0.0.1:1")) {
            refused = "connected to " + unreachable.clientId();
        } catch (IllegalStateException expected) {
            refused = expected.getMessage();
        }
        check(refused.startsWith("cannot connect to Redis at 127.0.0.1:1"), "redis RedisWeft.connect: " + refused);

        System.out.println("weft JPMS smoke test passed: dev.weft.core, dev.weft.ipc and dev.weft.redis on the"
                + " module path (ipc wait back-end " + backend + ")");
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            System.err.println("weft JPMS smoke test FAILED: " + what);
            System.exit(1);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
