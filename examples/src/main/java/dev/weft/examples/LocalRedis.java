package dev.weft.examples;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * A Redis server for the Redis example, so that it runs with nothing installed: the Linux x86-64
 * binary carried by the embedded-redis artifact, started on a free loopback port with
 * {@code appendfsync always}, and killed when the example ends (or the JVM exits). With
 * {@code -Dweft.redis.uri=redis://host:port} the example uses that server instead.
 */
final class LocalRedis implements AutoCloseable {

    private static final String BINARY = "redis-server-6.2.6-v5-linux-amd64";

    private final Process process;
    private final Path dir;
    private final String uri;
    private final Thread hook;

    private LocalRedis(Process process, Path dir, String uri) {
        this.process = process;
        this.dir = dir;
        this.uri = uri;
        this.hook = new Thread(process::destroyForcibly);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** The server named by {@code -Dweft.redis.uri}, or a new local one. */
    static LocalRedis startOrExternal() throws IOException {
        String external = System.getProperty("weft.redis.uri");
        if (external != null) {
            return new LocalRedis(null, null, external);
        }
        Path dir = Files.createTempDirectory("weft-example-redis");
        Path binary = dir.resolve(BINARY);
        try (InputStream in = LocalRedis.class.getResourceAsStream("/" + BINARY)) {
            if (in == null) {
                throw new IllegalStateException("no Redis server binary on the class path (embedded-redis)");
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
        Process p = new ProcessBuilder(List.of(binary.toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes", "--appendfsync", "always",
                "--dir", dir.toString(), "--daemonize", "no", "--loglevel", "warning"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        LocalRedis server = new LocalRedis(p, dir, "redis://127.0.0.1:" + port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!answers(port)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                server.close();
                throw new IllegalStateException("the local Redis server did not start");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        return server;
    }

    private static boolean answers(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] buf = new byte[16];
            int n = s.getInputStream().read(buf);
            return n > 0 && new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    String uri() {
        return uri;
    }

    @Override
    public void close() throws IOException {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException exiting) {
            // the JVM is exiting: the hook runs anyway
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
