package dev.weft.ipc.internal;

/**
 * The open/closed state of a domain handle, checked by its objects before each operation.
 */
public final class DomainGuard {

    private volatile boolean closed;
    private final String description;

    public DomainGuard(String description) {
        this.description = description;
    }

    /** A guard that is never closed (for tests that build objects directly). */
    public static DomainGuard alwaysOpen() {
        return new DomainGuard("standalone");
    }

    /** @throws IllegalStateException if closed */
    public void check() {
        if (closed) {
            throw new IllegalStateException("ipc domain " + description + " is closed");
        }
    }

    public boolean isClosed() {
        return closed;
    }

    void close() {
        closed = true;
    }
}
