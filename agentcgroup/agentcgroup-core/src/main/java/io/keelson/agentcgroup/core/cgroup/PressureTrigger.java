package io.keelson.agentcgroup.core.cgroup;

import com.sun.jna.Memory;
import com.sun.jna.Native;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A PSI trigger on a cgroup's {@code memory.pressure}: the kernel wakes a {@code poll(2)} on it (POLLPRI) as soon as
 * the group's tasks have stalled on memory for {@code stall} within a {@code window}, instead of a policy finding out
 * at its next sampling tick. Without CAP_SYS_RESOURCE the kernel only takes windows that are multiples of 2 s; the
 * window is then rounded up (and {@link #window()} says so).
 */
public final class PressureTrigger implements AutoCloseable {

    private static final Duration UNPRIVILEGED_STEP = Duration.ofSeconds(2);

    private final LibC libc;
    private final int fd;
    private final Duration window;
    private final Memory pollfd = new Memory(8); // struct pollfd { int fd; short events; short revents; }

    private PressureTrigger(LibC libc, int fd, Duration window) {
        this.libc = libc;
        this.fd = fd;
        this.window = window;
        pollfd.setInt(0, fd);
        pollfd.setShort(4, LibC.POLLPRI);
    }

    /**
     * Arms a trigger on {@code pressureFile} ("some" stall of {@code stall} per {@code window}); empty, with the
     * kernel's refusal logged by the caller, where the kernel has no PSI triggers for it.
     */
    public static Optional<PressureTrigger> arm(Path pressureFile, Duration stall, Duration window) {
        LibC libc = LibC.load();
        long step = UNPRIVILEGED_STEP.toMillis();
        for (Duration w : new Duration[] {window, Duration.ofMillis((window.toMillis() + step - 1) / step * step)}) {
            int fd = libc.open(pressureFile.toString(), LibC.O_RDWR | LibC.O_NONBLOCK);
            if (fd < 0) {
                return Optional.empty();
            }
            byte[] spec = ("some " + stall.toNanos() / 1_000 + " " + w.toNanos() / 1_000 + "\0").getBytes(StandardCharsets.US_ASCII);
            if (libc.write(fd, spec, spec.length) == spec.length) {
                return Optional.of(new PressureTrigger(libc, fd, w));
            }
            libc.close(fd);
        }
        return Optional.empty();
    }

    /** The window the kernel took. */
    public Duration window() {
        return window;
    }

    /**
     * Waits up to {@code timeout} for the trigger; true when it fired.
     *
     * @throws CgroupException when the group went away (POLLERR) or the poll failed
     */
    public boolean await(Duration timeout) {
        pollfd.setShort(6, (short) 0);
        int n = libc.poll(pollfd, 1, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        if (n < 0) {
            int errno = Native.getLastError();
            if (errno == 4) { // EINTR
                return false;
            }
            throw new CgroupException("poll on a memory pressure trigger failed: errno " + errno);
        }
        short revents = pollfd.getShort(6);
        if ((revents & LibC.POLLERR) != 0) {
            throw new CgroupException("the memory pressure trigger's group is gone");
        }
        return n > 0 && (revents & LibC.POLLPRI) != 0;
    }

    @Override
    public void close() {
        libc.close(fd);
    }
}
