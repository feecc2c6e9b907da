package io.keelson.agentcgroup.core.sandbox;

import io.keelson.agentcgroup.core.cgroup.Cgroup;
import io.keelson.agentcgroup.core.cgroup.Cgroups;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Runs each tool call in a cgroup of its own, below its session's group: the group is created before the
 * command starts, the command joins it before it runs anything (a Java process cannot be born into a
 * cgroup, so a tiny shell wrapper writes its own pid into {@code cgroup.procs} and then {@code exec}s the
 * command), and the group is removed afterwards with its peak memory, CPU time, exit status and OOM kills
 * recorded. The wrapper also sets the command's {@code oom_score_adj}, which its children inherit, so the kernel's
 * OOM killer takes low-priority sessions first.
 */
public final class ToolCallRunner {

    /**
     * Joins every cgroup listed in KEELSON_CGROUP_PROCS, raises its oom_score_adj to KEELSON_OOM_SCORE_ADJ if set (only
     * raises: that needs no privilege), then becomes the command; 125 when either fails.
     */
    static final String JOIN = "IFS=:; for f in $KEELSON_CGROUP_PROCS; do echo $$ > \"$f\" || exit 125; done; "
            + "read adj < /proc/self/oom_score_adj; "
            + "[ \"$adj\" -ge \"${KEELSON_OOM_SCORE_ADJ:-0}\" ] || echo $KEELSON_OOM_SCORE_ADJ > /proc/self/oom_score_adj || exit 125; "
            + "unset KEELSON_CGROUP_PROCS KEELSON_OOM_SCORE_ADJ IFS adj; exec \"$@\"";
    private static final int OUTPUT_TAIL = 64 * 1024;

    private final Cgroups cgroups;

    public ToolCallRunner(Cgroups cgroups) {
        this.cgroups = cgroups;
    }

    /** Creates (or adopts) the group of session {@code sessionId}. */
    public Cgroup openSession(String sessionId) {
        return cgroups.create(sessionGroup(sessionId));
    }

    /**
     * Runs {@code command} (no shell interpretation of its words) in a new group {@code session/call}, with an
     * optional memory limit and a time limit, and removes the group afterwards whatever happened.
     */
    public ToolCallResult run(String sessionId, String callId, List<String> command, OptionalLong memoryLimit, Duration timeout,
                              Path workingDirectory) {
        return run(sessionId, callId, command, memoryLimit, timeout, workingDirectory, 0, chunk -> { });
    }

    /**
     * As {@link #run(String, String, List, OptionalLong, Duration, Path)}, raising the command's {@code oom_score_adj}
     * to at least {@code oomScoreAdj} (0..1000), handing each piece of output to {@code output} as it comes.
     */
    public ToolCallResult run(String sessionId, String callId, List<String> command, OptionalLong memoryLimit, Duration timeout,
                              Path workingDirectory, int oomScoreAdj, Consumer<byte[]> output) {
        if (oomScoreAdj < 0 || oomScoreAdj > 1000) {
            throw new IllegalArgumentException("oom_score_adj must be 0..1000 (lowering it needs privilege): " + oomScoreAdj);
        }
        Cgroup group = cgroups.create(sessionGroup(sessionId) + "/call-" + callId);
        try {
            memoryLimit.ifPresent(group::limitMemory);
            List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", JOIN, "keelson-join"));
            argv.addAll(command);
            ProcessBuilder pb = new ProcessBuilder(argv).directory(workingDirectory.toFile()).redirectErrorStream(true);
            pb.environment().put("KEELSON_CGROUP_PROCS", group.procsFiles().stream().map(Path::toString).collect(Collectors.joining(":")));
            pb.environment().put("KEELSON_OOM_SCORE_ADJ", Integer.toString(oomScoreAdj));
            long started = System.nanoTime();
            Process process = pb.start();
            Tail tail = new Tail(process.getInputStream(), output);
            Thread reader = new Thread(tail, "tool-call-output-" + callId);
            reader.setDaemon(true);
            reader.start();
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                group.kill();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            reader.join(2_000);
            Duration wall = Duration.ofNanos(System.nanoTime() - started);
            int exit = process.exitValue();
            long oomKills = group.oomKills();
            OptionalLong peak = group.memoryPeak();
            ToolCallResult.Verdict verdict;
            if (!finished) {
                verdict = new ToolCallResult.Verdict.TimedOut(timeout);
            } else if (oomKills > 0 && memoryLimit.isPresent()) {
                verdict = new ToolCallResult.Verdict.OutOfMemory(ToolCallResult.Verdict.OutOfMemory.Scope.CALL, memoryLimit.getAsLong(),
                        peak.orElse(memoryLimit.getAsLong()));
            } else {
                verdict = new ToolCallResult.Verdict.Completed(exit);
            }
            return new ToolCallResult(callId, exit, peak, oomKills, wall, group.cpuTime(), verdict, tail.text());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start tool call " + callId + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while tool call " + callId + " ran", e);
        } finally {
            group.remove();
        }
    }

    /** Kills and removes every group a previous run left behind (a service killed mid-call); returns how many. */
    public int reapLeftovers() {
        List<Cgroup> left = cgroups.leftovers();
        left.forEach(Cgroup::remove);
        return left.size();
    }

    private static String sessionGroup(String sessionId) {
        return "session-" + sessionId;
    }

    /** Passes a stream on as it comes and keeps its last {@link #OUTPUT_TAIL} bytes. */
    private static final class Tail implements Runnable {
        private final InputStream in;
        private final Consumer<byte[]> listener;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

        Tail(InputStream in, Consumer<byte[]> listener) {
            this.in = in;
            this.listener = listener;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    listener.accept(java.util.Arrays.copyOf(buffer, n));
                    synchronized (kept) {
                        kept.write(buffer, 0, n);
                        if (kept.size() > 2 * OUTPUT_TAIL) {
                            byte[] all = kept.toByteArray();
                            kept.reset();
                            kept.write(all, all.length - OUTPUT_TAIL, OUTPUT_TAIL);
                        }
                    }
                }
            } catch (IOException e) {
                // the process went away: what was read is kept
            }
        }

        String text() {
            synchronized (kept) {
                byte[] all = kept.toByteArray();
                int from = Math.max(0, all.length - OUTPUT_TAIL);
                return new String(all, from, all.length - from, StandardCharsets.UTF_8);
            }
        }
    }
}
