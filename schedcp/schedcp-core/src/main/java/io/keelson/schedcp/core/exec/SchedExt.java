package io.keelson.schedcp.core.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What the kernel says about sched_ext ({@code /sys/kernel/sched_ext}): whether it exists at all, its state
 * (enabled, disabled, enabling, disabling) and the attached scheduler's ops name, present only while one is loaded.
 * A scheduler counts as loaded only when this says so - a running loader process is not a load.
 */
public record SchedExt(boolean supported, String state, Optional<String> ops) {

    public static final Path ROOT = Path.of("/sys/kernel/sched_ext");

    public static SchedExt probe(Path root) {
        if (!Files.isDirectory(root)) {
            return new SchedExt(false, "unsupported", Optional.empty());
        }
        return new SchedExt(true, read(root.resolve("state")).orElse("unknown"), read(root.resolve("root").resolve("ops")));
    }

    /** Whether the scheduler {@code name} ({@code scx_rusty} attaches as ops {@code rusty}) is the one attached. */
    public boolean loaded(String name) {
        return ops.map(o -> o.equals(name) || ("scx_" + o).equals(name) || name.endsWith("_" + o)).orElse(false) && state.equals("enabled");
    }

    private static Optional<String> read(Path file) {
        try {
            return Files.exists(file) ? Optional.of(Files.readString(file).strip()).filter(s -> !s.isEmpty()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
