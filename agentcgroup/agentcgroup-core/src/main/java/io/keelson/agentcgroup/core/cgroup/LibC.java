package io.keelson.agentcgroup.core.cgroup;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/** The few libc calls Java lacks: signals other than TERM/KILL, and {@code poll(2)} for PSI triggers (POLLPRI). */
interface LibC extends Library {

    int O_RDWR = 2;
    int O_NONBLOCK = 04000;
    short POLLPRI = 0x2;
    short POLLERR = 0x8;

    int kill(int pid, int signal);

    long sysconf(int name);

    int open(String path, int flags);

    long write(int fd, byte[] buffer, long count);

    int poll(Pointer fds, long count, int timeoutMillis);

    int close(int fd);

    static LibC load() {
        return Native.load("c", LibC.class);
    }
}
