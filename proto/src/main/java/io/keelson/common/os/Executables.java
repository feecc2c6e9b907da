package io.keelson.common.os;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finding a host tool (perf, clang, ...) the way a shell would: the first executable of that name on the PATH. */
public final class Executables {

    private Executables() {
    }

    public static Optional<Path> onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return Optional.of(Path.of(dir, name));
            }
        }
        return Optional.empty();
    }
}
