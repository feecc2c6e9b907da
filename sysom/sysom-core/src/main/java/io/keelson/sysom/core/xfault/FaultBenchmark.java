package io.keelson.sysom.core.xfault;

import io.keelson.sysom.core.diagnosis.Finding;
import io.keelson.sysom.core.diagnosis.Report;
import io.keelson.sysom.core.timeline.RankStep;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * XFault's scoring: scenarios of single faults (every class × slowdowns × seeds), pairs, hangs and healthy jobs,
 * each simulated step by step with the detectors diagnosing a sliding window after every step. Scores per
 * detector: culprit recall and precision (final report), fault-class accuracy, top-3 accuracy, false alarms per
 * 1,000 healthy steps (any finding while no fault is active), and detection latency in steps after onset.
 */
public final class FaultBenchmark {

    /** The classes injected singly and in pairs (hangs are run apart: they end the job). */
    public static final List<FaultClass> SLOWING = List.of(FaultClass.GPU_STRAGGLER, FaultClass.SLOW_LINK, FaultClass.CPU_CONTENTION,
            FaultClass.MEMORY_PRESSURE, FaultClass.PCIE_NIC_DEGRADATION, FaultClass.DATA_LOADER_STALL);

    /**
     * @param steps        steps of a fault scenario (the fault starts at {@code onset})
     * @param seeds        scenarios per fault class and slowdown (and hangs)
     * @param healthy      healthy jobs, of {@code healthySteps} steps each, for the false-alarm rate
     */
    public record Options(Topology topology, int steps, int onset, int window, List<Double> slowdowns, int seeds, int pairs, int healthy,
                          int healthySteps, long seed) {
    }

    /** A named detector: diagnoses a window of steps. */
    public record Detector(String name, Function<List<List<RankStep>>, Report> diagnose) {
    }

    /** One detector's scores; fractions in [0, 1], NaN where nothing was counted. */
    public record Scores(String detector, double singleRecall, double singlePrecision, double classAccuracy, double top3, double pairRecall,
                         double pairPrecision, double hangRecall, double falseAlarmsPer1000, double medianLatency, double maxLatency,
                         Map<FaultClass, Double> recallByClass, Map<FaultClass, Double> classAccuracyByClass) {
    }

    public record Result(Options options, List<Scores> scores, int scenarios, long rankSteps, double seconds) {
    }

    private record Scenario(String kind, List<Fault> faults, long seed) {
    }

    /** Running totals for one detector. */
    private static final class Tally {
        final String name;
        int singles, singleFound, singleFindings, singleCorrect, classRight, top3, pairFaults, pairFound, pairFindings, pairCorrect;
        int hangs, hangFound;
        long healthySteps, alarmSteps;
        final List<Integer> latencies = new ArrayList<>();
        final Map<FaultClass, int[]> byClass = new EnumMap<>(FaultClass.class); // scenarios, found, class right

        Tally(String name) {
            this.name = name;
        }

        Scores scores() {
            Map<FaultClass, Double> recall = new LinkedHashMap<>();
            Map<FaultClass, Double> accuracy = new LinkedHashMap<>();
            byClass.forEach((c, n) -> {
                recall.put(c, ratio(n[1], n[0]));
                accuracy.put(c, ratio(n[2], n[1]));
            });
            List<Integer> sorted = latencies.stream().sorted().toList();
            return new Scores(name, ratio(singleFound, singles), ratio(singleCorrect, singleFindings), ratio(classRight, singleFound),
                    ratio(top3, singles), ratio(pairFound, pairFaults), ratio(pairCorrect, pairFindings), ratio(hangFound, hangs),
                    healthySteps == 0 ? Double.NaN : 1000.0 * alarmSteps / healthySteps,
                    sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() / 2), sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() - 1),
                    recall, accuracy);
        }

        private static double ratio(int a, int b) {
            return b == 0 ? Double.NaN : (double) a / b;
        }
    }

    private FaultBenchmark() {
    }

    public static Result run(Options options, KernelProfile profile, List<Detector> detectors) {
        long started = System.nanoTime();
        List<Scenario> scenarios = scenarios(options);
        List<Tally> tallies = detectors.stream().map(d -> new Tally(d.name())).toList();
        long rankSteps = 0;
        for (Scenario scenario : scenarios) {
            rankSteps += runScenario(options, profile, scenario, detectors, tallies);
        }
        return new Result(options, tallies.stream().map(Tally::scores).toList(), scenarios.size(), rankSteps,
                (System.nanoTime() - started) / 1e9);
    }

    private static long runScenario(Options options, KernelProfile profile, Scenario scenario, List<Detector> detectors, List<Tally> tallies) {
        ClusterSimulator sim = new ClusterSimulator(ClusterSimulator.Config.of(options.topology(), profile, scenario.seed()), scenario.faults());
        ArrayDeque<List<RankStep>> window = new ArrayDeque<>();
        int[][] detectedAt = new int[detectors.size()][scenario.faults().size()];
        for (int[] d : detectedAt) {
            java.util.Arrays.fill(d, -1);
        }
        Report[] last = new Report[detectors.size()];
        long rankSteps = 0;
        int onset = scenario.faults().stream().mapToInt(Fault::onset).min().orElse(Integer.MAX_VALUE);
        int steps = scenario.kind().equals("healthy") ? options.healthySteps() : options.steps();
        for (int s = 0; s < steps; s++) {
            List<RankStep> step = sim.step();
            if (step.isEmpty()) {
                break;
            }
            rankSteps += step.size();
            window.addLast(step);
            if (window.size() > options.window()) {
                window.removeFirst();
            }
            List<List<RankStep>> view = List.copyOf(window);
            for (int d = 0; d < detectors.size(); d++) {
                Report report = detectors.get(d).diagnose().apply(view);
                last[d] = report;
                Tally t = tallies.get(d);
                if (s < onset) {
                    t.healthySteps++;
                    if (!report.healthy()) {
                        t.alarmSteps++;
                    }
                }
                for (int f = 0; f < scenario.faults().size(); f++) {
                    Fault fault = scenario.faults().get(f);
                    if (detectedAt[d][f] < 0 && s >= fault.onset() && names(report, fault.culprit())) {
                        detectedAt[d][f] = s;
                        t.latencies.add(s - fault.onset());
                    }
                }
            }
        }
        for (int d = 0; d < detectors.size(); d++) {
            score(tallies.get(d), scenario, last[d] == null ? new Report(0, 0, List.of()) : last[d]);
        }
        return rankSteps;
    }

    private static void score(Tally t, Scenario scenario, Report report) {
        List<Fault> faults = scenario.faults();
        int correct = (int) report.findings().stream().filter(f -> faults.stream().anyMatch(x -> x.culprit().equals(f.culprit()))).count();
        switch (scenario.kind()) {
            case "single" -> {
                Fault fault = faults.get(0);
                int[] c = t.byClass.computeIfAbsent(fault.faultClass(), k -> new int[3]);
                c[0]++;
                t.singles++;
                t.singleFindings += report.findings().size();
                t.singleCorrect += correct;
                List<Finding> found = report.findings().stream().filter(f -> f.culprit().equals(fault.culprit())).toList();
                if (!found.isEmpty()) {
                    t.singleFound++;
                    c[1]++;
                    if (found.get(0).faultClass() == fault.faultClass()) {
                        t.classRight++;
                        c[2]++;
                    }
                }
                if (!found.isEmpty() && report.findings().indexOf(found.get(0)) < 3) {
                    t.top3++;
                }
            }
            case "pair" -> {
                t.pairFaults += faults.size();
                t.pairFindings += report.findings().size();
                t.pairCorrect += correct;
                t.pairFound += (int) faults.stream().filter(f -> names(report, f.culprit())).count();
            }
            case "hang" -> {
                t.hangs++;
                if (report.findings().stream().anyMatch(f -> f.culprit().equals(faults.get(0).culprit()) && f.faultClass() == FaultClass.COLLECTIVE_HANG)) {
                    t.hangFound++;
                }
            }
            default -> { // healthy: every step counted above
            }
        }
    }

    private static boolean names(Report report, Culprit culprit) {
        return report.findings().stream().anyMatch(f -> f.culprit().equals(culprit));
    }

    private static List<Scenario> scenarios(Options o) {
        Random random = new Random(o.seed());
        Topology t = o.topology();
        List<Scenario> out = new ArrayList<>();
        for (FaultClass c : SLOWING) {
            for (double slowdown : o.slowdowns()) {
                for (int i = 0; i < o.seeds(); i++) {
                    out.add(new Scenario("single", List.of(fault(c, random, t, slowdown, o.onset(), -1)), random.nextLong()));
                }
            }
        }
        for (int i = 0; i < o.seeds(); i++) {
            out.add(new Scenario("hang", List.of(new Fault.CollectiveHang(random.nextInt(t.ranks()), o.onset())), random.nextLong()));
        }
        for (int i = 0; i < o.pairs(); i++) {
            FaultClass a = SLOWING.get(random.nextInt(SLOWING.size()));
            FaultClass b = SLOWING.get(random.nextInt(SLOWING.size()));
            Fault first = fault(a, random, t, o.slowdowns().get(random.nextInt(o.slowdowns().size())), o.onset(), -1);
            int avoid = first.culprit() instanceof Culprit.Rank r ? r.rank() : ((Culprit.Link) first.culprit()).from();
            Fault second = fault(b, random, t, o.slowdowns().get(random.nextInt(o.slowdowns().size())), o.onset(), avoid);
            out.add(new Scenario("pair", List.of(first, second), random.nextLong()));
        }
        for (int i = 0; i < o.healthy(); i++) {
            out.add(new Scenario("healthy", List.of(), random.nextLong()));
        }
        return out;
    }

    /** A fault of class {@code c} at a random place (never at or next to rank {@code avoid}). */
    private static Fault fault(FaultClass c, Random random, Topology t, double slowdown, int onset, int avoid) {
        int rank;
        do {
            rank = random.nextInt(t.ranks());
        } while (avoid >= 0 && Math.abs(rank - avoid) <= t.tp());
        if (c == FaultClass.SLOW_LINK) {
            List<Integer> group = t.dpGroups().get(t.stage(rank) * t.tp() + t.tpIndex(rank));
            int i = group.indexOf(rank);
            return new Fault.SlowLink(rank, group.get((i + 1) % group.size()), slowdown, onset);
        }
        return switch (c) {
            case GPU_STRAGGLER -> new Fault.GpuStraggler(rank, slowdown, onset);
            case CPU_CONTENTION -> new Fault.CpuContention(rank, slowdown, onset);
            case MEMORY_PRESSURE -> new Fault.MemoryPressure(rank, slowdown, onset);
            case PCIE_NIC_DEGRADATION -> new Fault.PcieNicDegradation(rank, slowdown, onset);
            case DATA_LOADER_STALL -> new Fault.DataLoaderStall(rank, slowdown, onset);
            default -> throw new IllegalArgumentException("not a slowing fault: " + c);
        };
    }
}
