package io.keelson.sysom.agent;

import io.keelson.sysom.core.Medians;
import io.keelson.sysom.core.timeline.ClockAlignment;
import io.keelson.sysom.core.timeline.RankStep;
import io.keelson.sysom.core.trace.HostSample;
import io.keelson.sysom.core.trace.KinetoReader;
import io.keelson.sysom.core.trace.NcclEvent;
import io.keelson.sysom.core.trace.ReadReport;
import io.keelson.sysom.core.trace.TraceEvent;
import io.keelson.sysom.core.trace.TraceInfo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * A PyTorch profiler (Kineto) trace as per-step reports: each {@code ProfilerStep#N} annotation is a step; the GPU
 * work after its start (until the next step's) is the step's — compute kernels, host-device copies, and NCCL
 * kernels as collectives (the kernel's span stands for arrival to completion, its duration for the transfer: one
 * rank's trace cannot split waiting from sending; {@link #splitWaits} does, from several ranks' traces). The step ends with its last CPU or GPU event.
 */
public final class KinetoSteps {

    /** The steps of one trace, with the rank and world size its {@code distributedInfo} names, and what reading it found. */
    public record Steps(OptionalInt rank, OptionalInt worldSize, List<RankStep> steps, ReadReport report) {
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
            out.add(new Steps(rank.rank(), rank.worldSize(), rank.steps().stream().map(step -> step.shifted(refined)).toList(), rank.report()));
        }
        return out;
    }

    private static final double MATCH_MICROS = 2_000;

    /**
     * Splits waiting from sending in ranks' traces already on one clock ({@link #align}): a collective completes on all
     * its ranks at (nearly) the same instant, so per step and communicator, kernels of different ranks whose ends lie
     * within {@value #MATCH_MICROS} µs are one collective. They get one sequence number (in end order, so the server
     * pairs them), and each rank's send becomes its span after the last rank arrived; the rest of its span was waiting.
     * A kernel no other rank matches keeps its span as its send.
     */
    public static List<Steps> splitWaits(List<Steps> aligned) {
        record Member(int rank, int step, int index, NcclEvent event) {
        }
        Map<List<Object>, List<Member>> byStepAndCommunicator = new HashMap<>();
        for (int r = 0; r < aligned.size(); r++) {
            List<RankStep> steps = aligned.get(r).steps();
            for (int s = 0; s < steps.size(); s++) {
                List<NcclEvent> collectives = steps.get(s).collectives();
                for (int i = 0; i < collectives.size(); i++) {
                    NcclEvent e = collectives.get(i);
                    byStepAndCommunicator.computeIfAbsent(List.of(steps.get(s).step(), e.communicator()), k -> new ArrayList<>())
                            .add(new Member(r, s, i, e));
                }
            }
        }
        Map<Member, NcclEvent> rewritten = new HashMap<>();
        for (List<Member> members : byStepAndCommunicator.values()) {
            members.sort(Comparator.comparingDouble(m -> m.event().endMicros()));
            List<List<Member>> clusters = new ArrayList<>();
            for (Member m : members) {
                List<Member> open = clusters.isEmpty() ? null : clusters.get(clusters.size() - 1);
                if (open == null || m.event().endMicros() - open.get(0).event().endMicros() > MATCH_MICROS
                        || open.stream().anyMatch(o -> o.rank() == m.rank())) {
                    open = new ArrayList<>();
                    clusters.add(open);
                }
                open.add(m);
            }
            for (int c = 0; c < clusters.size(); c++) {
                List<Member> cluster = clusters.get(c);
                double lastArrival = cluster.stream().mapToDouble(m -> m.event().startMicros()).max().orElseThrow();
                for (Member m : cluster) {
                    NcclEvent e = m.event();
                    double send = cluster.size() > 1 ? Math.max(0, e.endMicros() - lastArrival) : e.sendMicros();
                    rewritten.put(m, new NcclEvent(e.communicator(), e.collective(), c, e.bytes(), e.rank(), e.peer(), e.startMicros(), e.endMicros(), send));
                }
            }
        }
        List<Steps> out = new ArrayList<>();
        for (int r = 0; r < aligned.size(); r++) {
            Steps rank = aligned.get(r);
            List<RankStep> steps = new ArrayList<>();
            for (int s = 0; s < rank.steps().size(); s++) {
                RankStep step = rank.steps().get(s);
                List<NcclEvent> collectives = new ArrayList<>();
                for (int i = 0; i < step.collectives().size(); i++) {
                    collectives.add(rewritten.get(new Member(r, s, i, step.collectives().get(i))));
                }
                steps.add(new RankStep(step.rank(), step.step(), step.startMicros(), step.endMicros(), collectives, step.computeMicros(),
                        step.memcpyMicros(), step.stacks(), step.host()));
            }
            out.add(new Steps(rank.rank(), rank.worldSize(), steps, rank.report()));
        }
        return out;
    }

    private static Double nearest(TreeMap<Double, Boolean> ends, double t) {
        Double below = ends.floorKey(t);
        Double above = ends.ceilingKey(t);
        if (below == null) {
            return above;
        }
        return above == null || t - below <= above - t ? below : above;
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
        return new Steps(info.rank(), info.worldSize(), steps, info.report());
    }
}
