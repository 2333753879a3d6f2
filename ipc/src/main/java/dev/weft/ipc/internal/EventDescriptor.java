package dev.weft.ipc.internal;

/**
 * Layout of an event file ({@code event.<name>}): the common header, then the event word alone on
 * its cache-line pair.
 *
 * <pre>
 *   0 ........ 127   header ({@link HeaderDescriptor}), kind = event, parameter = 0
 *   128 ...... 131   event word (int, futex word)
 *   ... ...... 4095  zero
 * </pre>
 *
 * <h2>Event word</h2>
 * <pre>
 *    31 ............................. 2   1   0
 *   +----------------------------------+---+---+
 *   |        generation (30 bits)      | W |SET|
 *   +----------------------------------+---+---+
 * </pre>
 * {@code SET} is the flag. {@code W} says that some process may sleep on the word. Every
 * {@code set()} that changes the flag from clear to set increments the generation (and clears
 * {@code W}) in one CAS, so a waiter that saw generation {@code g} and later sees another
 * generation knows a {@code set()} happened in between, even if a {@code clear()} followed: a
 * set-then-clear pulse is never lost.
 *
 * <h2>Crash story</h2>
 * The event has no owner. A setter that dies between its CAS and its wake leaves sleepers that
 * notice within their sleep slice; a waiter that dies leaves at most a stale {@code W}, costing one
 * unneeded wake system call. Nothing ever waits for a waiter (Python's {@code Event.set()} does).
 */
public final class EventDescriptor {

    public static final int EVENT_WORD_OFFSET;
    public static final int FILE_LENGTH;

    public static final int SET = 1;
    public static final int WAITERS = 2;
    /** One generation step. */
    public static final int GENERATION_ONE = 4;

    static {
        EVENT_WORD_OFFSET = HeaderDescriptor.HEADER_LENGTH;
        FILE_LENGTH = 4096;
    }

    private EventDescriptor() {}
}
