package io.keelson.schedcp.core.exec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Runs scheduler binaries, one at a time: only a scheduler the catalogue knows, only from the operator's scheduler
 * directory (never a path from a client), its arguments as argv (no shell). Stopping sends SIGTERM and, after a
 * grace period, SIGKILL; every process is waited for (no zombies). Each execution's record keeps its command,
 * times, exit code, the tail of its output, and what sched_ext said about it (a process alive is not a load).
 */
public final class SchedulerRunner implements AutoCloseable {

    /** How long a scheduler gets to detach after SIGTERM before SIGKILL (SchedCP's 5 s). */
    public static final Duration GRACE = Duration.ofSeconds(5);
    static final int OUTPUT_TAIL = 64 * 1024;
    static final int MAX_ARGS = 64;
    static final int MAX_ARG_LENGTH = 256;

    /** One execution as {@code get_execution_status} reports it. */
    public record Execution(String executionId, String schedulerName, String command, List<String> args, String status, long pid,
                            Instant startTime, Optional<Instant> endTime, Optional<Integer> exitCode, String output, SchedExt schedExt,
                            boolean loaded) {
        public Duration duration(Instant now) {
            return Duration.between(startTime, endTime.orElse(now));
        }
    }

    private final class Run {
        final String id;
        final String name;
        final String binary;
        final List<String> args;
        final Process process;
        final Instant started;
        final StringBuilder output = new StringBuilder();
        volatile boolean stopRequested;
        volatile Instant ended;

        Run(String id, String name, String binary, List<String> args, Process process, Instant started) {
            this.id = id;
            this.name = name;
            this.binary = binary;
            this.args = args;
            this.process = process;
            this.started = started;
        }

        synchronized void append(String chunk) {
            output.append(chunk);
            if (output.length() > OUTPUT_TAIL) {
                output.delete(0, output.length() - OUTPUT_TAIL);
            }
        }

        synchronized String output() {
            return output.toString();
        }
    }

    private final Path schedulersDir;
    private final Predicate<String> known;
    private final Path schedExtRoot;
    private final Clock clock;
    private final Duration grace;
    private final Map<String, Run> runs = new LinkedHashMap<>();

    /**
     * @param schedulersDir where the operator installed the scheduler binaries (e.g. /usr/bin for scx packages)
     * @param known         which names may run (the catalogue and the schedulers agents created)
     */
    public SchedulerRunner(Path schedulersDir, Predicate<String> known, Path schedExtRoot, Clock clock, Duration grace) {
        this.schedulersDir = schedulersDir;
        this.known = known;
        this.schedExtRoot = schedExtRoot;
        this.clock = clock;
        this.grace = grace;
    }

    /** Starts {@code name}; refused while another scheduler runs (one at a time: stop it first). */
    public synchronized Execution run(String name, List<String> args) {
        if (!known.test(name)) {
            throw new IllegalArgumentException("name: no scheduler '" + name + "' in the catalogue");
        }
        if (args.size() > MAX_ARGS || args.stream().anyMatch(a -> a.length() > MAX_ARG_LENGTH || a.indexOf('\0') >= 0)) {
            throw new IllegalArgumentException("args: at most " + MAX_ARGS + " arguments of at most " + MAX_ARG_LENGTH + " characters, no NUL");
        }
        Optional<Run> active = active();
        if (active.isPresent()) {
            throw new IllegalStateException("scheduler " + active.get().name + " is running as execution " + active.get().id
                    + "; stop it first (one scheduler at a time)");
        }
        Path binary = schedulersDir.resolve(name);
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("name: scheduler binary " + name + " is not installed in " + schedulersDir);
        }
        List<String> argv = new ArrayList<>();
        argv.add(binary.toString());
        argv.addAll(args);
        Process process;
        try {
            process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start " + binary + ": " + e.getMessage(), e);
        }
        Run run = new Run("exec-" + UUID.randomUUID(), name, binary.toString(), List.copyOf(args), process, clock.instant());
        runs.put(run.id, run);
        Thread reader = new Thread(() -> drain(run), "schedcp-output-" + run.id);
        reader.setDaemon(true);
        reader.start();
        process.onExit().thenRun(() -> run.ended = clock.instant());
        return status(run.id);
    }

    /** SIGTERM, then SIGKILL after the grace period; returns once the process is gone. */
    public Execution stop(String executionId) {
        Run run;
        synchronized (this) {
            run = find(executionId);
        }
        if (run.process.isAlive()) {
            run.stopRequested = true;
            run.process.destroy();
            try {
                if (!run.process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    run.process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                run.process.destroyForcibly();
            }
        }
        return status(executionId);
    }

    public synchronized Execution status(String executionId) {
        Run run = find(executionId);
        boolean alive = run.process.isAlive();
        Optional<Integer> exit = alive ? Optional.empty() : Optional.of(run.process.exitValue());
        String status = alive ? "running" : run.stopRequested ? "stopped" : exit.get() == 0 ? "completed" : "failed";
        SchedExt schedExt = SchedExt.probe(schedExtRoot);
        Optional<Instant> end = alive ? Optional.empty() : Optional.of(run.ended == null ? clock.instant() : run.ended);
        return new Execution(run.id, run.name, run.binary, run.args, status, run.process.pid(), run.started, end, exit, run.output(), schedExt, alive && schedExt.loaded(run.name));
    }

    public synchronized Optional<Execution> running() {
        return active().map(r -> status(r.id));
    }

    private Optional<Run> active() {
        return runs.values().stream().filter(r -> r.process.isAlive()).findFirst();
    }

    private Run find(String executionId) {
        Run run = runs.get(executionId);
        if (run == null) {
            throw new NoSuchElementException("execution_id: no execution '" + executionId + "'");
        }
        return run;
    }

    private static void drain(Run run) {
        byte[] buffer = new byte[4096];
        try (InputStream in = run.process.getInputStream()) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                run.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
        } catch (IOException ignored) {
            // the process is gone; what was read is kept
        }
    }

    /** Stops whatever still runs. */
    @Override
    public void close() {
        List<String> alive;
        synchronized (this) {
            alive = runs.values().stream().filter(r -> r.process.isAlive()).map(r -> r.id).toList();
        }
        alive.forEach(this::stop);
    }
}
