package dev.weft.ipc.internal;

/**
 * Layout of the participant registry ({@code registry}) and of its liveness lock file
 * ({@code registry.lck}).
 *
 * <pre>
 *   registry:
 *   0 ........ 127     header ({@link HeaderDescriptor}), kind = registry, parameter = capacity
 *   4096 + 64 i        entry i, for i in [0, capacity)
 *
 *   entry (64 B):
 *   +0   state word (long): generation (high 32 bits) | state (low 8 bits)
 *   +8   pid (long)
 *   +16  process start, epoch ms (long), or -1 if unknown
 *   +24  nonce (long), random per registration, for diagnostics
 *   +32  process start, clock ticks since boot (long, {@link ProcessStart#ticks}), or -1 if unknown
 *   +40  boot id of the kernel the process runs on (two longs, most significant first), or zeros
 *        if unknown; with the ticks, a start that no change of the wall clock alters
 *
 *   registry.lck: byte i is fcntl-locked by the process registered in entry i for as long as it
 *   lives. The kernel drops the lock when the process exits (a zombie included), and the lock
 *   cannot be inherited or survive PID reuse: a successful tryLock of byte i by anybody else proves
 *   that the registrant is gone.
 * </pre>
 *
 * <h2>States</h2>
 * <pre>
 *   FREE(g) --CAS--&gt; CLAIMING(g+1) --fcntl lock taken, CAS--&gt; ACTIVE(g+1) --close--&gt; FREE(g+1)
 *                         |                                    |
 *                         +-- fcntl lock busy: CAS back -------+-- death: stays ACTIVE, fcntl free
 *   ACTIVE(g) or CLAIMING(g) with a free fcntl byte is dead and may be claimed: CAS to CLAIMING(g+1)
 *   while holding the fcntl byte.
 * </pre>
 *
 * <h2>Tokens</h2>
 * A participant's token is {@code (i << 20) | (g & 0xFFFFF)} where the generation's low 20 bits
 * are never 0 (the increment skips it), so a token is never 0 and fits in 30 bits. A token is dead
 * when its entry's generation moved on, when the entry is FREE, or when the fcntl byte is free.
 * Generations wrap after 2^20 reuses of one entry; a dead token could then alias a live one, which
 * needs a million registrations on one entry while the dead token is still held: not guarded.
 */
public final class RegistryDescriptor {

    public static final int CAPACITY = 1024;
    public static final int ENTRIES_OFFSET = 4096;
    public static final int ENTRY_LENGTH = 64;
    public static final int FILE_LENGTH = ENTRIES_OFFSET + CAPACITY * ENTRY_LENGTH;

    public static final int STATE_WORD = 0;
    public static final int PID = 8;
    public static final int START_EPOCH_MS = 16;
    public static final int NONCE = 24;
    public static final int START_TICKS = 32;
    public static final int BOOT_ID = 40;

    public static final int FREE = 0;
    public static final int CLAIMING = 1;
    public static final int ACTIVE = 2;

    public static final int TOKEN_INDEX_SHIFT = 20;
    public static final int TOKEN_GENERATION_MASK = (1 << TOKEN_INDEX_SHIFT) - 1;

    private RegistryDescriptor() {}

    public static int entryOffset(int index) {
        return ENTRIES_OFFSET + index * ENTRY_LENGTH;
    }

    public static long word(int generation, int state) {
        return ((long) generation << 32) | state;
    }

    public static int generation(long word) {
        return (int) (word >>> 32);
    }

    public static int state(long word) {
        return (int) (word & 0xFF);
    }

    /** The generation after {@code g}, skipping values whose low 20 bits are 0. */
    public static int nextGeneration(int g) {
        int n = g + 1;
        if ((n & TOKEN_GENERATION_MASK) == 0) {
            n++;
        }
        return n;
    }

    public static int token(int index, int generation) {
        return (index << TOKEN_INDEX_SHIFT) | (generation & TOKEN_GENERATION_MASK);
    }

    public static int tokenIndex(int token) {
        return token >>> TOKEN_INDEX_SHIFT;
    }

    public static int tokenGeneration(int token) {
        return token & TOKEN_GENERATION_MASK;
    }
}
