package dev.weft.core.time;

import java.util.Locale;

/** Formats nanosecond spans for exception messages and {@code toString()}. */
final class Durations {

    private Durations() {}

    /**
     * Describes a span, e.g. {@code 100 ms}, {@code 2.35 ms}, {@code 1.5 s}, {@code 820 us}.
     *
     * @param nanos the span in nanoseconds; negative spans are described by their size
     * @return a short description
     */
    static String describe(long nanos) {
        long n = nanos == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(nanos);
        if (n < 1_000L) {
            return n + " ns";
        }
        if (n < 1_000_000L) {
            return trim(n / 1e3) + " us";
        }
        if (n < 1_000_000_000L) {
            return trim(n / 1e6) + " ms";
        }
        return trim(n / 1e9) + " s";
    }

    /**
     * Describes a time relative to now: {@code in 95 ms} or {@code passed 3 ms ago}.
     *
     * @param nanosFromNow the time from now (negative: in the past)
     * @return a short description
     */
    static String describeSigned(long nanosFromNow) {
        return nanosFromNow >= 0 ? "in " + describe(nanosFromNow) : "passed " + describe(nanosFromNow) + " ago";
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.3g", v);
        if (s.contains(".") && !s.contains("e")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s;
    }
}
