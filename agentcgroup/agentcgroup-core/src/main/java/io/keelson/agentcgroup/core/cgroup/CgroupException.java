package io.keelson.agentcgroup.core.cgroup;

/** A cgroup operation the kernel (or the tree's permissions) refused; the message names the file. */
public final class CgroupException extends RuntimeException {

    public CgroupException(String message, Throwable cause) {
        super(message, cause);
    }

    public CgroupException(String message) {
        super(message);
    }
}
