package dev.weft.ipc.internal;

/**
 * Who is this participant, and is another one gone for good?
 *
 * <p>The domain's implementation is {@link Registry}; the jcstress tests use stand-ins in which
 * threads play processes.
 */
public interface Liveness {

    /** This participant's token: 30 bits, never 0. */
    int token();

    /**
     * Whether the participant with {@code token} is certainly gone (it exited, was killed, or
     * closed its domain). Never true for a live process, however long it is stopped or paused; may
     * be false for a dead one whose death is not yet provable (the caller asks again later).
     */
    boolean isDead(int token);

    /** A short description of the participant, for diagnostics (e.g. its pid). */
    String describe(int token);
}
