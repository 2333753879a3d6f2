package dev.weft.redis.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The Redis server of the tests: started once per test JVM from the binary carried by the
 * embedded-redis artifact (no Docker, no download), on a free loopback port, with
 * {@code appendonly yes} and {@code appendfsync always} so that a restart keeps every write that
 * was acknowledged. Its pid is recorded; it is killed by a shutdown hook and when the test run
 * ends (JUnit closes the root store), so no server outlives the build.
 *
 * <p>With {@code -Dweft.redis.uri=redis://host:port} the suites run against that server instead,
 * and {@link #restart()} is not available.
 */
public final class TestRedis implements BeforeAllCallback {

    /** The system property naming an external server. */
    public static final String URI_PROPERTY = "weft.redis.uri";

    private static final String BINARY = "redis-server-6.2.6-v5-linux-amd64";
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static Server server;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        LOCK.lock();
        try {
            if (server == null && System.getProperty(URI_PROPERTY) == null) {
                server = Server.start();
                Runtime.getRuntime().addShutdownHook(new Thread(TestRedis::stopQuietly));
                context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                        .put("weft-redis-server", (AutoCloseable) TestRedis::stopQuietly);
            }
        } finally {
            LOCK.unlock();
        }
    }

    /**
     * The URI of the server.
     *
     * @return the URI
     */
    public static String uri() {
        String external = System.getProperty(URI_PROPERTY);
        if (external != null) {
            return external;
        }
        if (server == null) {
            throw new IllegalStateException("no test server: add @ExtendWith(TestRedis.class)");
        }
        return "redis://127.0.0.1:" + server.port;
    }

    /**
     * Whether the tests started the server themselves (and so can restart it).
     *
     * @return {@code true} for the embedded server
     */
    public static boolean embedded() {
        return System.getProperty(URI_PROPERTY) == null;
    }

    /**
     * A name no other test uses.
     *
     * @param base a readable prefix
     * @return the name
     */
    public static String unique(String base) {
        return base + "-" + UUID.randomUUID();
    }

    /**
     * Kills the server with SIGKILL (nothing flushed beyond what {@code appendfsync always}
     * already wrote) and starts it again on the same port and data directory.
     *
     * @throws Exception if it cannot be restarted
     */
    public static void restart() throws Exception {
        LOCK.lock();
        try {
            server.kill();
            server = Server.startIn(server.dir, server.port, server.binary);
        } finally {
            LOCK.unlock();
        }
    }

    /**
     * The server's process id (for tests that report it).
     *
     * @return the pid, or -1 for an external server
     */
    public static long pid() {
        return server == null ? -1 : server.process.pid();
    }

    private static void stopQuietly() {
        LOCK.lock();
        try {
            if (server != null) {
                server.kill();
                server = null;
            }
        } finally {
            LOCK.unlock();
        }
    }

    private record Server(Process process, int port, Path dir, Path binary) {

        static Server start() throws Exception {
            Path dir = Files.createTempDirectory("weft-redis-test");
            Path binary = dir.resolve(BINARY);
            try (InputStream in = TestRedis.class.getResourceAsStream("/" + BINARY)) {
                if (in == null) {
                    throw new IllegalStateException("the embedded-redis jar (with " + BINARY
                            + ") is not on the test class path");
                }
                Files.copy(in, binary, StandardCopyOption.REPLACE_EXISTING);
            }
            if (!binary.toFile().setExecutable(true)) {
                throw new IOException("cannot make " + binary + " executable");
            }
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            return startIn(dir, port, binary);
        }

        static Server startIn(Path dir, int port, Path binary) throws Exception {
            List<String> cmd = new ArrayList<>(List.of(binary.toString(),
                    "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
                    "--appendonly", "yes", "--appendfsync", "always", "--dir", dir.toString(),
                    "--daemonize", "no", "--protected-mode", "no", "--loglevel", "warning"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            CompletableFuture<Void> ready = new CompletableFuture<>();
            StringBuilder log = new StringBuilder();
            Thread.ofPlatform().daemon().name("redis-server-log").start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        if (!ready.isDone()) {
                            log.append(line).append('\n');
                        }
                        if (line.contains("Ready to accept connections")) {
                            ready.complete(null);
                        }
                    }
                } catch (IOException ignored) {
                    // the server died
                }
                ready.completeExceptionally(new IllegalStateException("redis-server exited: " + log));
            });
            // loglevel warning still prints the ready line? If not, probe the port.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!ready.isDone()) {
                try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                    s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                    byte[] buf = new byte[64];
                    int n = s.getInputStream().read(buf);
                    String reply = n > 0 ? new String(buf, 0, n, StandardCharsets.US_ASCII) : "";
                    if (reply.startsWith("+PONG")) {
                        break;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                if (System.nanoTime() > deadline || !p.isAlive()) {
                    p.destroyForcibly();
                    throw new IllegalStateException("redis-server did not start on port " + port + ": " + log);
                }
                Thread.sleep(20); // polls the port until the server answers; orders no test event
            }
            if (ready.isCompletedExceptionally()) {
                ready.join();
            }
            return new Server(p, port, dir, binary);
        }

        void kill() {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
