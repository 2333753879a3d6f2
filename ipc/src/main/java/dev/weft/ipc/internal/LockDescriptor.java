package dev.weft.ipc.internal;

/**
 * Layout of a lock file ({@code lock.<name>}): the common header, then the lock word alone on its
 * cache-line pair, then statistics.
 *
 * <pre>
 *   0 ........ 127   header ({@link HeaderDescriptor}), kind = lock, parameter = 0
 *   128 ...... 131   lock word (int, futex word)
 *   256 ...... 263   recoveries: times a waiter took the lock from a dead owner (long)
 *   ... ...... 4095  zero
 * </pre>
 *
 * <h2>Lock word</h2>
 * <pre>
 *    31  30  29 ................................ 0
 *   +---+---+------------------------------------+
 *   | W | 0 |           owner token              |
 *   +---+---+------------------------------------+
 * </pre>
 * 0 means free. Otherwise the low 30 bits are the holder's participant token (never 0, see
 * {@link RegistryDescriptor}) and {@code W} says that some process may be asleep on the word, so
 * the releaser must issue a wake.
 *
 * <h2>Commit protocol and crash story</h2>
 * The acquirer's token enters the word in the same CAS that takes the lock, so there is no instant
 * at which the lock is held by nobody-knows-whom. If the holder dies (anywhere), its token stays in
 * the word; a waiter whose liveness probe proves the token dead takes the lock with one CAS from
 * the exact dead value to its own token and reports {@code OWNER_DIED}. A releaser that dies after
 * clearing the word but before waking leaves sleepers that notice within their sleep slice. A
 * waiter that dies leaves at most a stale {@code W}: one unneeded wake. A recoverer that dies after
 * its CAS is simply the new dead owner.
 */
public final class LockDescriptor {

    public static final int LOCK_WORD_OFFSET;
    public static final int RECOVERIES_OFFSET;
    public static final int FILE_LENGTH;

    /** Sleeper flag of the lock word. */
    public static final int WAITERS = 1 << 31;
    /** Mask of the owner token in the lock word. */
    public static final int OWNER_MASK = (1 << 30) - 1;

    static {
        int offset = HeaderDescriptor.HEADER_LENGTH;
        LOCK_WORD_OFFSET = offset;
        offset += HeaderDescriptor.LINE_PAIR;
        RECOVERIES_OFFSET = offset;
        FILE_LENGTH = 4096;
    }

    private LockDescriptor() {}
}
