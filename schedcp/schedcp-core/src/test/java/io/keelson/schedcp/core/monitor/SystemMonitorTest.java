package io.keelson.schedcp.core.monitor;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

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
        SystemMonitor.Summary s = SystemMonitor.summarise(Duration.ofSeconds(2), readings, List.of(new ProcessDelays.Delayed(7, "make", 300),
                new ProcessDelays.Delayed(8, "cc1", 100)));
        assertThat(s.sampleCount()).isEqualTo(3);
        assertThat(s.cpuAvg()).isCloseTo(30, within(1e-9));
        assertThat(s.cpuMax()).isCloseTo(50, within(1e-9));
        assertThat(s.memoryMaxPercent()).isCloseTo(75, within(1e-9));
        assertThat(s.memoryAvgPercent()).isCloseTo(175.0 / 3, within(1e-9));
        assertThat(s.memoryAvgUsedMb()).isCloseTo((512 + 768 + 512) / 3.0, within(1e-9));
        assertThat(s.totalTimeslices()).isEqualTo(30);
        assertThat(s.avgRunTimeNs()).isCloseTo(100_000, within(1e-9));
        assertThat(s.processWaitMsPerSecond()).isCloseTo(200, within(1e-9));
        assertThat(s.mostDelayed()).extracting(ProcessDelays.Delayed::command).containsExactly("make", "cc1");
    }

    @Test
    void processWaitsAreTheirSchedstatDeltasAndAReusedPidIsANewProcess() throws Exception {
        Path proc = Files.createTempDirectory("proc");
        process(proc, 10, "sshd", 500, 2_000_000);
        process(proc, 11, "make", 900, 5_000_000);
        process(proc, 12, "gone", 950, 1_000_000);
        ProcessDelays before = ProcessDelays.snapshot(proc);
        process(proc, 10, "sshd", 500, 2_000_000);             // did not wait
        process(proc, 11, "make", 900, 45_000_000);            // waited 40 ms
        process(proc, 12, "(sd-pam) x", 2_000, 3_000_000);     // pid 12 reused by a new process: all its 3 ms count
        process(proc, 13, "cc1", 2_100, 7_000_000);            // born during the session
        Files.createDirectories(proc.resolve("14"));          // exited while being read
        Files.writeString(proc.resolve("meminfo"), "not a process");

        assertThat(ProcessDelays.snapshot(proc).since(before)).containsExactly(new ProcessDelays.Delayed(11, "make", 40),
                new ProcessDelays.Delayed(13, "cc1", 7), new ProcessDelays.Delayed(12, "(sd-pam) x", 3));
    }

    private static void process(Path proc, long pid, String comm, long startTicks, long waitNs) throws Exception {
        Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
        // /proc/PID/stat: pid (comm) state, then fields 4..52; field 22 is the start time in clock ticks
        StringBuilder stat = new StringBuilder(pid + " (" + comm + ") S");
        for (int field = 4; field <= 52; field++) {
            stat.append(' ').append(field == 22 ? startTicks : 0);
        }
        Files.writeString(dir.resolve("stat"), stat + "\n");
        // two threads, the wait split between them
        Files.writeString(Files.createDirectories(dir.resolve("task").resolve(Long.toString(pid))).resolve("schedstat"), "123456 " + waitNs / 4 + " 42\n");
        Files.writeString(Files.createDirectories(dir.resolve("task").resolve(Long.toString(pid + 1000))).resolve("schedstat"),
                "7 " + (waitNs - waitNs / 4) + " 1\n");
    }

    @Test
    void aSessionOnThisHostSamplesUntilStoppedAndSeesWhoWaitedToRun() throws Exception {
        try (SystemMonitor monitor = new SystemMonitor(Path.of("/proc"), Clock.systemUTC(), Duration.ofMillis(50))) {
            String id = monitor.start();
            // more spinning threads than CPUs: this JVM's threads must wait on the run queues
            AtomicBoolean spin = new AtomicBoolean(true);
            List<Thread> spinners = IntStream.range(0, Runtime.getRuntime().availableProcessors() + 2)
                    .mapToObj(i -> new Thread(() -> {
                        while (spin.get()) {
                            Thread.onSpinWait();
                        }
                    })).toList();
            spinners.forEach(Thread::start);
            Thread.sleep(300);
            spin.set(false);
            for (Thread t : spinners) {
                t.join();
            }
            SystemMonitor.Summary s = monitor.stop(id);
            assertThat(s.mostDelayed()).extracting(ProcessDelays.Delayed::pid).contains(ProcessHandle.current().pid());
            assertThat(s.processWaitMsPerSecond()).isPositive();
            assertThat(s.sampleCount()).isGreaterThanOrEqualTo(3);
            assertThat(s.memoryAvgPercent()).isBetween(0.1, 100.0);
            assertThat(s.cpuMax()).isBetween(0.0, 100.0);
            assertThatThrownBy(() -> monitor.stop(id)).isInstanceOf(NoSuchElementException.class).hasMessageStartingWith("session_id:");
        }
    }
}
