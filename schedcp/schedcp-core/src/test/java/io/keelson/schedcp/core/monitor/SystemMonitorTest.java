package io.keelson.schedcp.core.monitor;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SystemMonitorTest {

    @Test
    void theSummaryAveragesCpuFromCounterDeltasAndMemoryFromEachReading() {
        List<SystemMonitor.Reading> readings = List.of(
                new SystemMonitor.Reading(100, 1_000, 1_048_576, 524_288, true, 1_000_000, 10),
                new SystemMonitor.Reading(150, 1_100, 1_048_576, 262_144, true, 3_000_000, 30),  // 50 % busy, 75 % memory
                new SystemMonitor.Reading(160, 1_200, 1_048_576, 524_288, true, 4_000_000, 40)); // 10 % busy, 50 % memory
        SystemMonitor.Summary s = SystemMonitor.summarise(Duration.ofSeconds(2), readings);
        assertThat(s.sampleCount()).isEqualTo(3);
        assertThat(s.cpuAvg()).isCloseTo(30, within(1e-9));
        assertThat(s.cpuMax()).isCloseTo(50, within(1e-9));
        assertThat(s.memoryMaxPercent()).isCloseTo(75, within(1e-9));
        assertThat(s.memoryAvgPercent()).isCloseTo(175.0 / 3, within(1e-9));
        assertThat(s.memoryAvgUsedMb()).isCloseTo((512 + 768 + 512) / 3.0, within(1e-9));
        assertThat(s.totalTimeslices()).isEqualTo(30);
        assertThat(s.avgRunTimeNs()).isCloseTo(100_000, within(1e-9));
    }

    @Test
    void aSessionOnThisHostSamplesUntilStopped() throws Exception {
        try (SystemMonitor monitor = new SystemMonitor(Path.of("/proc"), Clock.systemUTC(), Duration.ofMillis(50))) {
            String id = monitor.start();
            Thread.sleep(300);
            SystemMonitor.Summary s = monitor.stop(id);
            assertThat(s.sampleCount()).isGreaterThanOrEqualTo(3);
            assertThat(s.memoryAvgPercent()).isBetween(0.1, 100.0);
            assertThat(s.cpuMax()).isBetween(0.0, 100.0);
            assertThatThrownBy(() -> monitor.stop(id)).isInstanceOf(NoSuchElementException.class).hasMessageStartingWith("session_id:");
        }
    }
}
