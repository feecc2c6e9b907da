package io.keelson.sysom.agent;

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

    public static Steps read(Path trace) throws IOException {
        TreeMap<Double, int[]> starts = new TreeMap<>(); // step start -> step number
        Map<Integer, double[]> spans = new TreeMap<>();  // step -> start, end
        List<TraceEvent> gpu = new ArrayList<>();
        TraceInfo info = new KinetoReader().read(trace, e -> {
            if (e.name().startsWith("ProfilerStep#") && e.phase() == 'X' && !e.onGpu()) {
                try {
                    int step = Integer.parseInt(e.name().substring("ProfilerStep#".length()));
                    starts.put(e.tsMicros(), new int[]{step});
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
            Map.Entry<Double, int[]> owner = starts.floorEntry(e.tsMicros());
            if (owner == null) {
                continue; // GPU work from before the first step
            }
            int step = owner.getValue()[0];
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
