package io.keelson.sysom.core.diagnosis;

import io.keelson.sysom.core.Medians;

import io.keelson.sysom.core.timeline.RankStep;
import io.keelson.sysom.core.trace.NcclEvent;
import io.keelson.sysom.core.xfault.Culprit;
import io.keelson.sysom.core.xfault.FaultClass;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The layered differential diagnosis over a window of steps. A collective that never completes names the ranks
 * that never arrived (a hang, L1). Otherwise: L0 finds ranks whose own work (busy time) stands out against the
 * job in several steps (robust z-score, so one slow rank cannot hide in a mean); L1 finds ring edges whose sends
 * stand out against the same communicator kind's edges (a slow link, or a rank whose every edge is slow: its NIC);
 * for each slow rank, L2 (compute and copy kernels), L3 (CPU stack samples) and L4 (scheduler delay, reclaim) each
 * measure how much of its extra time they account for against the peers' median, and the layer that accounts for
 * most names the fault class. The numbers each layer used travel with the finding as its evidence chain.
 */
public final class LayeredDiagnosis {

    /**
     * @param zThreshold     robust z-score above which a value stands out
     * @param minSlowdown    and it must also be at least this much above the median (ignores tight but harmless spreads)
     * @param minFlagged     steps of the window in which it must stand out
     * @param minExplained   share of a slow rank's extra time a layer must account for to name the class
     */
    public record Settings(double zThreshold, double minSlowdown, int minFlagged, double minExplained) {
        public static Settings defaults() {
            return new Settings(3.0, 0.05, 3, 0.5);
        }
    }

    static final String DATALOADER_FRAME = "dataloader";
    static final String RECLAIM_FRAME = "try_to_free_pages";
    private static final double SAMPLE_MICROS = 1000; // stack samples are taken once per ms

    private final Settings settings;

    public LayeredDiagnosis(Settings settings) {
        this.settings = settings;
    }

    public Report diagnose(List<List<RankStep>> window) {
        if (window.isEmpty()) {
            return new Report(0, 0, List.of());
        }
        List<RankStep> latest = window.get(window.size() - 1);
        int from = window.get(0).isEmpty() ? 0 : window.get(0).get(0).step();
        int to = latest.isEmpty() ? from : latest.get(0).step();
        List<Finding> findings = new ArrayList<>(hangs(latest));
        List<List<RankStep>> complete = window.stream().filter(s -> !s.isEmpty() && s.stream().allMatch(RankStep::completed)).toList();
        if (complete.size() >= settings.minFlagged()) {
            Map<Culprit, Finding> byCulprit = new HashMap<>();
            Set<Integer> nicRanks = new HashSet<>();
            for (Finding f : slowEdges(complete, nicRanks)) {
                byCulprit.put(f.culprit(), f);
            }
            for (Finding f : slowRanks(complete, nicRanks)) {
                byCulprit.merge(f.culprit(), f, LayeredDiagnosis::combine);
            }
            findings.addAll(byCulprit.values());
        }
        findings.sort(Comparator.comparingDouble((Finding f) -> f.confidence() * (1 + f.slowdown())).reversed());
        return new Report(from, to, findings);
    }

    /** The same culprit found by L1 (its NIC) and L0 (its busy time): one finding with both chains. */
    private static Finding combine(Finding a, Finding b) {
        List<Evidence> evidence = new ArrayList<>(a.evidence());
        evidence.addAll(b.evidence());
        Finding deeper = a.faultClass() == FaultClass.UNEXPLAINED_SLOWDOWN ? b : a;
        return new Finding(a.culprit(), deeper.faultClass(), deeper.layer(), Math.max(a.confidence(), b.confidence()),
                Math.max(a.slowdown(), b.slowdown()), evidence);
    }

    // ---- hangs ----

    private static List<Finding> hangs(List<RankStep> latest) {
        Map<String, Set<Integer>> arrived = new TreeMap<>();
        Map<String, Set<Integer>> members = new TreeMap<>();
        Map<String, Long> sequence = new HashMap<>();
        for (RankStep s : latest) {
            for (NcclEvent e : s.collectives()) {
                if (!e.completed()) {
                    arrived.computeIfAbsent(e.communicator(), k -> new TreeSet<>()).add(e.rank());
                    members.computeIfAbsent(e.communicator(), k -> new TreeSet<>()).addAll(List.of(e.rank(), e.peer()));
                    sequence.put(e.communicator(), e.sequence());
                }
            }
        }
        List<Finding> out = new ArrayList<>();
        arrived.forEach((communicator, present) -> {
            Set<Integer> missing = new TreeSet<>(members.get(communicator));
            missing.removeAll(present);
            for (int rank : missing) {
                out.add(new Finding(new Culprit.Rank(rank), FaultClass.COLLECTIVE_HANG, Layer.L1_COLLECTIVES, 0.99, 0,
                        List.of(new Evidence(Layer.L1_COLLECTIVES, communicator + " seq " + sequence.get(communicator) + " ranks arrived",
                                present.size(), members.get(communicator).size(), "rank " + rank + " never arrived; the others wait in the collective"))));
            }
        });
        return out;
    }

    // ---- L1: ring edges ----

    private List<Finding> slowEdges(List<List<RankStep>> steps, Set<Integer> nicRanks) {
        // per communicator kind (dp, pp, tp): edge -> per-step send time ratios against the kind's median
        Map<String, Map<List<Integer>, List<double[]>>> flags = new TreeMap<>();
        for (List<RankStep> step : steps) {
            Map<String, List<NcclEvent>> byKind = new TreeMap<>();
            for (RankStep s : step) {
                for (NcclEvent e : s.collectives()) {
                    byKind.computeIfAbsent(kind(e.communicator()), k -> new ArrayList<>()).add(e);
                }
            }
            byKind.forEach((kind, events) -> {
                // one sample per edge per step: the median of its sends in this step
                Map<List<Integer>, List<Double>> perEdge = new HashMap<>();
                events.forEach(e -> perEdge.computeIfAbsent(List.of(e.rank(), e.peer()), k -> new ArrayList<>()).add(e.sendMicros()));
                List<List<Integer>> edges = new ArrayList<>(perEdge.keySet());
                double[] values = edges.stream().mapToDouble(e -> Medians.of(perEdge.get(e).stream().mapToDouble(Double::doubleValue).toArray())).toArray();
                double[] z = StepTimes.robustZ(values);
                double med = Medians.of(values);
                for (int i = 0; i < edges.size(); i++) {
                    if (z[i] > settings.zThreshold() && values[i] / med - 1 > settings.minSlowdown()) {
                        flags.computeIfAbsent(kind, k -> new HashMap<>()).computeIfAbsent(edges.get(i), k -> new ArrayList<>())
                                .add(new double[]{values[i], med, z[i]});
                    }
                }
            });
        }
        // slow edges of every kind; a rank whose slow edges reach two or more different peers is itself slow (its NIC):
        // one slow link touches one peer, and a two-rank ring's both directions touch the same one
        Map<String, Map<List<Integer>, List<double[]>>> slow = new TreeMap<>();
        Map<Integer, Set<Integer>> peers = new HashMap<>();
        flags.forEach((kind, edges) -> edges.forEach((edge, f) -> {
            if (f.size() >= settings.minFlagged()) {
                slow.computeIfAbsent(kind, k -> new HashMap<>()).put(edge, f);
                peers.computeIfAbsent(edge.get(0), k -> new TreeSet<>()).add(edge.get(1));
                peers.computeIfAbsent(edge.get(1), k -> new TreeSet<>()).add(edge.get(0));
            }
        }));
        Set<Integer> nics = new TreeSet<>();
        peers.forEach((rank, p) -> {
            if (p.size() >= 2) {
                nics.add(rank);
            }
        });
        nicRanks.addAll(nics);
        List<Finding> out = new ArrayList<>();
        for (int rank : nics) {
            List<Evidence> evidence = new ArrayList<>();
            double ratio = 0;
            for (Map.Entry<String, Map<List<Integer>, List<double[]>>> kind : slow.entrySet()) {
                for (Map.Entry<List<Integer>, List<double[]>> e : kind.getValue().entrySet()) {
                    if (e.getKey().contains(rank)) {
                        double[] m = medianRow(e.getValue());
                        ratio = Math.max(ratio, m[0] / m[1] - 1);
                        evidence.add(new Evidence(Layer.L1_COLLECTIVES, kind.getKey() + " send " + e.getKey().get(0) + "→" + e.getKey().get(1)
                                + " µs", m[0], m[1], "slow in " + e.getValue().size() + " of " + steps.size() + " steps (z "
                                + String.format("%.1f", m[2]) + ")"));
                    }
                }
            }
            out.add(new Finding(new Culprit.Rank(rank), FaultClass.PCIE_NIC_DEGRADATION, Layer.L1_COLLECTIVES,
                    confidence(steps.size(), steps.size(), ratio), ratio, evidence));
        }
        slow.forEach((kind, edges) -> edges.forEach((edge, f) -> {
            if (nics.contains(edge.get(0)) || nics.contains(edge.get(1))) {
                return;
            }
            double[] m = medianRow(f);
            double ratio = m[0] / m[1] - 1;
            out.add(new Finding(new Culprit.Link(edge.get(0), edge.get(1)), FaultClass.SLOW_LINK, Layer.L1_COLLECTIVES,
                    confidence(f.size(), steps.size(), ratio), ratio, List.of(new Evidence(Layer.L1_COLLECTIVES,
                    kind + " send " + edge.get(0) + "→" + edge.get(1) + " µs", m[0], m[1], "slow in " + f.size() + " of " + steps.size()
                            + " steps while both ends' other edges are not: the link"))));
        }));
        return out;
    }

    private static String kind(String communicator) {
        int i = 0;
        while (i < communicator.length() && Character.isLetter(communicator.charAt(i))) {
            i++;
        }
        return communicator.substring(0, i);
    }

    // ---- L0 then L2–L4: slow ranks and what explains them ----

    private List<Finding> slowRanks(List<List<RankStep>> steps, Set<Integer> nicRanks) {
        int ranks = steps.get(0).stream().mapToInt(RankStep::rank).max().orElse(-1) + 1;
        int[] flagged = new int[ranks];
        List<List<Double>> slowdowns = new ArrayList<>();
        for (int r = 0; r < ranks; r++) {
            slowdowns.add(new ArrayList<>());
        }
        for (List<RankStep> step : steps) {
            double[] busy = new double[ranks];
            step.forEach(s -> busy[s.rank()] = s.busyMicros());
            double[] z = StepTimes.robustZ(busy);
            double med = Medians.of(busy);
            for (int r = 0; r < ranks; r++) {
                if (z[r] > settings.zThreshold() && busy[r] / med - 1 > settings.minSlowdown()) {
                    flagged[r]++;
                    slowdowns.get(r).add(busy[r] / med - 1);
                }
            }
        }
        List<Finding> out = new ArrayList<>();
        for (int r = 0; r < ranks; r++) {
            if (flagged[r] >= settings.minFlagged()) {
                out.add(explain(r, steps, flagged[r], Medians.of(slowdowns.get(r).stream().mapToDouble(Double::doubleValue).toArray()),
                        nicRanks.contains(r)));
            }
        }
        return out;
    }

    /** What one component of the step is worth on the suspect and on the median peer (medians over the steps). */
    private record Component(FaultClass cause, Layer layer, String metric, double value, double peer) {
        double excess() {
            return value - peer;
        }
    }

    private Finding explain(int rank, List<List<RankStep>> steps, int flagged, double slowdown, boolean nic) {
        List<Evidence> evidence = new ArrayList<>();
        double busy = medianOver(steps, rank, RankStep::busyMicros);
        double busyPeer = peerMedianOver(steps, RankStep::busyMicros);
        evidence.add(new Evidence(Layer.L0_STEP_TIME, "busy µs per step", busy, busyPeer,
                String.format("stands out in %d of %d steps (%.0f%% slower)", flagged, steps.size(), 100 * slowdown)));
        evidence.add(lateness(rank, steps));
        List<Component> components = List.of(
                new Component(FaultClass.GPU_STRAGGLER, Layer.L2_KERNELS, "compute kernels µs", medianOver(steps, rank, RankStep::computeMicros),
                        peerMedianOver(steps, RankStep::computeMicros)),
                new Component(FaultClass.PCIE_NIC_DEGRADATION, Layer.L2_KERNELS, "host-device copies µs", medianOver(steps, rank,
                        RankStep::memcpyMicros), peerMedianOver(steps, RankStep::memcpyMicros)),
                new Component(FaultClass.DATA_LOADER_STALL, Layer.L3_CPU_STACKS, "dataloader samples (ms)", medianOver(steps, rank,
                        s -> samples(s, DATALOADER_FRAME)), peerMedianOver(steps, s -> samples(s, DATALOADER_FRAME))),
                new Component(FaultClass.MEMORY_PRESSURE, Layer.L3_CPU_STACKS, "page-fault reclaim samples (ms)", medianOver(steps, rank,
                        s -> samples(s, RECLAIM_FRAME)), peerMedianOver(steps, s -> samples(s, RECLAIM_FRAME))),
                new Component(FaultClass.CPU_CONTENTION, Layer.L4_OS, "scheduler run-queue delay µs", medianOver(steps, rank,
                        s -> s.host().schedDelayMicros()), peerMedianOver(steps, s -> s.host().schedDelayMicros())));
        double extra = busy - busyPeer;
        Component best = null;
        for (Component c : components) {
            if (c.excess() > 0.1 * extra) {
                evidence.add(new Evidence(c.layer(), c.metric(), c.value(), c.peer(),
                        String.format("accounts for %.0f%% of the extra time", 100 * c.excess() / extra)));
            }
            if (best == null || c.excess() > best.excess()) {
                best = c;
            }
        }
        if (best != null && best.cause() == FaultClass.MEMORY_PRESSURE) {
            double reclaim = medianOver(steps, rank, s -> s.host().reclaimedPages());
            evidence.add(new Evidence(Layer.L4_OS, "pages reclaimed per step", reclaim, peerMedianOver(steps, s -> s.host().reclaimedPages()),
                    "direct reclaim on the rank's host"));
        }
        double explained = best == null || extra <= 0 ? 0 : best.excess() / extra;
        FaultClass cause = nic ? FaultClass.PCIE_NIC_DEGRADATION
                : explained >= settings.minExplained() ? best.cause() : FaultClass.UNEXPLAINED_SLOWDOWN;
        Layer layer = nic ? Layer.L1_COLLECTIVES : cause == FaultClass.UNEXPLAINED_SLOWDOWN ? Layer.L0_STEP_TIME : best.layer();
        double confidence = confidence(flagged, steps.size(), slowdown) * (cause == FaultClass.UNEXPLAINED_SLOWDOWN ? 0.5
                : Math.min(1, 0.5 + explained / 2));
        return new Finding(new Culprit.Rank(rank), cause, layer, confidence, slowdown, evidence);
    }

    /** L1 evidence for a slow rank: how late it arrives at its data-parallel collective against its group's median arrival. */
    private static Evidence lateness(int rank, List<List<RankStep>> steps) {
        List<Double> late = new ArrayList<>();
        for (List<RankStep> step : steps) {
            Map<String, List<Double>> starts = new HashMap<>();
            Map<String, Double> own = new HashMap<>();
            for (RankStep s : step) {
                for (NcclEvent e : s.collectives()) {
                    if (kind(e.communicator()).equals("dp")) {
                        starts.computeIfAbsent(e.communicator(), k -> new ArrayList<>()).add(e.startMicros());
                        if (e.rank() == rank) {
                            own.put(e.communicator(), e.startMicros());
                        }
                    }
                }
            }
            own.forEach((comm, start) -> late.add(start - Medians.of(starts.get(comm).stream().mapToDouble(Double::doubleValue).toArray())));
        }
        double lateness = late.isEmpty() ? 0 : Medians.of(late.stream().mapToDouble(Double::doubleValue).toArray());
        return new Evidence(Layer.L1_COLLECTIVES, "arrival at its dp all-reduce after the group's median, µs", lateness, 0,
                lateness > 0 ? "arrives late: its peers wait for it (upstream of the collective, not the network)" : "arrives on time");
    }

    private static double samples(RankStep s, String frame) {
        long total = s.stacks().values().stream().mapToLong(Long::longValue).sum();
        return s.stackShare(frame) * total * SAMPLE_MICROS;
    }

    private static double confidence(int flagged, int steps, double slowdown) {
        return Math.min(1, (double) flagged / steps) * Math.min(1, 0.5 + slowdown * 5);
    }

    private interface Metric {
        double of(RankStep s);
    }

    private static double medianOver(List<List<RankStep>> steps, int rank, Metric metric) {
        double[] values = new double[steps.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = metric.of(byRank(steps.get(i), rank));
        }
        return Medians.of(values);
    }

    private static double peerMedianOver(List<List<RankStep>> steps, Metric metric) {
        double[] values = new double[steps.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = Medians.of(steps.get(i).stream().mapToDouble(metric::of).toArray());
        }
        return Medians.of(values);
    }

    private static RankStep byRank(List<RankStep> step, int rank) {
        RankStep s = step.get(rank);
        return s.rank() == rank ? s : step.stream().filter(x -> x.rank() == rank).findFirst().orElseThrow();
    }

    private static double[] medianRow(List<double[]> rows) {
        double[] out = new double[rows.get(0).length];
        for (int c = 0; c < out.length; c++) {
            int col = c;
            out[c] = Medians.of(rows.stream().mapToDouble(r -> r[col]).toArray());
        }
        return out;
    }
}
