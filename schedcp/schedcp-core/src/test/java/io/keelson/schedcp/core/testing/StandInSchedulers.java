package io.keelson.schedcp.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Stand-ins for scx binaries in a scheduler directory, for tests on a host without sched_ext (or scx): shell scripts
 * that say they attached, with their arguments, and run until stopped.
 */
public final class StandInSchedulers {

    private StandInSchedulers() {
    }

    /** Says "attached with ARGS", runs until SIGTERM, then says "detached" and exits 0. */
    public static Path install(Path bin, String name) throws IOException {
        return script(bin, name, "trap 'echo detached; exit 0' TERM\necho \"attached with $*\"\nwhile :; do sleep 0.05; done\n");
    }

    /** Like {@link #install} but ignores SIGTERM: only SIGKILL ends it. */
    public static Path installStubborn(Path bin, String name) throws IOException {
        return script(bin, name, "trap '' TERM\necho \"attached with $*\"\nwhile :; do sleep 0.05; done\n");
    }

    /** Exits at once with {@code code}, as a scheduler the kernel refused would. */
    public static Path installFailing(Path bin, String name, int code) throws IOException {
        return script(bin, name, "exit " + code + "\n");
    }

    private static Path script(Path bin, String name, String body) throws IOException {
        Files.createDirectories(bin);
        Path script = bin.resolve(name);
        Files.writeString(script, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }
}
