package io.keelson.schedcp.core.workload;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class CommandProfilerTest {

    @TempDir
    Path dir;

    private Path install(String name, String script) throws Exception {
        Path commands = Files.createDirectories(dir.resolve("commands"));
        Path f = commands.resolve(name);
        Files.writeString(f, "#!/bin/sh\n" + script + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        return commands;
    }

    @Test
    void runsTheInstalledCommandAgainAndAgainAndMeasuresEachRun() throws Exception {
        Path commands = install("sleepy", "sleep \"$1\"; echo \"slept $1\"");
        CommandProfiler profiler = new CommandProfiler(commands);
        CommandProfiler.Profile p = profiler.profile("sleepy", List.of("0.05"), 6, Duration.ofSeconds(30), Files.createDirectories(dir.resolve("w")));

        assertThat(p.runs()).isEqualTo(6);
        assertThat(p.failedRuns()).isZero();
        assertThat(p.timedOut()).isFalse();
        assertThat(p.p50Ms()).isGreaterThanOrEqualTo(50);
        assertThat(p.p50Ms()).isLessThanOrEqualTo(p.p95Ms()).isLessThanOrEqualTo(p.p99Ms()).isLessThanOrEqualTo(p.maxMs());
        assertThat(p.makespanSeconds()).isGreaterThanOrEqualTo(6 * 0.05); // one after another
        assertThat(p.runsPerSecond()).isCloseTo(6 / p.makespanSeconds(), org.assertj.core.api.Assertions.within(1e-9));
        assertThat(p.lastOutput()).isEqualTo("slept 0.05\n");
    }

    @Test
    void theTimeLimitKillsTheRunStillGoingWithItsChildrenAndFailuresAreCounted() throws Exception {
        Path commands = install("flaky", "[ -e done ] && { sleep 30 & wait; }; touch done; exit 3");
        Instant began = Instant.now();
        CommandProfiler.Profile p = new CommandProfiler(commands).profile("flaky", List.of(), 5, Duration.ofMillis(700),
                Files.createDirectories(dir.resolve("w")));
        assertThat(p.runs()).isEqualTo(1);     // the first run failed fast; the second slept past the limit and was killed
        assertThat(p.failedRuns()).isEqualTo(1);
        assertThat(p.timedOut()).isTrue();
        await("no sleep left behind by the killed run").atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().orElse("").endsWith("sleep 30") && h.info().startInstant().map(t -> !t.isBefore(began)).orElse(false))
                .count() == 0);
    }

    @Test
    void onlyAnInstalledCommandByNameRuns() throws Exception {
        Path commands = install("ok", "true");
        Files.writeString(commands.resolve("notes.txt"), "not executable");
        CommandProfiler profiler = new CommandProfiler(commands);
        Path work = Files.createDirectories(dir.resolve("w"));
        assertThat(profiler.installed()).containsExactly("ok");
        assertThatThrownBy(() -> profiler.profile("../../bin/sh", List.of(), 1, Duration.ofSeconds(5), work)).hasMessageStartingWith("command:")
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> profiler.profile("notes.txt", List.of(), 1, Duration.ofSeconds(5), work)).isInstanceOf(NoSuchElementException.class)
                .hasMessageContaining("installed: [ok]");
        assertThatThrownBy(() -> profiler.profile("ok", List.of("x".repeat(300)), 1, Duration.ofSeconds(5), work)).hasMessageStartingWith("args:");
        assertThatThrownBy(() -> profiler.profile("ok", List.of(), 0, Duration.ofSeconds(5), work)).hasMessageStartingWith("runs:");
    }
}
