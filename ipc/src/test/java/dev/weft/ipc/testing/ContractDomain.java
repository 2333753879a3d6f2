package dev.weft.ipc.testing;

import dev.weft.ipc.IpcDomain;
import java.io.IOException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * The domain behind a contract suite's factory: opened in a fresh directory on first use, with a
 * new object name for every call of {@link #nextName()}, closed and deleted by {@link #close()}.
 */
public final class ContractDomain implements AutoCloseable {

    private final String prefix;
    private @Nullable Path dir;
    private @Nullable IpcDomain domain;
    private int next;

    /**
     * A domain whose directory name starts with {@code prefix}.
     *
     * @param prefix the directory name prefix
     */
    public ContractDomain(String prefix) {
        this.prefix = prefix;
    }

    /**
     * The domain, opened on the first call.
     *
     * @return the domain
     * @throws IOException if it cannot be opened
     */
    public IpcDomain domain() throws IOException {
        IpcDomain d = domain;
        if (d == null) {
            dir = IpcTesting.newDomainDir(prefix);
            d = domain = IpcTesting.open(dir);
        }
        return d;
    }

    /**
     * A name not used before in this domain.
     *
     * @return the name
     */
    public String nextName() {
        return "contract" + next++;
    }

    @Override
    public void close() throws IOException {
        IpcDomain d = domain;
        Path p = dir;
        domain = null;
        dir = null;
        if (d != null) {
            d.close();
        }
        if (p != null) {
            IpcTesting.deleteTree(p.getParent());
        }
    }
}
