package io.keelson.sysom.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ProcSamplerTest {

    @Test
    void countersAreSummedOverThreadsAndRatesAreTakenPerSecond(@TempDir Path proc) throws Exception {
        Path pid = proc.resolve("42");
        Files.createDirectories(pid.resolve("task/42"));
        Files.createDirectories(pid.resolve("task/43"));
        Files.writeString(pid.resolve("task/42/schedstat"), "2000000000 5000000 100\n");
        Files.writeString(pid.resolve("task/43/schedstat"), "1000000000 1000000 50\n");
        Files.writeString(pid.resolve("status"), "Name:\tpython\nVmRSS:\t  2048 kB\nThreads:\t2\n");
        Files.writeString(pid.resolve("io"), "rchar: 1\nread_bytes: 4096\nwrite_bytes: 8192\n");
        Files.writeString(proc.resolve("vmstat"), "pgsteal_kswapd 10\npgsteal_direct 5\npgscan_kswapd 30\npgscan_direct 7\n");
        ProcSampler sampler = new ProcSampler(proc);
        ProcessSample first = sampler.sample(42).orElseThrow();
        assertThat(first.onCpuNanos()).isEqualTo(3_000_000_000L);
        assertThat(first.runQueueNanos()).isEqualTo(6_000_000L);
        assertThat(first.threads()).isEqualTo(2);
        assertThat(first.rssBytes()).isEqualTo(2048 * 1024);
        assertThat(first.readBytes()).isEqualTo(4096);
        assertThat(first.reclaimStolen()).isEqualTo(15);
        assertThat(first.reclaimScanned()).isEqualTo(37);

        Files.writeString(pid.resolve("task/42/schedstat"), "3000000000 9000000 150\n");
        ProcessSample later = new ProcessSample(first.nanos() + 2_000_000_000L, 4_000_000_000L, 10_000_000L, 2, first.rssBytes(),
                4096 + 2048, 8192, 37, 15 + 20);
        ProcessSample.Rates rates = later.since(first);
        assertThat(rates.cpus()).isEqualTo(0.5);
        assertThat(rates.schedDelayMicrosPerSecond()).isEqualTo(2000.0);
        assertThat(rates.readBytesPerSecond()).isEqualTo(1024.0);
        assertThat(rates.reclaimedPagesPerSecond()).isEqualTo(10.0);
        assertThat(sampler.sample(43)).isEmpty(); // a thread id is not a process directory here, and an absent pid is empty
    }

    @Test
    void thisJvmIsSampledForReal() {
        ProcSampler sampler = ProcSampler.host();
        ProcessSample me = sampler.sample(ProcessHandle.current().pid()).orElseThrow();
        assertThat(me.threads()).isGreaterThan(1);
        assertThat(me.onCpuNanos()).isPositive();
        assertThat(me.rssBytes()).isGreaterThan(1 << 20);
        long before = sampler.ownCpuNanos();
        Spinner.spin(System.nanoTime() + 200_000_000L);
        assertThat(sampler.ownCpuNanos() - before).isGreaterThan(100_000_000L);
        assertThat(sampler.sample(Integer.MAX_VALUE)).isEmpty();
    }
}
