package dev.weft.ipc.internal;

/**
 * Layout of a re-entrant lock file ({@code rlock.<name>}): the lock word and statistics exactly as
 * in {@link LockDescriptor} (the same algorithm runs on them), then the owning thread.
 *
 * <pre>
 *   0 ........ 127   header ({@link HeaderDescriptor}), kind = rlock, parameter = 0
 *   128 ...... 131   lock word (int, futex word): {@link LockDescriptor}'s encoding
 *   256 ...... 263   recoveries (long)
 *   384 ...... 387   owner token (int): the token of the process whose thread holds the lock, or 0
 *   392 ...... 399   owner thread (long): {@link Thread#threadId()} of the holding thread, or 0
 *   400 ...... 403   hold count (int): acquisitions by the owner not yet released
 *   ... ...... 4095  zero
 * </pre>
 *
 * <h2>Commit protocol and crash story</h2>
 * The lock word decides who holds the lock. The owner fields are written by the holder after the
 * CAS that took the word and cleared (count, thread, token, in that order) before the store that
 * frees it; they are read only to answer "does the calling thread hold it?", which is true only if
 * the word, the owner token and the owner thread all name the caller. A thread never reads its own
 * id there unless it wrote it since its last release, so stale fields (left by a dead holder, or
 * between the CAS and the owner's writes) never make another thread believe it holds the lock. A
 * holder that dies is recovered through the lock word as in {@link LockDescriptor}; the recoverer
 * then overwrites the owner fields.
 */
public final class RLockDescriptor {

    public static final int LOCK_WORD_OFFSET = LockDescriptor.LOCK_WORD_OFFSET;
    public static final int RECOVERIES_OFFSET = LockDescriptor.RECOVERIES_OFFSET;
    public static final int OWNER_TOKEN_OFFSET;
    public static final int OWNER_THREAD_OFFSET;
    public static final int HOLDS_OFFSET;
    public static final int FILE_LENGTH = LockDescriptor.FILE_LENGTH;

    static {
        int offset = RECOVERIES_OFFSET + HeaderDescriptor.LINE_PAIR;
        OWNER_TOKEN_OFFSET = offset;
        OWNER_THREAD_OFFSET = offset + 8;
        HOLDS_OFFSET = offset + 16;
    }

    private RLockDescriptor() {}
}
