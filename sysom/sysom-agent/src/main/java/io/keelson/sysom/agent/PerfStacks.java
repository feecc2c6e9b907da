package io.keelson.sysom.agent;

import io.keelson.common.os.Executables;
import io.keelson.sysom.core.trace.PerfScript;
import io.keelson.sysom.core.trace.ReadReport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * CPU stacks of any process with Linux {@code perf}: {@code perf record -e cpu-clock -g -p PID} for a while (the
 * software clock event, so it works without a hardware PMU, as in VMs and containers), then {@code perf script}
 * folded by {@link PerfScript}. Native and interpreted code shows by symbol; a JVM's JIT-compiled frames do not
 * (use {@link JfrStacks} there).
 */
public final class PerfStacks {

    private PerfStacks() {
    }

    /** The {@code perf} on the PATH, if any. */
    public static Optional<Path> perf() {
        return Executables.onPath("perf");
    }

    /** Records {@code duration} of process {@code pid} at {@code hz} samples a second and returns its folded stacks. */
    public static Map<String, Long> profile(long pid, Duration duration, int hz, Path workDir) throws IOException, InterruptedException {
        Path perf = perf().orElseThrow(() -> new IOException("perf is not installed (Debian: linux-perf)"));
        Path data = workDir.resolve("sysom-" + pid + "-" + System.nanoTime() + ".perf");
        try {
            // -B -N: no build-id scan of every mapped object when the recording ends (the costliest part of a short recording)
            Process record = new ProcessBuilder(perf.toString(), "record", "-e", "cpu-clock", "-F", Integer.toString(hz), "-g", "-B", "-N", "-p",
                    Long.toString(pid), "-o", data.toString(), "--", "sleep", Long.toString(Math.max(1, duration.toSeconds())))
                    .redirectErrorStream(true).start();
            String said = new String(record.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!record.waitFor(duration.toSeconds() + 30, TimeUnit.SECONDS) || record.exitValue() != 0 || !Files.exists(data)) {
                record.destroyForcibly();
                throw new IOException("perf record of process " + pid + " failed: " + said.strip());
            }
            Process script = new ProcessBuilder(perf.toString(), "script", "-i", data.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            Map<String, Long> folded;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(script.getInputStream(), StandardCharsets.UTF_8))) {
                folded = PerfScript.fold(out, new ReadReport());
            }
            if (!script.waitFor(60, TimeUnit.SECONDS) || script.exitValue() != 0) {
                script.destroyForcibly();
                throw new IOException("perf script could not read " + data);
            }
            return folded;
        } finally {
            Files.deleteIfExists(data);
        }
    }

    /** Whether process {@code pid} runs a JVM (its memory maps hold libjvm), where JFR sees more than perf. */
    public static boolean isJvm(long pid) {
        try (var lines = Files.lines(Path.of("/proc", Long.toString(pid), "maps"))) {
            return lines.anyMatch(l -> l.endsWith("/libjvm.so"));
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }
}
