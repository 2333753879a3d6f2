package dev.weft.core.internal;

import java.time.Duration;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import java.util.Objects;

/** Conversions of timeouts given as {@link Duration}s or as wall-clock deadlines. */
public final class Durations {

    private Durations() {}

    /**
     * {@code timeout} in nanoseconds, saturated to {@link Long#MIN_VALUE} or {@link Long#MAX_VALUE}
     * where it does not fit (about 292 years), so that a huge timeout means "wait forever" and a
     * huge negative one "do not wait" instead of an {@link ArithmeticException}.
     *
     * @param timeout the timeout
     * @return the timeout in nanoseconds, saturated
     * @throws NullPointerException if {@code timeout} is {@code null}
     */
    public static long toNanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        try {
            return timeout.toNanos();
        } catch (ArithmeticException overflow) {
            return timeout.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /**
     * Nanoseconds from now until the wall-clock {@code deadline}: zero if it has passed (however
     * far in the past, {@code new Date(Long.MIN_VALUE)} included), saturated to
     * {@link Long#MAX_VALUE} if it does not fit.
     *
     * @param deadline the deadline
     * @return the nanoseconds left, never negative
     * @throws NullPointerException if {@code deadline} is {@code null}
     */
    public static long nanosUntil(Date deadline) {
        long at = deadline.getTime();
        long now = System.currentTimeMillis();
        return at <= now ? 0L : TimeUnit.MILLISECONDS.toNanos(at - now); // at > now >= 0: no overflow
    }
}
