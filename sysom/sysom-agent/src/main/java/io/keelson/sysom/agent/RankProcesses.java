package io.keelson.sysom.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The training ranks running on this node, found in procfs: a process opts in with {@code KEELSON_SYSOM_JOB} in its
 * environment, and its rank and job size are the {@code RANK} and {@code WORLD_SIZE} torchrun gives every rank. Its
 * profiler writes traces to {@code KEELSON_SYSOM_TRACES}, or by default {@code <root>/<job>/rank-<RANK>}; either way
 * the directory must resolve inside the agent's traces root, since a process's environment is not the agent's to
 * trust. Data-loader workers inherit their rank's environment: only the topmost process of a rank is that rank.
 */
public final class RankProcesses {

    /** A rank found on this node. */
    public record Rank(long pid, String job, int rank, int worldSize, Path traces) {
    }

    /** What a scan found: the ranks, and the processes that asked to be watched but could not be, each with why. */
    public record Scan(List<Rank> ranks, Map<Long, String> refused) {
    }

    private static final Pattern JOB = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final Path proc;
    private final Path tracesRoot;

    /**
     * @param proc       the procfs root ({@code /proc}; tests give a fake tree)
     * @param tracesRoot the only directory (and below) traces are read from
     */
    public RankProcesses(Path proc, Path tracesRoot) {
        this.proc = proc;
        this.tracesRoot = tracesRoot;
    }

    public Scan scan() throws IOException {
        Path root = tracesRoot.toRealPath();
        Map<Long, Rank> candidates = new HashMap<>();
        Map<Long, Long> parents = new HashMap<>();
        Map<Long, String> refused = new HashMap<>();
        try (Stream<Path> entries = Files.list(proc)) {
            for (Path dir : entries.toList()) {
                OptionalLong pid = pid(dir);
                if (pid.isEmpty()) {
                    continue;
                }
                Map<String, String> env = environment(dir.resolve("environ"));
                if (!env.containsKey("KEELSON_SYSOM_JOB")) {
                    continue;
                }
                try {
                    candidates.put(pid.getAsLong(), rank(pid.getAsLong(), env, root));
                    parent(dir).ifPresent(p -> parents.put(pid.getAsLong(), p));
                } catch (IllegalArgumentException bad) {
                    refused.put(pid.getAsLong(), bad.getMessage());
                }
            }
        }
        List<Rank> ranks = new ArrayList<>();
        for (Rank r : candidates.values()) {
            Rank parent = candidates.get(parents.getOrDefault(r.pid(), -1L));
            if (parent == null || !parent.job().equals(r.job()) || parent.rank() != r.rank()) {
                ranks.add(r);
            }
        }
        ranks.sort(java.util.Comparator.comparing(Rank::job).thenComparingInt(Rank::rank).thenComparingLong(Rank::pid));
        return new Scan(List.copyOf(ranks), Map.copyOf(refused));
    }

    private static Rank rank(long pid, Map<String, String> env, Path root) throws IOException {
        String job = env.get("KEELSON_SYSOM_JOB");
        if (!JOB.matcher(job).matches()) {
            throw new IllegalArgumentException("KEELSON_SYSOM_JOB: letters, digits, '.', '_' and '-' (at most 64), was '" + job + "'");
        }
        int worldSize = number(env, "WORLD_SIZE");
        int rank = number(env, "RANK");
        if (worldSize < 1 || rank >= worldSize) {
            throw new IllegalArgumentException("RANK " + rank + " is not below WORLD_SIZE " + worldSize);
        }
        Path traces = root.resolve(env.getOrDefault("KEELSON_SYSOM_TRACES", job + "/rank-" + rank)).normalize();
        if (!traces.startsWith(root)) {
            throw new IllegalArgumentException("KEELSON_SYSOM_TRACES: " + traces + " is outside the traces root " + root);
        }
        if (!Files.isDirectory(traces)) {
            throw new IllegalArgumentException("no trace directory " + traces + " yet (its profiler has not written one)");
        }
        Path real = traces.toRealPath(); // a link may not lead out of the root
        if (!real.startsWith(root)) {
            throw new IllegalArgumentException("KEELSON_SYSOM_TRACES: " + traces + " leads to " + real + ", outside the traces root " + root);
        }
        return new Rank(pid, job, rank, worldSize, real);
    }

    private static int number(Map<String, String> env, String key) {
        String value = env.get(key);
        if (value == null) {
            throw new IllegalArgumentException(key + ": not set (torchrun sets it for every rank)");
        }
        try {
            int n = Integer.parseInt(value.strip());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": not a number of 0 or more, was '" + value + "'");
        }
    }

    private static OptionalLong pid(Path dir) {
        String name = dir.getFileName().toString();
        return !name.isEmpty() && name.chars().allMatch(Character::isDigit) ? OptionalLong.of(Long.parseLong(name)) : OptionalLong.empty();
    }

    /** A process's environment; empty where it is gone or not ours to read. */
    private static Map<String, String> environment(Path environ) {
        Map<String, String> env = new HashMap<>();
        try {
            for (String entry : new String(Files.readAllBytes(environ), StandardCharsets.UTF_8).split("\0")) {
                int eq = entry.indexOf('=');
                if (eq > 0) {
                    env.put(entry.substring(0, eq), entry.substring(eq + 1));
                }
            }
        } catch (IOException goneOrNotOurs) {
            env.clear();
        }
        return env;
    }

    /** The parent pid: the field after the command name in {@code stat}, which may itself hold spaces and parentheses. */
    private static Optional<Long> parent(Path dir) {
        try {
            String stat = Files.readString(dir.resolve("stat"));
            String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Optional.of(Long.parseLong(after[1]));
        } catch (IOException | RuntimeException gone) {
            return Optional.empty();
        }
    }
}
