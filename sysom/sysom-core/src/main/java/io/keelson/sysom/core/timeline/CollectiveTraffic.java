package io.keelson.sysom.core.timeline;

import io.keelson.sysom.core.Medians;
import io.keelson.sysom.core.trace.NcclEvent;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the collectives of a window of steps did, per rank and per communicator edge: how long each rank waited
 * inside collectives for the last rank to arrive versus how long it transferred, and each ring edge's bus bandwidth
 * (nccl-tests' {@code busbw}: the bytes a rank's send carries for its collective, over the send's time). A slow rank
 * shows as others' wait; a slow link or NIC as one edge's low bandwidth while its ranks arrive on time.
 */
public final class CollectiveTraffic {

    /** Medians over the window's steps of the per-step sums. */
    public record RankTraffic(int rank, double waitMicros, double transferMicros) {
    }

    /** One ring edge of one communicator: medians over its collectives in the window. */
    public record Edge(String communicator, int fromRank, int toRank, int collectives, double bytes, double sendMicros, double busGigabytesPerSecond) {
    }

    /** {@code ranks} in rank order; {@code edges} by communicator, then sender, then receiver. */
    public record Summary(List<RankTraffic> ranks, List<Edge> edges) {

        public RankTraffic rank(int rank) {
            return ranks.stream().filter(r -> r.rank() == rank).findFirst().orElseThrow(() -> new IllegalArgumentException("no rank " + rank));
        }
    }

    private CollectiveTraffic() {
    }

    /** @param window complete steps, each with every rank's report (as the job store keeps them, on the job's clock) */
    public static Summary of(List<List<RankStep>> window) {
        Map<Integer, List<Double>> waits = new TreeMap<>();
        Map<Integer, List<Double>> transfers = new TreeMap<>();
        Map<EdgeKey, List<NcclEvent>> edges = new TreeMap<>();
        Map<EdgeKey, Integer> groupSizes = new HashMap<>();
        for (List<RankStep> step : window) {
            Map<List<Object>, Double> lastArrival = new HashMap<>(); // (communicator, sequence) -> the last rank's arrival
            Map<String, Set<Integer>> members = new HashMap<>();
            for (RankStep r : step) {
                for (NcclEvent e : r.collectives()) {
                    lastArrival.merge(List.of(e.communicator(), e.sequence()), e.startMicros(), Math::max);
                    members.computeIfAbsent(e.communicator(), k -> new HashSet<>()).add(e.rank());
                }
            }
            for (RankStep r : step) {
                double wait = 0;
                double transfer = 0;
                for (NcclEvent e : r.collectives()) {
                    double waited = lastArrival.get(List.of(e.communicator(), e.sequence())) - e.startMicros();
                    wait += waited;
                    transfer += Math.max(0, e.durationMicros() - waited);
                    EdgeKey edge = new EdgeKey(e.communicator(), e.rank(), e.peer());
                    edges.computeIfAbsent(edge, k -> new ArrayList<>()).add(e);
                    groupSizes.merge(edge, members.get(e.communicator()).size(), Math::max);
                }
                waits.computeIfAbsent(r.rank(), k -> new ArrayList<>()).add(wait);
                transfers.computeIfAbsent(r.rank(), k -> new ArrayList<>()).add(transfer);
            }
        }
        List<RankTraffic> ranks = new ArrayList<>();
        waits.forEach((rank, w) -> ranks.add(new RankTraffic(rank, Medians.of(w), Medians.of(transfers.get(rank)))));
        List<Edge> out = new ArrayList<>();
        edges.forEach((edge, events) -> {
            int n = groupSizes.get(edge);
            double[] bytes = events.stream().mapToDouble(e -> e.bytes()).toArray();
            double[] send = events.stream().mapToDouble(NcclEvent::sendMicros).toArray();
            double[] bus = events.stream().filter(e -> e.sendMicros() > 0)
                    .mapToDouble(e -> e.bytes() * busFactor(e.collective(), n) / e.sendMicros() / 1e3).toArray();
            out.add(new Edge(edge.communicator(), edge.from(), edge.to(), events.size(), Medians.of(bytes), Medians.of(send), Medians.of(bus)));
        });
        return new Summary(List.copyOf(ranks), List.copyOf(out));
    }

    private record EdgeKey(String communicator, int from, int to) implements Comparable<EdgeKey> {
        private static final Comparator<EdgeKey> ORDER = Comparator.comparing(EdgeKey::communicator).thenComparingInt(EdgeKey::from)
                .thenComparingInt(EdgeKey::to);

        @Override
        public int compareTo(EdgeKey o) {
            return ORDER.compare(this, o);
        }
    }

    /**
     * How many times its message size a rank's ring send carries, over {@code n} ranks (nccl-tests' PERFORMANCE.md):
     * 2(n-1)/n for all-reduce, (n-1)/n for all-gather, reduce-scatter and all-to-all, 1 for the rest.
     */
    public static double busFactor(String collective, int n) {
        if (n <= 1) {
            return 1;
        }
        String c = collective.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
        return switch (c) {
            case "allreduce" -> 2.0 * (n - 1) / n;
            case "allgather", "allgatherbase", "reducescatter", "reducescatterbase", "alltoall", "alltoallbase" -> (double) (n - 1) / n;
            default -> 1;
        };
    }
}
