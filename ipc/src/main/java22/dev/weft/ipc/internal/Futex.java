package dev.weft.ipc.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Optional;

/**
 * The Linux {@code futex(2)} binding through the Foreign Function and Memory API (Java 22+).
 *
 * <p>Binds libc's variadic {@code syscall(long number, ...)} and issues {@code FUTEX_WAIT} (0) and
 * {@code FUTEX_WAKE} (1) <em>without</em> {@code FUTEX_PRIVATE_FLAG}, so a wake in one process
 * reaches a waiter in another: the kernel keys shared futexes by the physical page.
 *
 * <p>Availability: Linux on x86_64 ({@code SYS_futex} = 202) or aarch64 (98), and native access
 * granted to the module that holds this class ({@code --enable-native-access=ALL-UNNAMED} on the
 * class path, {@code =dev.weft.ipc} on the module path). The check reads
 * {@link Module#isNativeAccessEnabled()} <em>before</em> touching any restricted method, so a JVM
 * that did not grant native access prints no warning: it simply gets the back-off back-end.
 *
 * <p>Calls use a per-thread scratch area (the {@code timespec} and the captured {@code errno}),
 * allocated once per thread, so a wait allocates nothing. {@code Linker.Option.critical} is not
 * used: a futex wait can block for long.
 *
 * <p>The address is a raw number, not a segment, so an arena closed by another thread (the domain's
 * last handle closing, which unmaps its files) does not stop a call in flight. Such a call faults
 * ({@code EFAULT}) or, if the range was mapped again meanwhile, reads an unrelated word; both are
 * harmless. A fault is reported as {@link #MISMATCH} by {@code await} and as no waiter woken by
 * {@code wake}, and the caller's next read of the word, through the checked buffer, fails with
 * {@link IllegalStateException}.
 */
final class Futex {

    static final int WOKEN = 0;
    static final int MISMATCH = 1;
    static final int TIMED_OUT = 2;
    static final int INTERRUPTED = 3;

    private static final int FUTEX_WAIT = 0;
    private static final int FUTEX_WAKE = 1;
    private static final int EAGAIN = 11;
    private static final int EINTR = 4;
    private static final int EFAULT = 14;
    private static final int ETIMEDOUT = 110;

    private static final MethodHandle SYSCALL;
    private static final VarHandle ERRNO;
    private static final long CAPTURE_SIZE;
    private static final long SYS_FUTEX;
    private static final String REASON;
    private static final ThreadLocal<Scratch> SCRATCH;

    static {
        MethodHandle handle = null;
        VarHandle errno = null;
        long captureSize = 0;
        long sysFutex = -1;
        String reason = "";
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.startsWith("linux")) {
            reason = "futex needs Linux (os.name=" + System.getProperty("os.name") + ")";
        } else if (!arch.equals("amd64") && !arch.equals("x86_64") && !arch.equals("aarch64")) {
            reason = "no futex syscall number known for os.arch=" + arch;
        } else if (!Futex.class.getModule().isNativeAccessEnabled()) {
            reason = "native access is not enabled for " + describe(Futex.class.getModule())
                    + " (add --enable-native-access=" + nativeAccessTarget(Futex.class.getModule()) + ")";
        } else {
            sysFutex = arch.equals("aarch64") ? 98 : 202;
            try {
                Linker linker = Linker.nativeLinker();
                Optional<MemorySegment> symbol = linker.defaultLookup().find("syscall");
                if (symbol.isEmpty()) {
                    reason = "libc symbol 'syscall' not found";
                } else {
                    StructLayout capture = Linker.Option.captureStateLayout();
                    errno = capture.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
                    captureSize = capture.byteSize();
                    handle = bind(linker, symbol.get());
                }
            } catch (RuntimeException | Error e) {
                reason = "cannot bind syscall(2): " + e;
                handle = null;
            }
        }
        SYSCALL = handle;
        ERRNO = errno;
        CAPTURE_SIZE = captureSize;
        SYS_FUTEX = sysFutex;
        REASON = handle == null && reason.isEmpty() ? "futex binding failed" : reason;
        SCRATCH = ThreadLocal.withInitial(Scratch::new);
    }

    @SuppressWarnings("restricted")
    private static MethodHandle bind(Linker linker, MemorySegment syscall) {
        // long syscall(long number, ...): the variadic part is (addr, op, val, timeout*, uaddr2, val3),
        // all passed as longs (pointers are longs on the supported 64-bit ABIs).
        FunctionDescriptor descriptor = FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT);
        return linker.downcallHandle(syscall, descriptor,
                Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));
    }

    private static String describe(Module module) {
        return module.isNamed() ? "module " + module.getName() : "the unnamed module (class path)";
    }

    private static String nativeAccessTarget(Module module) {
        return module.isNamed() ? module.getName() : "ALL-UNNAMED";
    }

    private Futex() {}

    static boolean isAvailable() {
        return SYSCALL != null;
    }

    static String unavailableReason() {
        return REASON;
    }

    static long addressOf(ByteBuffer direct) {
        return MemorySegment.ofBuffer(direct).address();
    }

    /** Per-thread native scratch: the timespec and the captured call state. */
    private static final class Scratch {
        final MemorySegment timespec;
        final MemorySegment capture;

        Scratch() {
            Arena arena = Arena.ofAuto();
            this.timespec = arena.allocate(16, 8);
            this.capture = arena.allocate(CAPTURE_SIZE, 8);
        }
    }

    static int await(long address, int expected, long timeoutNanos) {
        Scratch s = SCRATCH.get();
        long timeout = Math.max(0, timeoutNanos);
        s.timespec.set(ValueLayout.JAVA_LONG, 0, timeout / 1_000_000_000L);
        s.timespec.set(ValueLayout.JAVA_LONG, 8, timeout % 1_000_000_000L);
        long rc;
        try {
            rc = (long) SYSCALL.invokeExact(s.capture, SYS_FUTEX, address, FUTEX_WAIT, expected,
                    s.timespec.address(), 0L, 0);
        } catch (Throwable t) {
            throw new IllegalStateException("futex wait failed", t);
        }
        if (rc == 0) {
            return WOKEN;
        }
        int errno = (int) ERRNO.get(s.capture, 0L);
        return switch (errno) {
            case EAGAIN -> MISMATCH;
            case ETIMEDOUT -> TIMED_OUT;
            case EINTR -> INTERRUPTED;
            case EFAULT -> MISMATCH; // unmapped by a closing domain: the caller re-reads and fails cleanly
            default -> throw new IllegalStateException("futex wait failed: errno " + errno);
        };
    }

    static int wake(long address, int count) {
        Scratch s = SCRATCH.get();
        long rc;
        try {
            rc = (long) SYSCALL.invokeExact(s.capture, SYS_FUTEX, address, FUTEX_WAKE, count, 0L, 0L, 0);
        } catch (Throwable t) {
            throw new IllegalStateException("futex wake failed", t);
        }
        if (rc < 0) {
            int errno = (int) ERRNO.get(s.capture, 0L);
            if (errno == EFAULT) {
                return 0; // unmapped by a closing domain: this process has nothing left to wake through it
            }
            throw new IllegalStateException("futex wake failed: errno " + errno);
        }
        return (int) rc;
    }
}
