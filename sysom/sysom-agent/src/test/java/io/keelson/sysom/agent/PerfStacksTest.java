package io.keelson.sysom.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.abort;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class PerfStacksTest {

    @Test
    void aSpinningShellsStacksAreSampledWithPerf(@TempDir Path dir) throws Exception {
        assumeTrue(PerfStacks.perf().isPresent(), "perf is not installed (Debian: linux-perf)");
        Process target = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
        try {
            assertThat(PerfStacks.isJvm(target.pid())).isFalse();
            assertThat(PerfStacks.isJvm(ProcessHandle.current().pid())).isTrue();
            Map<String, Long> folded;
            try {
                folded = PerfStacks.profile(target.pid(), Duration.ofSeconds(1), 199, dir);
            } catch (IOException e) {
                if (e.getMessage().contains("perf_event")) { // the kernel refuses perf events here (paranoid setting, seccomp)
                    abort("perf cannot record on this host: " + e.getMessage());
                }
                throw e;
            }
            long all = folded.values().stream().mapToLong(Long::longValue).sum();
            assertThat(all).as("samples of a process spinning for 1 s at 199 Hz: " + folded).isGreaterThan(50);
            assertThat(folded.keySet()).allSatisfy(stack -> assertThat(stack).startsWith("sh;"));
        } finally {
            target.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        try (var files = Files.list(dir)) {
            assertThat(files).as("perf's data file is deleted once folded").isEmpty();
        }
    }
}
