package io.keelson.agentcgroup.core.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which programs a session may run. A tool call names its program by a bare name ({@code python3}, {@code git});
 * the name must be on the session's list and is resolved on a fixed search path chosen by the operator, never on
 * a path or a PATH the caller sends, so a client cannot run a program the operator did not allow.
 */
public record CommandPolicy(Set<String> allowed, List<Path> searchPath) {

    public static final List<Path> DEFAULT_SEARCH_PATH = List.of(Path.of("/usr/local/bin"), Path.of("/usr/bin"), Path.of("/bin"));

    public CommandPolicy {
        allowed = Set.copyOf(allowed);
        searchPath = List.copyOf(searchPath);
        for (String name : allowed) {
            if (!validName(name)) {
                throw new IllegalArgumentException("allowed command '" + name + "' must be a bare program name");
            }
        }
    }

    /** The command with its program resolved to an absolute path, or the reason it may not run. */
    public Resolution resolve(List<String> argv) {
        if (argv.isEmpty()) {
            return new Resolution.Refused("the command is empty");
        }
        String program = argv.get(0);
        if (!validName(program)) {
            return new Resolution.Refused("'" + program + "' is not a bare program name (no paths)");
        }
        if (!allowed.contains(program)) {
            return new Resolution.Refused("'" + program + "' is not allowed in this session (allowed: " + allowed.stream().sorted().toList() + ")");
        }
        Optional<Path> found = searchPath.stream().map(d -> d.resolve(program)).filter(Files::isExecutable).findFirst();
        if (found.isEmpty()) {
            return new Resolution.Refused("'" + program + "' is allowed but not installed on " + searchPath);
        }
        List<String> resolved = new ArrayList<>(argv);
        resolved.set(0, found.get().toString());
        return new Resolution.Allowed(List.copyOf(resolved));
    }

    private static boolean validName(String name) {
        return name.matches("[A-Za-z0-9][A-Za-z0-9._+-]{0,63}");
    }

    /** The outcome of {@link #resolve}. */
    public sealed interface Resolution {
        record Allowed(List<String> argv) implements Resolution {
        }

        record Refused(String reason) implements Resolution {
        }
    }
}
