package io.keelson.agentcgroup.core.live;

import io.keelson.agentcgroup.core.cgroup.Cgroups;
import io.keelson.agentcgroup.core.sandbox.ToolCallResult;
import io.keelson.agentcgroup.core.sandbox.ToolCallRunner;
import io.keelson.agentcgroup.core.testing.TestCgroups;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * A PSI trigger on the host kernel: a call writing a file far larger than its memory limit makes the kernel reclaim
 * page cache inside the group (a memory stall, which the cgroup2 root counts too), and the watch runs its policy
 * round when the kernel reports it.
 * Skipped, saying why, without writable cgroups, PSI triggers, or a disk-backed directory to write to.
 */
class PressureWatchTest {

    @TempDir
    Path scratch;
    private Cgroups cgroups;
    private Optional<PressureWatch> watch = Optional.empty();

    @AfterEach
    void tearDown() {
        watch.ifPresent(PressureWatch::close);
        if (cgroups != null) {
            cgroups.removeAll();
        }
    }

    @Test
    void aMemoryStallInTheTreeRunsAPolicyRoundAtOnce() throws Exception {
        cgroups = TestCgroups.KERNEL.open("keelson-psi", false, scratch);
        AtomicInteger rounds = new AtomicInteger();
        watch = PressureWatch.start(cgroups, Duration.ofMillis(5), Duration.ofSeconds(1), rounds::incrementAndGet);
        if (watch.isEmpty()) {
            abort("this kernel offers no PSI trigger on the cgroup2 root's memory.pressure");
        }
        assertThat(watch.get().window()).isIn(Duration.ofSeconds(1), Duration.ofSeconds(2)); // 2 s without CAP_SYS_RESOURCE
        Path disk = Files.createDirectories(Path.of("target", "psi-scratch").toAbsolutePath());
        if (Files.getFileStore(disk).type().equals("tmpfs")) {
            abort(disk + " is on tmpfs: its pages cannot be reclaimed, so writing there makes no memory stall");
        }
        ToolCallRunner runner = new ToolCallRunner(cgroups);
        runner.openSession("io");
        assertThat(rounds.get()).isZero();
        for (int attempt = 0; attempt < 5 && rounds.get() == 0; attempt++) {
            // 600 MB through a 32 MiB group: its page cache is reclaimed over and over
            ToolCallResult r = runner.run("io", "dd" + attempt, List.of("sh", "-c", "dd if=/dev/zero of=big bs=1M count=600 2>/dev/null; cat big > /dev/null; rm big"),
                    OptionalLong.of(32L << 20), Duration.ofSeconds(60), disk);
            assertThat(r.exitCode()).as("%s", r).isZero();
            long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (rounds.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
        assertThat(rounds.get()).as("policy rounds run by the trigger").isPositive();
        assertThat(watch.get().fired()).isEqualTo(rounds.get());
    }
}
