package dev.weft.core.internal;

import java.time.Duration;
import java.util.Objects;

/** Conversions of timeouts given as {@link Duration}s. */
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
}
