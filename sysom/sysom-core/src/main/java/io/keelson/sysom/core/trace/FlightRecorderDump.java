package io.keelson.sysom.core.trace;

import com.fasterxml.jackson.databind.ObjectMapper;
import net.razorvine.pickle.Unpickler;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one rank's NCCL flight-recorder dump as PyTorch writes it on a timeout (a pickle; its JSON form too, which
 * has the same keys): the process groups with their ranks, and the entries. An entry without the fields a match
 * needs is counted under its reason and skipped; the rest are kept. The pickle is read by Pyrolite's unpickler,
 * which builds only plain values (maps, lists, numbers, strings), never arbitrary classes.
 */
public final class FlightRecorderDump {

    /** At most this much of a dump is read: one rank's ring buffer is a few MB. */
    public static final long MAX_BYTES = 256L << 20;
    private static final Pattern RANK_SUFFIX = Pattern.compile("(\\d+)$");
    private static final Pattern P2P = Pattern.compile("(\\d+)(->|<-)(\\d+)"); // "send 1->2", "recv 2<-1"
    private static final int PICKLE_PROTO = 0x80; // the PROTO opcode every pickle of protocol 2 or later starts with

    /** A process group as the dump's {@code pg_config} describes it. */
    public record Group(String name, String description, List<Integer> ranks) {
        public Group {
            ranks = List.copyOf(ranks);
        }
    }

    public record Dump(int rank, String version, Map<String, Group> groups, List<FlightRecord> records) {
        public Dump {
            groups = Map.copyOf(groups);
            records = List.copyOf(records);
        }
    }

    private FlightRecorderDump() {
    }

    /** The rank a dump file is for: the digits its name ends with ({@code nccl_trace_rank_3}), as PyTorch's analyzer reads them. */
    public static Optional<Integer> rankOf(Path file) {
        Matcher m = RANK_SUFFIX.matcher(file.getFileName().toString());
        return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
    }

    public static Dump read(Path file, ReadReport report) throws IOException {
        int rank = rankOf(file).orElseThrow(() -> new IOException(file + ": a dump's name ends with its rank (nccl_trace_rank_N)"));
        if (Files.size(file) > MAX_BYTES) {
            throw new IOException(file + ": larger than " + (MAX_BYTES >> 20) + " MiB, not a flight-recorder dump");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, rank, report);
        }
    }

    public static Dump read(InputStream raw, int rank, ReadReport report) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw);
        in.mark(1);
        int first = in.read();
        in.reset();
        if (first != PICKLE_PROTO && first != '{') {
            throw new IOException("rank " + rank + ": not a flight-recorder dump (neither a pickle of protocol 2 or later nor JSON)");
        }
        Object root;
        try {
            root = first == '{' ? new ObjectMapper().readValue(in, Map.class) : new Unpickler().load(in);
        } catch (IOException | RuntimeException e) { // a cut or damaged stream: the unpickler throws whatever its parsing met
            throw new IOException("rank " + rank + ": not a flight-recorder dump (" + e + ")", e);
        }
        if (!(root instanceof Map<?, ?> dump) || !(dump.get("entries") instanceof List<?> entries)) {
            throw new IOException("rank " + rank + ": not a flight-recorder dump (no entries)");
        }
        Map<String, Group> groups = new TreeMap<>();
        if (dump.get("pg_config") instanceof Map<?, ?> config) {
            config.forEach((key, value) -> {
                if (value instanceof Map<?, ?> g) {
                    String name = String.valueOf(g.containsKey("name") ? g.get("name") : key);
                    groups.put(name, new Group(name, String.valueOf(g.get("desc")), ranks(g.get("ranks"))));
                }
            });
        }
        List<FlightRecord> records = new ArrayList<>();
        for (Object e : entries) {
            Optional<String> problem = problem(e);
            if (problem.isPresent()) {
                report.skipped(problem.get());
                continue;
            }
            records.add(record(rank, (Map<?, ?>) e));
            report.kept();
        }
        return new Dump(rank, String.valueOf(dump.get("version")), groups, records);
    }

    private static Optional<String> problem(Object e) {
        if (!(e instanceof Map<?, ?> m)) {
            return Optional.of("entry is not a dict");
        }
        if (!(m.get("collective_seq_id") instanceof Number)) {
            return Optional.of("no collective_seq_id");
        }
        if (!(m.get("profiling_name") instanceof String name) || !name.contains(":")) {
            return Optional.of("no profiling_name backend:op");
        }
        if (group(m.get("process_group")).isEmpty()) {
            return Optional.of("no process_group");
        }
        Object state = m.get("state");
        if (!(state instanceof String s) || Arrays.stream(FlightRecord.State.values()).noneMatch(v -> v.name().equalsIgnoreCase(s))) {
            return Optional.of("unknown state");
        }
        return Optional.empty();
    }

    private static FlightRecord record(int rank, Map<?, ?> m) {
        String[] group = group(m.get("process_group")).orElseThrow();
        String name = (String) m.get("profiling_name");
        String[] words = name.substring(name.indexOf(':') + 1).split(" ");
        String op = words[0];
        Optional<FlightRecord.PointToPoint> p2p = Optional.empty();
        Matcher arrow = words.length == 2 ? P2P.matcher(words[1]) : null;
        if (arrow != null && arrow.matches()) {
            int a = Integer.parseInt(arrow.group(1));
            int b = Integer.parseInt(arrow.group(3));
            p2p = Optional.of(arrow.group(2).equals("->") ? new FlightRecord.PointToPoint(a, b) : new FlightRecord.PointToPoint(b, a));
        }
        List<List<Long>> sizes = new ArrayList<>();
        if (m.get("input_sizes") instanceof List<?> shapes) {
            for (Object shape : shapes) {
                List<Long> dims = new ArrayList<>();
                if (shape instanceof List<?> ds) {
                    ds.forEach(d -> dims.add(d instanceof Number n ? n.longValue() : 0L));
                }
                sizes.add(dims);
            }
        }
        List<String> dtypes = m.get("input_dtypes") instanceof List<?> ds ? ds.stream().map(String::valueOf).toList() : List.of();
        Optional<String> issuedAt = m.get("frames") instanceof List<?> frames ? frames.stream().filter(f -> f instanceof Map<?, ?>)
                .map(f -> (Map<?, ?>) f).filter(f -> !String.valueOf(f.get("filename")).contains("torch/distributed"))
                .findFirst().map(f -> f.get("name") + " (" + f.get("filename") + ":" + f.get("line") + ")") : Optional.empty();
        return new FlightRecord(rank, group[0], group[1], ((Number) m.get("collective_seq_id")).longValue(), op,
                FlightRecord.State.valueOf(((String) m.get("state")).toUpperCase(Locale.ROOT)), sizes, dtypes, nanos(m.get("time_created_ns")),
                nanos(m.get("time_discovered_started_ns")), nanos(m.get("time_discovered_completed_ns")), issuedAt, p2p);
    }

    /** {@code (name, desc)}: a tuple in the pickle, a list in JSON. */
    private static Optional<String[]> group(Object pg) {
        List<?> parts = pg instanceof Object[] t ? Arrays.asList(t) : pg instanceof List<?> l ? l : List.of();
        return parts.size() == 2 ? Optional.of(new String[] {String.valueOf(parts.get(0)), String.valueOf(parts.get(1))}) : Optional.empty();
    }

    /** A group's ranks: a list, or the string of one ("[0, 1, 2]") as PyTorch writes it. */
    private static List<Integer> ranks(Object ranks) {
        List<Integer> out = new ArrayList<>();
        if (ranks instanceof List<?> l) {
            l.forEach(r -> out.add(((Number) r).intValue()));
        } else if (ranks != null) {
            Matcher m = Pattern.compile("\\d+").matcher(String.valueOf(ranks));
            while (m.find()) {
                out.add(Integer.parseInt(m.group()));
            }
        }
        return out;
    }

    private static OptionalLong nanos(Object value) {
        return value instanceof Number n ? OptionalLong.of(n.longValue()) : OptionalLong.empty();
    }
}
