package dev.weft.bench.ipc;

import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.lock.IpcLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Runs N uncontended acquire + release pairs after setting up the lock, for counting system calls
 * with {@code strace -f -c}: compare N = 0 with N = 10,000,000; the difference is what the loop
 * costs in system calls.
 *
 * <p>Run: {@code strace -f -c -o out.txt java --enable-native-access=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar dev.weft.bench.ipc.UncontendedSyscalls 10000000}
 */
public final class UncontendedSyscalls {

    private UncontendedSyscalls() {}

    public static void main(String[] args) throws Exception {
        long n = Long.parseLong(args[0]);
        Path dir = Files.createTempDirectory(Path.of("/dev/shm"), "weft-sys-");
        try (IpcDomain domain = IpcDomain.open(dir.resolve("domain"))) {
            IpcLock lock = domain.lock("l");
            for (long i = 0; i < n; i++) {
                lock.acquire();
                lock.release();
            }
            System.out.println(n + " acquire+release done on " + domain.waitBackend());
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }
}
