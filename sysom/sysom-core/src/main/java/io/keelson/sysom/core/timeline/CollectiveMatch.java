package io.keelson.sysom.core.timeline;

import io.keelson.sysom.core.trace.FlightRecord;
import io.keelson.sysom.core.trace.FlightRecorderDump;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Matches every rank's flight-recorder entries collective by collective, per process group, as PyTorch's
 * {@code fr_trace} does after a timeout: the first collective that did not complete everywhere says why the job
 * hangs. Ranks that never issued it are stuck before it (their own compute, data or host) and the others wait for
 * them; if every rank issued it and it still did not complete, the collective itself hangs (network, NCCL); ranks
 * that issued a different operation, or other sizes or dtypes, at the same position have desynchronised. Sends and
 * receives are matched per pair of ranks, in order, as NCCL pairs them.
 */
public final class CollectiveMatch {

    /** What one process group's entries show. */
    public sealed interface Verdict permits AllCompleted, MissingRanks, NeverCompleted, Mismatch, PointToPointStuck {
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

    /**
     * The {@code index}-th send (from 0) from {@code fromRank} to {@code toRank} (global ranks) and its receive did not
     * both complete: {@code missingRank}, when present, never posted its side (it is stuck before it); otherwise both
     * sides were posted and the transfer itself hangs.
     */
    public record PointToPointStuck(String group, int fromRank, int toRank, int index, Optional<Integer> missingRank) implements Verdict {
        @Override
        public String describe() {
            String transfer = "group " + group + ": send #" + index + " from rank " + fromRank + " to rank " + toRank;
            return missingRank.map(m -> transfer + ": rank " + m + " never posted its " + (m == toRank ? "receive" : "send") + " and the other rank "
                    + "waits; rank " + m + " is stuck before it (pipeline stage, compute, data)")
                    .orElse(transfer + " was posted on both sides and never completed: the link or NCCL hangs");
        }
    }

    /** Collectives whose every rank passes tensors of the same sizes. */
    private static final Set<String> SAME_SIZES = Set.of("all_reduce", "broadcast", "_broadcast_oop", "reduce", "_reduce_oop", "all_gather",
            "_all_gather_base", "all_gather_into_tensor_coalesced", "reduce_scatter", "_reduce_scatter_base", "reduce_scatter_tensor_coalesced",
            "allreduce_coalesced", "all_reduce_barrier", "barrier");

    private CollectiveMatch() {
    }

    /**
     * Per process group found in the dumps, by group name: the collectives' verdict (where the group ran collectives),
     * then each send/receive pair of ranks whose transfers did not all complete (the first such transfer of the pair).
     */
    public static List<Verdict> match(Collection<FlightRecorderDump.Dump> dumps) {
        Map<String, Set<Integer>> expected = new TreeMap<>();
        Map<String, Map<Integer, TreeMap<Long, FlightRecord>>> byGroup = new TreeMap<>();
        Map<String, Map<Integer, List<FlightRecord>>> p2pByGroup = new TreeMap<>();
        Set<Integer> dumped = new TreeSet<>();
        for (FlightRecorderDump.Dump d : dumps) {
            dumped.add(d.rank());
            d.groups().forEach((name, g) -> expected.computeIfAbsent(name, k -> new TreeSet<>()).addAll(g.ranks()));
            for (FlightRecord r : d.records()) {
                if (r.isPointToPoint()) {
                    p2pByGroup.computeIfAbsent(r.processGroup(), k -> new TreeMap<>()).computeIfAbsent(r.rank(), k -> new ArrayList<>()).add(r);
                } else {
                    byGroup.computeIfAbsent(r.processGroup(), k -> new TreeMap<>()).computeIfAbsent(r.rank(), k -> new TreeMap<>()).put(r.sequence(), r);
                }
            }
        }
        List<Verdict> verdicts = new ArrayList<>();
        Set<String> groups = new TreeSet<>(byGroup.keySet());
        groups.addAll(p2pByGroup.keySet());
        for (String group : groups) {
            Map<Integer, TreeMap<Long, FlightRecord>> ranks = byGroup.get(group);
            if (ranks != null) {
                Set<Integer> members = new TreeSet<>(expected.getOrDefault(group, Set.of()));
                members.addAll(ranks.keySet());
                verdicts.add(verdict(group, members, ranks));
            }
            Map<Integer, List<FlightRecord>> p2p = p2pByGroup.get(group);
            if (p2p != null) {
                // the group's ranks in order: PyTorch numbers them within the group by that order
                verdicts.addAll(pointToPoint(group, List.copyOf(expected.getOrDefault(group, Set.of())), p2p, dumped));
            }
        }
        return verdicts;
    }

    /** The k-th send from a to b pairs with the k-th receive at b from a (NCCL matches them in order per pair). */
    private static List<Verdict> pointToPoint(String group, List<Integer> groupRanks, Map<Integer, List<FlightRecord>> byRank, Set<Integer> dumped) {
        Map<List<Integer>, List<FlightRecord>> sends = new TreeMap<>(PAIR_ORDER);
        Map<List<Integer>, List<FlightRecord>> receives = new TreeMap<>(PAIR_ORDER);
        byRank.values().forEach(records -> records.forEach(r -> r.pointToPoint().ifPresent(p -> {
            List<Integer> pair = List.of(global(groupRanks, p.source()), global(groupRanks, p.destination()));
            (r.operation().equals("send") ? sends : receives).computeIfAbsent(pair, k -> new ArrayList<>()).add(r);
        })));
        Set<List<Integer>> pairs = new LinkedHashSet<>(sends.keySet());
        pairs.addAll(receives.keySet());
        List<Verdict> out = new ArrayList<>();
        for (List<Integer> pair : pairs) {
            List<FlightRecord> s = sends.getOrDefault(pair, List.of());
            List<FlightRecord> r = receives.getOrDefault(pair, List.of());
            for (int k = 0; k < Math.max(s.size(), r.size()); k++) {
                FlightRecord send = k < s.size() ? s.get(k) : null;
                FlightRecord receive = k < r.size() ? r.get(k) : null;
                boolean done = send != null && receive != null && send.state() == FlightRecord.State.COMPLETED
                        && receive.state() == FlightRecord.State.COMPLETED;
                if (done || send != null && receive == null && send.state() == FlightRecord.State.COMPLETED && !dumped.contains(pair.get(1))) {
                    continue; // a completed send whose receiver left no dump: nothing to say about it
                }
                Optional<Integer> missing = send == null ? Optional.of(pair.get(0)) : receive == null ? Optional.of(pair.get(1)) : Optional.empty();
                out.add(new PointToPointStuck(group, pair.get(0), pair.get(1), k, missing));
                break;
            }
        }
        return out;
    }

    private static final Comparator<List<Integer>> PAIR_ORDER = Comparator.comparing((List<Integer> p) -> p.get(0)).thenComparing(p -> p.get(1));

    /** {@code sortedGroupRanks}: the group's global ranks, ascending (a group without its ranks in the dump maps as itself). */
    private static int global(List<Integer> sortedGroupRanks, int local) {
        return local >= 0 && local < sortedGroupRanks.size() ? sortedGroupRanks.get(local) : local;
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
