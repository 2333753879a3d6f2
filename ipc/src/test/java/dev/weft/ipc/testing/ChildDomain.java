package dev.weft.ipc.testing;

import dev.weft.ipc.IpcDomain;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A test's domain in a fresh temporary directory, opened by this JVM, with the child JVMs the test
 * starts on it; {@link #close()} stops the children, closes the domain and deletes the directory.
 */
public final class ChildDomain implements AutoCloseable {

    private final Path dir;
    private final IpcDomain domain;
    private final List<Child> children = new ArrayList<>();

    private ChildDomain(Path dir, IpcDomain domain) {
        this.dir = dir;
        this.domain = domain;
    }

    /** Opens a domain in a new temporary directory named after {@code prefix}. */
    public static ChildDomain open(String prefix) throws Exception {
        Path dir = IpcTesting.newDomainDir(prefix);
        return new ChildDomain(dir, IpcTesting.open(dir));
    }

    /** The domain directory. */
    public Path dir() {
        return dir;
    }

    /** This JVM's handle on the domain. */
    public IpcDomain domain() {
        return domain;
    }

    /** Starts a child on the domain (see {@link Child#start}); closed with this fixture. */
    public Child child(String label, String crashPoints, String... commands) throws Exception {
        Child c = Child.start(label, dir, crashPoints, commands);
        children.add(c);
        return c;
    }

    @Override
    public void close() throws java.io.IOException {
        for (Child c : children) {
            c.close();
        }
        domain.close();
        IpcTesting.deleteTree(dir.getParent());
    }
}
