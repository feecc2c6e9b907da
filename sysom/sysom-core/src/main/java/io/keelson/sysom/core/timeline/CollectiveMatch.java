package io.keelson.sysom.core.timeline;

import io.keelson.sysom.core.trace.FlightRecord;
import io.keelson.sysom.core.trace.FlightRecorderDump;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Matches every rank's flight-recorder entries collective by collective, per process group, as PyTorch's
 * {@code fr_trace} does after a timeout: the first collective that did not complete everywhere says why the job
 * hangs (point-to-point sends and receives are left out: they have their own sequence). Ranks that never issued it are stuck before it (their own compute, data or host) and the others wait for
 * them; if every rank issued it and it still did not complete, the collective itself hangs (network, NCCL); ranks
 * that issued a different operation, or other sizes or dtypes, at the same position have desynchronised.
 */
public final class CollectiveMatch {

    /** What one process group's entries show. */
    public sealed interface Verdict permits AllCompleted, MissingRanks, NeverCompleted, Mismatch {
        String group();

        /** The verdict in words, for a CLI or a report. */
        String describe();
    }

    /** Every collective recorded up to {@code lastSequence} completed on every rank. */
    public record AllCompleted(String group, long lastSequence) implements Verdict {
        @Override
        public String describe() {
            return "group " + group + ": every collective up to #" + lastSequence + " completed on every rank";
        }
    }

    /**
     * Collective {@code sequence} was never issued by {@code missing} (each one's last recorded sequence in
     * {@code lastIssued}; -1: no dump from it) while {@code waiting} issued it and wait in it.
     */
    public record MissingRanks(String group, long sequence, String operation, List<Integer> missing, List<Integer> waiting,
                               Map<Integer, Long> lastIssued) implements Verdict {
        @Override
        public String describe() {
            return "group " + group + ": collective #" + sequence + " (" + operation + ") was never issued by rank(s) " + missing
                    + " (last issued: " + lastIssued + ", -1 = no dump); rank(s) " + waiting + " wait in it. The missing ranks are stuck"
                    + " before it: look at their own compute, data loading and host";
        }
    }

    /** Every rank issued collective {@code sequence}; on {@code ranks} it never completed. */
    public record NeverCompleted(String group, long sequence, String operation, List<Integer> ranks) implements Verdict {
        @Override
        public String describe() {
            return "group " + group + ": every rank issued collective #" + sequence + " (" + operation + ") and it never completed on rank(s) "
                    + ranks + ": the collective itself hangs (network, NIC, NCCL)";
        }
    }

    /** At {@code sequence}, {@code rank} issued {@code found} where the other ranks issued {@code expected}. */
    public record Mismatch(String group, long sequence, Kind kind, int rank, String expected, String found) implements Verdict {
        public enum Kind { OPERATION, SIZES, DTYPES }

        @Override
        public String describe() {
            return "group " + group + ": at collective #" + sequence + " rank " + rank + " issued " + kind.name().toLowerCase(Locale.ROOT) + " "
                    + found + " where the others issued " + expected + ": the ranks have desynchronised";
        }
    }

    /** Collectives whose every rank passes tensors of the same sizes. */
    private static final Set<String> SAME_SIZES = Set.of("all_reduce", "broadcast", "_broadcast_oop", "reduce", "_reduce_oop", "all_gather",
            "_all_gather_base", "all_gather_into_tensor_coalesced", "reduce_scatter", "_reduce_scatter_base", "reduce_scatter_tensor_coalesced",
            "allreduce_coalesced", "all_reduce_barrier", "barrier");

    private CollectiveMatch() {
    }

    /** One verdict per process group found in the dumps, by group name. */
    public static List<Verdict> match(Collection<FlightRecorderDump.Dump> dumps) {
        Map<String, Set<Integer>> expected = new TreeMap<>();
        Map<String, Map<Integer, TreeMap<Long, FlightRecord>>> byGroup = new TreeMap<>();
        for (FlightRecorderDump.Dump d : dumps) {
            d.groups().forEach((name, g) -> expected.computeIfAbsent(name, k -> new TreeSet<>()).addAll(g.ranks()));
            for (FlightRecord r : d.records()) {
                if (r.pointToPoint()) {
                    continue; // matched by their own sequence, which this does not do yet
                }
                byGroup.computeIfAbsent(r.processGroup(), k -> new TreeMap<>()).computeIfAbsent(r.rank(), k -> new TreeMap<>()).put(r.sequence(), r);
            }
        }
        List<Verdict> verdicts = new ArrayList<>();
        byGroup.forEach((group, ranks) -> {
            Set<Integer> members = new TreeSet<>(expected.getOrDefault(group, Set.of()));
            members.addAll(ranks.keySet());
            verdicts.add(verdict(group, members, ranks));
        });
        return verdicts;
    }

    private static Verdict verdict(String group, Set<Integer> members, Map<Integer, TreeMap<Long, FlightRecord>> ranks) {
        // a ring buffer forgets its oldest entries: compare from where every rank that has entries still remembers
        long from = ranks.values().stream().mapToLong(TreeMap::firstKey).max().orElse(0);
        long to = ranks.values().stream().mapToLong(TreeMap::lastKey).max().orElse(0);
        for (long k = from; k <= to; k++) {
            long seq = k;
            Map<Integer, FlightRecord> at = new TreeMap<>();
            ranks.forEach((rank, records) -> {
                FlightRecord r = records.get(seq);
                if (r != null) {
                    at.put(rank, r);
                }
            });
            for (Mismatch.Kind kind : Mismatch.Kind.values()) {
                if (kind == Mismatch.Kind.SIZES && at.values().stream().anyMatch(r -> !SAME_SIZES.contains(r.operation()))) {
                    continue; // all-to-all, gather, scatter and the _v variants send each rank its own sizes
                }
                Function<FlightRecord, String> value = switch (kind) {
                    case OPERATION -> FlightRecord::operation;
                    case SIZES -> r -> r.inputSizes().toString();
                    case DTYPES -> r -> r.inputDtypes().toString();
                };
                Map<String, List<Integer>> byValue = at.values().stream()
                        .collect(Collectors.groupingBy(value, TreeMap::new, Collectors.mapping(FlightRecord::rank, Collectors.toList())));
                if (byValue.size() > 1) {
                    String majority = byValue.entrySet().stream().max(Map.Entry.comparingByValue((a, b) -> Integer.compare(a.size(), b.size())))
                            .orElseThrow().getKey();
                    Map.Entry<String, List<Integer>> odd = byValue.entrySet().stream().filter(e -> !e.getKey().equals(majority)).findFirst().orElseThrow();
                    return new Mismatch(group, seq, kind, odd.getValue().get(0), majority, odd.getKey());
                }
            }
            List<Integer> missing = members.stream().filter(r -> !at.containsKey(r)).toList();
            List<Integer> unfinished = at.values().stream().filter(r -> r.state() != FlightRecord.State.COMPLETED).map(FlightRecord::rank).toList();
            String operation = at.values().stream().map(FlightRecord::operation).filter(Objects::nonNull).findFirst().orElse("");
            if (!missing.isEmpty()) {
                Map<Integer, Long> last = new TreeMap<>();
                missing.forEach(r -> last.put(r, ranks.containsKey(r) ? ranks.get(r).lastKey() : -1L));
                return new MissingRanks(group, seq, operation, missing, unfinished, last);
            }
            if (!unfinished.isEmpty()) {
                return new NeverCompleted(group, seq, operation, unfinished);
            }
        }
        return new AllCompleted(group, to);
    }
}
