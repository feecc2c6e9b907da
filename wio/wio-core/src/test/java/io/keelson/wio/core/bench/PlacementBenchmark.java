package io.keelson.wio.core.bench;

import io.keelson.wio.core.actor.ActorInstance;
import io.keelson.wio.core.actor.ActorModule;
import io.keelson.wio.core.actor.Actors;
import io.keelson.wio.core.actor.CallLimit;
import io.keelson.wio.core.migrate.ActorExecutor;
import io.keelson.wio.core.migrate.DeployedActor;
import io.keelson.wio.core.migrate.DrainAndSwitch;
import io.keelson.wio.core.region.ControlBlock;
import io.keelson.wio.core.region.CxlRegion;
import io.keelson.wio.core.region.SlotLayout;
import io.keelson.wio.core.sched.AgilityScheduler;
import io.keelson.wio.core.sched.Placement;
import io.keelson.wio.core.sched.PlacementPolicy;
import io.keelson.wio.core.sim.Calibration;
import io.keelson.wio.core.sim.Platform;
import io.keelson.wio.core.sim.SimReport;
import io.keelson.wio.core.sim.StorageSimulator;
import io.keelson.wio.core.sim.Workload;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Issue 9's simulated benchmark: 30 simulated minutes of a write-heavy stream of 4 KiB records through the actor
 * pipeline onto the emulated computational SSD, placed static-host, static-device or reversible (the agility-aware
 * scheduler), same seed for all; at 60, 80 and 100 % of the device's compute. The host's per-core pipeline rate, the
 * compression and the migration pause are first measured for real here, and printed with every other constant.
 */
public final class PlacementBenchmark {

    private PlacementBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Calibration c = calibrate();
        Platform p = Platform.standard();
        System.out.printf(Locale.ROOT, "Calibrated here: pipeline (logfmt → crc32c → lz, compiled) %.1f MB/s per host core, its CPU time %s; "
                + "compressed to %.2f of its input; drain-and-switch pause %.1f µs (median of 10,000 single-thread switches).%n",
                c.hostCoreBytesPerSecond() / 1e6, c.stages().stream().map(s -> String.format(Locale.ROOT, "%s %.1f %%", s.actor(), s.share() * 100))
                        .collect(Collectors.joining(", ")), c.compressionRatio(), c.migrationPauseSeconds() * 1e6);
        System.out.printf(Locale.ROOT, "Model: host %d cores for actors (%.1f MB/s); device %d cores at %.1f× a host core (%.1f MB/s); device power %.0f W "
                        + "serving the stream + %.0f W at full compute, cap %.0f W; thermal %s; flash %s (buffered 1.6 KiB write %.1f µs).%n",
                p.hostCores(), p.hostBytesPerSecond(c) / 1e6, p.deviceCores(), p.deviceCoreSpeed(), p.deviceBytesPerSecond(c) / 1e6, p.ioWatts(),
                p.computeWatts(), p.powerCapWatts(), p.thermal(), p.nand(), p.nand().bufferedWriteMicros(1638));
        System.out.println();
        System.out.println("| offered (share of device compute) | placement | throughput MB/s (30 min) | last 10 min | write p50 | p99 | p99.9 "
                + "| migrations | host CPU-s | device's share of the work | max °C | throttled s | still queued at the end |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (double share : new double[] {0.6, 0.8, 1.0, 2.0}) {
            Workload w = new Workload(share * p.deviceBytesPerSecond(c), 4096, 1800, 2026);
            SimReport device = null;
            SimReport reversible = null;
            for (PlacementPolicy policy : List.of(PlacementPolicy.fixed(Placement.HOST), PlacementPolicy.fixed(Placement.DEVICE),
                    AgilityScheduler.standard(p))) {
                SimReport r = StorageSimulator.run(p, c, w, policy);
                System.out.printf(Locale.ROOT, "| %.1f MB/s (%.0f %%) | %s | %.1f | %.1f | %s | %s | %s | %d | %.0f | %.0f %% | %.1f | %.0f | %,d |%n",
                        w.offeredBytesPerSecond() / 1e6, share * 100, r.policy(), r.throughputBytesPerSecond() / 1e6, r.lateThroughputBytesPerSecond() / 1e6,
                        time(r.p50Seconds()), time(r.p99Seconds()), time(r.p999Seconds()), r.migrations(), r.hostCpuSeconds(), r.deviceWorkShare() * 100,
                        r.maxTemperatureC(),
                        r.secondsLightThrottle() + r.secondsHeavyThrottle(), r.unfinishedRecords());
                device = policy.name().equals("static-device") ? r : device;
                reversible = policy.name().equals("reversible") ? r : reversible;
            }
            System.out.printf(Locale.ROOT, "|  | reversible vs static-device | **%.2fx** | **%.2fx** |  | **%.0fx lower** |  |  |  |  |  |  |  |%n",
                    reversible.throughputBytesPerSecond() / device.throughputBytesPerSecond(),
                    reversible.lateThroughputBytesPerSecond() / device.lateThroughputBytesPerSecond(), device.p99Seconds() / reversible.p99Seconds());
        }
    }

    private static String time(double seconds) {
        return seconds >= 1 ? String.format(Locale.ROOT, "%.1f s", seconds) : String.format(Locale.ROOT, "%.3f ms", seconds * 1e3);
    }

    /** Runs the pipeline's actors for real on 4 KiB worth of log lines per record, and times drain-and-switch on one thread. */
    static Calibration calibrate() {
        List<byte[]> lines = MigrationBenchmark.logLines(40_000, 9);
        try (CallLimit limit = new CallLimit(Duration.ofSeconds(10)); CxlRegion region = CxlRegion.inProcess(SlotLayout.standard(), 4)) {
            ActorInstance logfmt = Actors.load(Actors.LOGFMT, ActorModule.Execution.COMPILED).instantiate(region.slot(0), limit);
            ActorInstance crc = Actors.load(Actors.CRC32C, ActorModule.Execution.COMPILED).instantiate(region.slot(1), limit);
            ActorInstance lz = Actors.load(Actors.LZ, ActorModule.Execution.COMPILED).instantiate(region.slot(2), limit);
            logfmt.init();
            crc.init();
            lz.init();
            long in = 0;
            long out = 0;
            long best = Long.MAX_VALUE;
            long[] bestStages = null;
            for (int pass = 0; pass < 8; pass++) {
                in = 0;
                out = 0;
                long[] stages = new long[3]; // each actor's time, to weigh the stages
                long t0 = System.nanoTime();
                for (byte[] line : lines) {
                    long a = System.nanoTime();
                    byte[] parsed = ((ActorInstance.Output) logfmt.process(line)).bytes();
                    long b = System.nanoTime();
                    byte[] checked = ((ActorInstance.Output) crc.process(parsed)).bytes();
                    long d = System.nanoTime();
                    out += ((ActorInstance.Output) lz.process(checked)).bytes().length;
                    long e = System.nanoTime();
                    stages[0] += b - a;
                    stages[1] += d - b;
                    stages[2] += e - d;
                    in += line.length;
                }
                long took = System.nanoTime() - t0;
                if (took < best) {
                    best = took;
                    bestStages = stages;
                }
            }
            double staged = Arrays.stream(bestStages).sum();
            List<Calibration.Stage> shares = List.of(new Calibration.Stage("logfmt", bestStages[0] / staged),
                    new Calibration.Stage("crc32c", bestStages[1] / staged), new Calibration.Stage("lz", bestStages[2] / staged));
            DeployedActor actor = DeployedActor.deploy(Actors.load(Actors.CRC32C, ActorModule.Execution.COMPILED), region.slot(3), Optional.empty(),
                    ControlBlock.Side.HOST, limit, (seq, o) -> { });
            long[] pauses = new long[10_000];
            for (int i = 0; i < pauses.length; i++) {
                ControlBlock.Side from = actor.owner();
                long t0 = System.nanoTime();
                long epoch = DrainAndSwitch.request(actor.slot().control());
                actor.executor(from).run(1);
                DrainAndSwitch.tryTakeOver(actor.slot().control(), actor.other(), epoch);
                pauses[i] = System.nanoTime() - t0;
            }
            Arrays.sort(pauses);
            if (actor.executor(actor.owner()).run(1) != ActorExecutor.Stop.IDLE) {
                throw new AssertionError("the actor should be idle after the switches");
            }
            return new Calibration(in / (best / 1e9), shares, (double) out / in, pauses[pauses.length / 2] / 1e9);
        }
    }
}
