package dev.weft.ipc;

import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Settings for {@link IpcDomain#open(java.nio.file.Path, IpcOptions)}: immutable; build with
 * {@link #builder()}.
 *
 * {@snippet :
 * IpcOptions options = IpcOptions.builder()
 *         .livenessSlice(Duration.ofMillis(50))
 *         .waitBackend(WaitBackend.BACKOFF)
 *         .build();
 * }
 *
 * @since 0.1
 */
public final class IpcOptions {

    private static final IpcOptions DEFAULTS = builder().build();

    private final Duration livenessSlice;
    private final WaitBackend waitBackend;
    private final Duration maxPark;
    private final Duration spin;
    private final Set<PosixFilePermission> filePermissions;

    private IpcOptions(Builder b) {
        this.livenessSlice = b.livenessSlice;
        this.waitBackend = b.waitBackend;
        this.maxPark = b.maxPark;
        this.spin = b.spin;
        this.filePermissions = Set.copyOf(b.filePermissions);
    }

    /**
     * The defaults: 100 ms liveness slice, {@link WaitBackend#AUTO}, 1 ms maximum park, 20 µs spin, owner-only
     * files ({@code rw-------}; directories {@code rwx------}).
     *
     * @return the default options
     */
    public static IpcOptions defaults() {
        return DEFAULTS;
    }

    /**
     * A builder starting from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * How long a waiter waits on an unchanged holder before probing whether it died; bounds how
     * long a dead holder's lock stays unrecovered while someone waits for it.
     *
     * @return the slice
     */
    public Duration livenessSlice() {
        return livenessSlice;
    }

    /**
     * The requested wait back-end.
     *
     * @return the back-end
     */
    public WaitBackend waitBackend() {
        return waitBackend;
    }

    /**
     * The longest single park of the {@link WaitBackend#BACKOFF} back-end.
     *
     * @return the maximum park
     */
    public Duration maxPark() {
        return maxPark;
    }

    /**
     * How long a waiting platform thread spins and yields before it sleeps. Spinning catches a peer
     * that answers within that time without the cost of a sleep and wake-up (several microseconds);
     * it burns CPU only while waiting. Virtual threads never spin.
     *
     * @return the spin time
     */
    public Duration spin() {
        return spin;
    }

    /**
     * Permissions of the files the domain creates; directories get the same plus the matching
     * execute bits. They are set exactly (the umask does not narrow them), on the new file or
     * directory itself.
     *
     * <p>They also bound what an existing domain may be, since it could have been prepared by
     * someone else: a directory or file is refused ({@link IpcFormatException}) if any of its group
     * or other permission bits is not among these (for the directory, these plus the matching
     * execute bits), and if it belongs to another user while these permissions give neither the
     * group nor others access. Granting the group or others access shares the domain with those
     * users on purpose, so then any owner is accepted. Narrower modes are always accepted. With the
     * default, owner-only permissions, only directories and files of this process's user with no
     * group or other bits at all are used.
     *
     * @return the permissions
     */
    public Set<PosixFilePermission> filePermissions() {
        return filePermissions;
    }

    @Override
    public String toString() {
        return "IpcOptions[livenessSlice=" + livenessSlice + ", waitBackend=" + waitBackend
                + ", maxPark=" + maxPark + ", spin=" + spin + ", filePermissions=" + filePermissions + "]";
    }

    /** Builds {@link IpcOptions}; not thread-safe. */
    public static final class Builder {
        private Duration livenessSlice = Duration.ofMillis(100);
        private WaitBackend waitBackend = WaitBackend.AUTO;
        private Duration maxPark = Duration.ofMillis(1);
        private Duration spin = Duration.ofNanos(Long.getLong("weft.ipc.spinNanos", 20_000));
        private Set<PosixFilePermission> filePermissions =
                EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

        private Builder() {}

        /**
         * Sets the liveness slice (default 100 ms).
         *
         * @param slice between 1 ms and 1 minute
         * @return this builder
         */
        public Builder livenessSlice(Duration slice) {
            Objects.requireNonNull(slice, "slice");
            if (slice.compareTo(Duration.ofMillis(1)) < 0 || slice.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("livenessSlice must be between 1 ms and 1 min, was " + slice);
            }
            this.livenessSlice = slice;
            return this;
        }

        /**
         * Sets the wait back-end (default {@link WaitBackend#AUTO}).
         *
         * @param backend the back-end
         * @return this builder
         */
        public Builder waitBackend(WaitBackend backend) {
            this.waitBackend = Objects.requireNonNull(backend, "backend");
            return this;
        }

        /**
         * Sets the longest park of the back-off back-end (default 1 ms).
         *
         * @param maxPark between 1 µs and 1 s
         * @return this builder
         */
        public Builder maxPark(Duration maxPark) {
            Objects.requireNonNull(maxPark, "maxPark");
            if (maxPark.compareTo(Duration.ofNanos(1_000)) < 0 || maxPark.compareTo(Duration.ofSeconds(1)) > 0) {
                throw new IllegalArgumentException("maxPark must be between 1 µs and 1 s, was " + maxPark);
            }
            this.maxPark = maxPark;
            return this;
        }

        /**
         * Sets how long a waiting platform thread spins before sleeping (default 20 µs, or the
         * system property {@code weft.ipc.spinNanos}).
         *
         * @param spin zero (sleep at once) up to 1 ms
         * @return this builder
         */
        public Builder spin(Duration spin) {
            Objects.requireNonNull(spin, "spin");
            if (spin.isNegative() || spin.compareTo(Duration.ofMillis(1)) > 0) {
                throw new IllegalArgumentException("spin must be between 0 and 1 ms, was " + spin);
            }
            this.spin = spin;
            return this;
        }

        /**
         * Sets the permissions of created files (default owner read and write only), which also
         * bound the owner and mode of an existing domain ({@link IpcOptions#filePermissions()}).
         * Must include {@code OWNER_READ} and {@code OWNER_WRITE}.
         *
         * @param permissions the permissions
         * @return this builder
         */
        public Builder filePermissions(Set<PosixFilePermission> permissions) {
            Objects.requireNonNull(permissions, "permissions");
            if (!permissions.contains(PosixFilePermission.OWNER_READ)
                    || !permissions.contains(PosixFilePermission.OWNER_WRITE)) {
                throw new IllegalArgumentException("filePermissions must include OWNER_READ and OWNER_WRITE, was "
                        + permissions);
            }
            this.filePermissions = EnumSet.copyOf(permissions);
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         */
        public IpcOptions build() {
            return new IpcOptions(this);
        }
    }
}
