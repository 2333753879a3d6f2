package dev.weft.ipc.testing;

import dev.weft.ipc.IpcDomain;
import java.nio.file.Path;

/** Child program: opens a domain with default options and prints the selected wait back-end. */
public final class BackendProbe {

    private BackendProbe() {}

    public static void main(String[] args) throws Exception {
        try (IpcDomain domain = IpcDomain.open(Path.of(args[0]))) {
            domain.lock("probe").acquire();
            domain.lock("probe").release();
            System.out.println("BACKEND " + domain.waitBackend());
        }
    }
}
