package dev.weft.ipc.queue;

/**
 * Thrown by a {@link TypedQueue} take when its {@link MessageCodec} cannot decode a message. The
 * message has been taken from the queue (it is not delivered to anybody else), so it is handed to
 * the caller here, undecoded, rather than lost: see {@link #undecodedMessage()}.
 *
 * <p>Python's {@code multiprocessing.Queue} drops a message silently when pickling fails in its
 * feeder thread. Weft encodes in the caller's thread, so an encoding failure is thrown by the put
 * itself and nothing is enqueued; a decoding failure is this exception.
 *
 * @since 0.1
 */
public final class MessageCodecException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The raw message (the exception owns this copy). */
    private final byte[] undecoded;

    /**
     * Creates the exception.
     *
     * @param message what failed
     * @param undecodedMessage the raw message that could not be decoded (not copied)
     * @param cause the codec's exception
     */
    public MessageCodecException(String message, byte[] undecodedMessage, Throwable cause) {
        super(message, cause);
        this.undecoded = undecodedMessage;
    }

    /**
     * The raw bytes of the message that could not be decoded.
     *
     * @return a copy of the message
     */
    public byte[] undecodedMessage() {
        return undecoded.clone();
    }
}
