package io.keelson.sysom.agent;

import io.keelson.sysom.core.Medians;
import io.keelson.sysom.core.timeline.ClockAlignment;
import io.keelson.sysom.core.timeline.RankStep;
import io.keelson.sysom.core.trace.HostSample;
import io.keelson.sysom.core.trace.KinetoReader;
import io.keelson.sysom.core.trace.NcclEvent;
import io.keelson.sysom.core.trace.TraceEvent;
import io.keelson.sysom.core.trace.TraceInfo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * A PyTorch profiler (Kineto) trace as per-step reports: each {@code ProfilerStep#N} annotation is a step; the GPU
 * work after its start (until the next step's) is the step's — compute kernels, host-device copies, and NCCL
 * kernels as collectives (the kernel's span stands for arrival to completion, its duration for the transfer:
 * a kernel trace cannot split waiting from sending). The step ends with its last CPU or GPU event.
 */
public final class KinetoSteps {

    /** The steps of one trace, with the rank and world size its {@code distributedInfo} names. */
    public record Steps(OptionalInt rank, OptionalInt worldSize, List<RankStep> steps) {
    }

    private KinetoSteps() {
    }

    /**
     * Puts several ranks' steps on one clock, the first rank's. A collective completes on all its ranks at (nearly) the
     * same instant, but real traces do not pair collectives by index (pipeline send/receive kernels differ per rank),
     * so: a coarse offset from the ranks' step starts (steps begin together after a synchronous step), then the median
     * gap between each collective end and the nearest end on the first rank in the same communicator, within
     * {@value #MATCH_MICROS} µs after the coarse shift. Without matches the coarse offset stands.
     */
    public static List<Steps> align(List<Steps> ranks) {
        if (ranks.size() < 2) {
            return ranks;
        }
        Steps reference = ranks.get(0);
        Map<Integer, Double> referenceStarts = new TreeMap<>();
        Map<String, TreeMap<Double, Boolean>> referenceEnds = new TreeMap<>();
        for (RankStep step : reference.steps()) {
            referenceStarts.put(step.step(), step.startMicros());
            step.collectives().forEach(c -> referenceEnds.computeIfAbsent(c.communicator(), k -> new TreeMap<>()).put(c.endMicros(), true));
        }
        List<Steps> out = new ArrayList<>(List.of(reference));
        for (Steps rank : ranks.subList(1, ranks.size())) {
            List<Double> starts = new ArrayList<>();
            rank.steps().stream().filter(s -> referenceStarts.containsKey(s.step()))
                    .forEach(s -> starts.add(s.startMicros() - referenceStarts.get(s.step())));
            double offset = starts.isEmpty() ? 0 : Medians.of(starts);
            List<Double> gaps = new ArrayList<>();
            for (RankStep step : rank.steps()) {
                for (NcclEvent c : step.collectives()) {
                    TreeMap<Double, Boolean> ends = referenceEnds.get(c.communicator());
                    Double near = ends == null ? null : nearest(ends, c.endMicros() - offset);
                    if (near != null && Math.abs(c.endMicros() - offset - near) <= MATCH_MICROS) {
                        gaps.add(c.endMicros() - near);
                    }
                }
            }
            double refined = gaps.isEmpty() ? offset : Medians.of(gaps);
            out.add(new Steps(rank.rank(), rank.worldSize(), rank.steps().stream().map(step -> shift(step, refined)).toList()));
        }
        return out;
    }

    private static final double MATCH_MICROS = 2_000;

    private static Double nearest(TreeMap<Double, Boolean> ends, double t) {
        Double below = ends.floorKey(t);
        Double above = ends.ceilingKey(t);
        if (below == null) {
            return above;
        }
        return above == null || t - below <= above - t ? below : above;
    }

    private static RankStep shift(RankStep s, double offset) {
        if (offset == 0) {
            return s;
        }
        List<NcclEvent> collectives = s.collectives().stream().map(e -> new NcclEvent(e.communicator(), e.collective(), e.sequence(), e.bytes(),
                e.rank(), e.peer(), e.startMicros() - offset, e.endMicros() - offset, e.sendMicros())).toList();
        return new RankStep(s.rank(), s.step(), s.startMicros() - offset, s.endMicros() - offset, collectives, s.computeMicros(),
                s.memcpyMicros(), s.stacks(), s.host());
    }

    public static Steps read(Path trace) throws IOException {
        TreeMap<Double, Integer> starts = new TreeMap<>(); // step start -> step number
        Map<Integer, double[]> spans = new TreeMap<>();  // step -> start, end
        List<TraceEvent> gpu = new ArrayList<>();
        TraceInfo info = new KinetoReader().read(trace, e -> {
            if (e.name().startsWith("ProfilerStep#") && e.phase() == 'X' && !e.onGpu()) {
                try {
                    int step = Integer.parseInt(e.name().substring("ProfilerStep#".length()));
                    starts.put(e.tsMicros(), step);
                    spans.merge(step, new double[]{e.tsMicros(), e.endMicros()},
                            (a, b) -> new double[]{Math.min(a[0], b[0]), Math.max(a[1], b[1])});
                } catch (NumberFormatException ignored) {
                    // an annotation that only looks like a step
                }
            } else if (e.onGpu() && e.phase() == 'X') {
                gpu.add(e);
            }
        });
        int rank = info.rank().orElse(0);
        Map<Integer, double[]> totals = new TreeMap<>(); // compute, memcpy, last end
        Map<Integer, List<NcclEvent>> collectives = new TreeMap<>();
        for (TraceEvent e : gpu) {
            Map.Entry<Double, Integer> owner = starts.floorEntry(e.tsMicros());
            if (owner == null) {
                continue; // GPU work from before the first step
            }
            int step = owner.getValue();
            double[] t = totals.computeIfAbsent(step, s -> new double[3]);
            if (e.communication()) {
                List<NcclEvent> list = collectives.computeIfAbsent(step, s -> new ArrayList<>());
                list.add(new NcclEvent("nccl-stream" + e.tid(), e.name(), list.size(), 0, rank, rank, e.tsMicros(), e.endMicros(), e.durMicros()));
            } else if (e.category().equals("kernel")) {
                t[0] += e.durMicros();
            } else {
                t[1] += e.durMicros();
            }
            t[2] = Math.max(t[2], e.endMicros());
        }
        List<RankStep> steps = new ArrayList<>();
        spans.forEach((step, span) -> {
            double[] t = totals.getOrDefault(step, new double[3]);
            steps.add(new RankStep(rank, step, span[0], Math.max(span[1], t[2]), collectives.getOrDefault(step, List.of()), t[0], t[1],
                    Map.of(), new HostSample(0, 0, 0)));
        });
        return new Steps(info.rank(), info.worldSize(), steps);
    }
}
