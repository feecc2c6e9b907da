package io.keelson.agentcgroup.core.cgroup;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * The cgroup filesystem as Keelson uses it: directories are groups, files are the kernel's interface. Either the
 * host's cgroupfs ({@link KernelCgroupFs}) or a fake tree answered by a simulated kernel ({@link FakeCgroupFs}),
 * so every cgroup code path runs the same on both. Errors name the file.
 */
public sealed interface CgroupFs extends AutoCloseable permits KernelCgroupFs, FakeCgroupFs {

    /** Creates the group {@code dir} and any missing parent groups; an existing group is adopted. */
    void mkdirs(Path dir);

    /** Removes an empty group; one already gone is fine. */
    void rmdir(Path dir);

    String read(Path file);

    void write(Path file, String value);

    /** Whether the group or interface file exists (e.g. {@code cgroup.freeze} needs Linux 5.2 on v2). */
    boolean exists(Path fileOrGroup);

    /** {@code dir} and every group below it, deepest first; empty when {@code dir} is not a group. */
    List<Path> subtree(Path dir);

    /** A number file; {@code max} reads as {@link Long#MAX_VALUE}. */
    default long readLong(Path file) {
        String text = read(file);
        try {
            return text.equals("max") ? Long.MAX_VALUE : Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new CgroupException(file + " holds '" + text + "', not a number", e);
        }
    }

    /** The value of {@code key} in a flat keyed file ({@code memory.events}, {@code cpu.stat}, {@code oom_control}). */
    default OptionalLong keyed(Path file, String key) {
        if (!exists(file)) {
            return OptionalLong.empty();
        }
        for (String line : read(file).split("\n")) {
            String[] kv = line.trim().split("\\s+");
            if (kv.length == 2 && kv[0].equals(key)) {
                return OptionalLong.of(Long.parseLong(kv[1]));
            }
        }
        return OptionalLong.empty();
    }

    /** Stops whatever the filesystem runs on its own (the simulated kernel); the kernel's needs nothing. */
    @Override
    default void close() {
    }
}
