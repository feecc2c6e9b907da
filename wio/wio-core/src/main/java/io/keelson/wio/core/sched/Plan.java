package io.keelson.wio.core.sched;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Where each stage of a pipeline runs: its actors are placed one by one, so a pipeline may run partly on the device and
 * partly on the host (its state and queues are in shared memory either way, so a split costs no copy).
 */
public record Plan(List<Placement> stages) {

    /** Beyond this many stages a policy considers only the splits that move the costliest stages first. */
    static final int EVERY_SPLIT_UP_TO = 10;

    public Plan {
        stages = List.copyOf(stages);
    }

    public static Plan all(Placement where, int stages) {
        return new Plan(IntStream.range(0, stages).mapToObj(i -> where).toList());
    }

    public Placement side(int stage) {
        return stages.get(stage);
    }

    /** The share of the pipeline's work done on {@code side}, given each stage's share of the work. */
    public double share(Placement side, List<Double> stageShares) {
        double share = 0;
        for (int i = 0; i < stages.size(); i++) {
            share += stages.get(i) == side ? stageShares.get(i) : 0;
        }
        return share;
    }

    /**
     * The pipeline's rate under this plan: the slower of the two sides, each side's rate for the whole pipeline divided
     * by the share of the work it carries.
     */
    public double rate(List<Double> stageShares, double hostBytesPerSecond, double deviceBytesPerSecond) {
        double host = share(Placement.HOST, stageShares);
        double device = share(Placement.DEVICE, stageShares);
        return Math.min(host > 0 ? hostBytesPerSecond / host : Double.POSITIVE_INFINITY,
                device > 0 ? deviceBytesPerSecond / device : Double.POSITIVE_INFINITY);
    }

    /** How many stages move to go from this plan to {@code next}. */
    public int moves(Plan next) {
        return (int) IntStream.range(0, stages.size()).filter(i -> stages.get(i) != next.stages.get(i)).count();
    }

    /**
     * The plans a policy chooses from: every split of up to {@value #EVERY_SPLIT_UP_TO} stages; for more, the ones
     * that put the {@code k} costliest stages on the host, for every {@code k}.
     */
    public static List<Plan> candidates(List<Double> stageShares) {
        int n = stageShares.size();
        List<Plan> plans = new ArrayList<>();
        if (n <= EVERY_SPLIT_UP_TO) {
            for (int mask = 0; mask < 1 << n; mask++) {
                int m = mask;
                plans.add(new Plan(IntStream.range(0, n).mapToObj(i -> (m >> i & 1) == 1 ? Placement.HOST : Placement.DEVICE).toList()));
            }
            return plans;
        }
        List<Integer> costliest = IntStream.range(0, n).boxed().sorted(Comparator.comparingDouble(i -> -stageShares.get(i))).toList();
        Placement[] sides = new Placement[n];
        Arrays.fill(sides, Placement.DEVICE);
        plans.add(new Plan(List.of(sides)));
        for (int i : costliest) {
            sides[i] = Placement.HOST;
            plans.add(new Plan(List.of(sides)));
        }
        return plans;
    }

    @Override
    public String toString() {
        return stages.toString();
    }
}
