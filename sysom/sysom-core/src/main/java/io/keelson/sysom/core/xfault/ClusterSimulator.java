package io.keelson.sysom.core.xfault;

import io.keelson.sysom.core.timeline.RankStep;
import io.keelson.sysom.core.trace.HostSample;
import io.keelson.sysom.core.trace.NcclEvent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * XFault's deterministic cluster: a synchronous training job over a {@link Topology}, each step a data load, then
 * per layer host work and the layer's kernels (from a real {@link KernelProfile}) followed by a tensor-parallel
 * all-reduce, a pipeline send/receive between adjacent stages, and the data-parallel gradient all-reduce. A
 * collective completes when its last rank has arrived plus the ring's slowest edge transfer, so one slow rank
 * makes its peers wait and one slow link slows its whole ring, as on a real cluster. Every random draw is a
 * function of (seed, step, rank, what), so a run is reproducible and independent of iteration order.
 */
public final class ClusterSimulator {

    /**
     * @param jitter relative standard deviation of every duration (rank to rank and step to step)
     * @param dataMicros, hostMicros, memcpyMicros healthy data loading per step, host work per layer, batch copy to the GPU
     * @param tpBytes, dpBytes message sizes; {@code nvlinkBytesPerMicro}/{@code nicBytesPerMicro} the link speeds
     * @param hiccupRate chance per rank and step of a healthy transient (a GC pause, a page-cache flush) that delays the
     *                   rank's host work by 10–50 % of its step for that one step: noise a detector must not report
     */
    public record Config(Topology topology, KernelProfile profile, double jitter, double dataMicros, double hostMicros, double memcpyMicros,
                         long tpBytes,
                         long dpBytes, double nvlinkBytesPerMicro, double nicBytesPerMicro, double hiccupRate, long seed) {

        public static Config of(Topology topology, KernelProfile profile, long seed) {
            double compute = profile.computeMicros();
            return new Config(topology, profile, 0.02, 0.08 * compute, 0.12 * compute / profile.layers(), 0.05 * compute,
                    8L << 20, 64L << 20, 300_000, 25_000, 0.002, seed);
        }
    }

    private final Config config;
    private final List<Fault> faults;
    private final double healthyBusy; // every rank's data + host + compute + copies with no fault and no jitter
    private final List<List<Integer>> tpGroups;
    private final List<List<Integer>> dpGroups;
    private final List<List<Integer>> ppPairs;
    private double clock;
    private int nextStep;
    private boolean hung;

    public ClusterSimulator(Config config, List<Fault> faults) {
        this.config = config;
        this.faults = List.copyOf(faults);
        Topology t = config.topology();
        this.tpGroups = t.tpGroups();
        this.dpGroups = t.dpGroups();
        this.ppPairs = t.ppPairs();
        this.healthyBusy = config.dataMicros() + config.hostMicros() * config.profile().layers() + config.profile().computeMicros()
                + config.memcpyMicros();
        for (Fault f : faults) {
            if (f.culprit() instanceof Culprit.Rank r && (r.rank() < 0 || r.rank() >= t.ranks())) {
                throw new IllegalArgumentException("fault " + f + " names a rank outside " + t);
            }
        }
    }

    /** Whether the job has hung (a rank never arrived at a collective); no step runs after that. */
    public boolean hung() {
        return hung;
    }

    /** Runs the next step: one {@link RankStep} per rank (empty once the job has hung). */
    public List<RankStep> step() {
        if (hung) {
            return List.of();
        }
        int step = nextStep++;
        Topology t = config.topology();
        int n = t.ranks();
        double start = clock;
        double[] now = new double[n];
        double[] compute = new double[n];
        double[] memcpy = new double[n];
        double[] data = new double[n];
        double[] host = new double[n];
        double[] memStall = new double[n];
        double[] cpuStall = new double[n];
        List<List<NcclEvent>> events = new ArrayList<>(n);
        for (int r = 0; r < n; r++) {
            events.add(new ArrayList<>());
            data[r] = config.dataMicros() * jitter(step, r, 1) + extra(step, r, FaultClass.DATA_LOADER_STALL);
            cpuStall[r] = extra(step, r, FaultClass.CPU_CONTENTION) + hiccup(step, r);
            memStall[r] = extra(step, r, FaultClass.MEMORY_PRESSURE);
            memcpy[r] = config.memcpyMicros() * jitter(step, r, 2) + extra(step, r, FaultClass.PCIE_NIC_DEGRADATION);
            now[r] = start + data[r] + memcpy[r];
        }
        int layers = config.profile().layers();
        for (int l = 0; l < layers; l++) {
            for (int r = 0; r < n; r++) {
                double layerHost = config.hostMicros() * jitter(step, r, 100 + l) + (cpuStall[r] + memStall[r]) / layers;
                double kernels = 0;
                double[] ks = config.profile().layerKernelMicros()[l];
                for (int k = 0; k < ks.length; k++) {
                    kernels += ks[k];
                }
                kernels = kernels * jitter(step, r, 1000 + l) + extra(step, r, FaultClass.GPU_STRAGGLER) / layers;
                host[r] += layerHost;
                compute[r] += kernels;
                now[r] += layerHost + kernels;
            }
            if (t.tp() > 1) {
                for (int g = 0; g < tpGroups.size(); g++) {
                    collective(tpGroups.get(g), "tp" + g, "allreduce", (long) step * layers + l, config.tpBytes(), config.nvlinkBytesPerMicro(),
                            step, now, events, -1);
                }
            }
        }
        for (List<Integer> pair : ppPairs) {
            collective(pair, "pp" + pair.get(0) + "-" + pair.get(1), "sendrecv", step, config.tpBytes(), config.nicBytesPerMicro(), step,
                    now, events, -1);
        }
        int hangRank = hangingRank(step);
        for (int g = 0; g < dpGroups.size(); g++) {
            collective(dpGroups.get(g), "dp" + g, "allreduce", step, config.dpBytes(), config.nicBytesPerMicro(), step, now, events, hangRank);
        }
        List<RankStep> out = new ArrayList<>(n);
        double end = 0;
        for (int r = 0; r < n; r++) {
            end = Double.isNaN(now[r]) ? end : Math.max(end, now[r]);
        }
        for (int r = 0; r < n; r++) {
            // a rank's step ends with its own last collective; the wait for the slowest group until the next step is not its work
            out.add(new RankStep(r, step, start, now[r], events.get(r), compute[r], memcpy[r],
                    stacks(data[r], host[r] - memStall[r], memStall[r]), host(step, r, cpuStall[r], memStall[r])));
        }
        if (hangRank >= 0) {
            hung = true;
        }
        clock = end + 50; // optimizer step and the next step's start
        return out;
    }

    /**
     * Runs one collective over {@code group} (ring order): it completes at the last arrival plus the slowest edge's
     * transfer. A {@code missing} rank never arrives: the others' events stay open (end NaN) and their clocks stop.
     */
    private void collective(List<Integer> group, String communicator, String name, long sequence, long bytes, double bytesPerMicro,
                            int step, double[] now, List<List<NcclEvent>> events, int missing) {
        int size = group.size();
        double last = 0;
        double slowest = 0;
        double[] send = new double[size];
        boolean complete = true;
        for (int i = 0; i < size; i++) {
            int r = group.get(i);
            int next = group.get((i + 1) % size);
            last = Math.max(last, now[r]);
            // ring all-reduce: each rank sends 2(n-1)/n of the buffer to its successor
            double healthy = size == 1 ? 0 : 2.0 * (size - 1) / size * bytes / bytesPerMicro;
            send[i] = healthy * jitter(step, r, communicator.hashCode()) * linkFactor(step, r, next);
            slowest = Math.max(slowest, send[i]);
            complete &= r != missing;
        }
        double end = complete ? last + slowest : Double.NaN;
        for (int i = 0; i < size; i++) {
            int r = group.get(i);
            if (r == missing) {
                continue; // it never arrived, so it reports nothing for this collective
            }
            events.get(r).add(new NcclEvent(communicator, name, sequence, bytes, r, group.get((i + 1) % size), now[r], end, send[i]));
            now[r] = end;
        }
        if (!complete) {
            now[missing] = Double.NaN;
        }
    }

    private double linkFactor(int step, int from, int to) {
        double factor = 1;
        for (Fault f : faults) {
            if (step < f.onset()) {
                continue;
            }
            if (f instanceof Fault.SlowLink link && link.from() == from && link.to() == to) {
                factor *= 1 + link.slowdown();
            } else if (f instanceof Fault.PcieNicDegradation nic && (nic.rank() == from || nic.rank() == to)) {
                factor *= 1 + nic.slowdown();
            }
        }
        return factor;
    }

    /** Extra time the active faults of {@code kind} cost rank {@code r} in this step: slowdown × its healthy work. */
    private double extra(int step, int r, FaultClass kind) {
        double extra = 0;
        for (Fault f : faults) {
            if (step >= f.onset() && f.faultClass() == kind && f instanceof Fault.SlowRank slow && slow.rank() == r) {
                extra += slow.slowdown() * healthyBusy * jitter(step, r, 7 + kind.ordinal());
            }
        }
        return extra;
    }

    private double hiccup(int step, int r) {
        SplittableRandom random = new SplittableRandom(key(step, r, 99));
        return random.nextDouble() < config.hiccupRate() ? healthyBusy * (0.1 + 0.4 * random.nextDouble()) : 0;
    }

    private int hangingRank(int step) {
        for (Fault f : faults) {
            if (f instanceof Fault.CollectiveHang h && h.onset() == step) {
                return h.rank();
            }
        }
        return -1;
    }

    /** CPU samples at 1 per ms of wall time, by what the process was doing. */
    private static Map<String, Long> stacks(double dataMicros, double hostMicros, double reclaimMicros) {
        Map<String, Long> stacks = new HashMap<>();
        stacks.put("python;train_step;dataloader;__next__;read_batch", Math.round(dataMicros / 1000));
        stacks.put("python;train_step;forward;launch_kernels", Math.round(hostMicros / 1000));
        if (reclaimMicros > 0) {
            stacks.put("python;train_step;forward;launch_kernels;page_fault;try_to_free_pages", Math.round(reclaimMicros / 1000));
        }
        return stacks;
    }

    private HostSample host(int step, int r, double cpuStall, double memStall) {
        return new HostSample(200 * jitter(step, r, 3) + cpuStall, Math.round(20 * jitter(step, r, 4) + memStall / 10),
                50 * jitter(step, r, 5));
    }

    private long key(int step, int rank, int what) {
        return config.seed() * 0x9E3779B97F4A7C15L ^ (long) step * 0xC2B2AE3D27D4EB4FL ^ (long) rank * 0x165667B19E3779F9L ^ what;
    }

    /** A multiplicative jitter, lognormal-ish around 1 with the configured spread; a pure function of its arguments. */
    private double jitter(int step, int rank, int what) {
        double g = new SplittableRandom(key(step, rank, what)).nextGaussian();
        return Math.max(0.5, 1 + config.jitter() * g);
    }
}
