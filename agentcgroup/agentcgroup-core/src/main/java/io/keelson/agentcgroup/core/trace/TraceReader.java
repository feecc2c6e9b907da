package io.keelson.agentcgroup.core.trace;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Consumer;

/**
 * Reads a task folder ({@code resources.json} and {@code tool_calls.json}, the AgentCgroup study's format)
 * record by record with Jackson's streaming parser. A record that cannot be used is counted under its
 * reason and skipped; a file cut short keeps what came before the cut. Nothing in a trace makes it throw.
 */
public final class TraceReader {

    public static final String RESOURCES = "resources.json";
    public static final String TOOL_CALLS = "tool_calls.json";
    private static final int SUMMARY = 80;

    private final ObjectMapper json = new ObjectMapper();

    /** Where a trace file's bytes come from: a file in a task folder, or an upload. */
    @FunctionalInterface
    public interface Source {
        /** The file's content, or empty when there is none. */
        Optional<InputStream> open() throws IOException;
    }

    public TaskTrace read(Path taskDirectory) {
        return read(name(taskDirectory), file(taskDirectory.resolve(RESOURCES)), file(taskDirectory.resolve(TOOL_CALLS)));
    }

    /** Reads a task from two sources, e.g. uploaded bytes; nothing here touches the file system. */
    public TaskTrace read(String name, Source resources, Source toolCalls) {
        List<ResourceSample> samples = new ArrayList<>();
        ReadReport.Builder sampleReport = new ReadReport.Builder();
        stream(resources, RESOURCES, "samples", sampleReport, node -> samples.add(sample(node)));
        samples.sort(Comparator.comparingDouble(ResourceSample::epoch));

        List<ToolCall> calls = new ArrayList<>();
        ReadReport.Builder callReport = new ReadReport.Builder();
        stream(toolCalls, TOOL_CALLS, null, callReport, node -> calls.add(call(node)));
        calls.sort(Comparator.comparingDouble(ToolCall::start));
        return new TaskTrace(name, samples, calls, sampleReport.build(), callReport.build());
    }

    private static Source file(Path path) {
        return () -> Files.exists(path) ? Optional.of(Files.newInputStream(path)) : Optional.empty();
    }

    /** The task's name: its folder, with the parent for {@code attempt_N} folders. */
    static String name(Path dir) {
        String leaf = dir.getFileName().toString();
        Path parent = dir.getParent();
        return leaf.startsWith("attempt_") && parent != null ? parent.getFileName() + "/" + leaf : leaf;
    }

    /**
     * Feeds each object of the array at {@code field} (or of the top-level array when null) to {@code each};
     * a {@link TraceFormatException} skips that record under its message.
     */
    private void stream(Source source, String fileName, String field, ReadReport.Builder report, Consumer<JsonNode> each) {
        Optional<InputStream> opened;
        try {
            opened = source.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + fileName, e);
        }
        if (opened.isEmpty()) {
            report.skip("file missing: " + fileName);
            return;
        }
        try (InputStream in = opened.get(); JsonParser p = json.getFactory().createParser(in)) {
            if (!toArray(p, field)) {
                report.skip("no " + (field == null ? "top-level array" : "'" + field + "' array"));
                return;
            }
            while (p.nextToken() == JsonToken.START_OBJECT) {
                JsonNode node = p.readValueAsTree();
                try {
                    each.accept(node);
                    report.keep();
                } catch (TraceFormatException e) {
                    report.skip(e.getMessage());
                }
            }
        } catch (JsonProcessingException e) {
            report.skip("invalid JSON from line " + e.getLocation().getLineNr() + " on (rest of file ignored)");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + fileName, e);
        }
    }

    private static boolean toArray(JsonParser p, String field) throws IOException {
        JsonToken first = p.nextToken();
        if (field == null) {
            return first == JsonToken.START_ARRAY;
        }
        if (first != JsonToken.START_OBJECT) {
            return false;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (name.equals(field) && value == JsonToken.START_ARRAY) {
                return true;
            }
            p.skipChildren();
        }
        return false;
    }

    private static ResourceSample sample(JsonNode n) {
        JsonNode epoch = n.get("epoch");
        if (epoch == null || !epoch.isNumber() || !Double.isFinite(epoch.asDouble())) {
            throw new TraceFormatException("sample without a numeric epoch");
        }
        String usage = text(n, "mem_usage", "sample without mem_usage");
        String used = usage.contains("/") ? usage.substring(0, usage.indexOf('/')) : usage;
        if (usage.replace(" ", "").equals("0B/0B")) {
            throw new TraceFormatException("container not running (mem_usage 0B / 0B)");
        }
        long bytes = ByteSize.parse(used.trim());
        String cpu = n.path("cpu_percent").asText("");
        double cpuPercent;
        try {
            cpuPercent = cpu.isEmpty() ? 0 : Double.parseDouble(cpu.replace("%", "").trim());
        } catch (NumberFormatException e) {
            throw new TraceFormatException("cpu_percent is not a percentage");
        }
        return new ResourceSample(epoch.asDouble(), bytes, cpuPercent);
    }

    private static ToolCall call(JsonNode n) {
        double start = instant(text(n, "timestamp", "tool call without timestamp"));
        OptionalDouble end = n.hasNonNull("end_timestamp") ? OptionalDouble.of(instant(n.get("end_timestamp").asText()))
                : OptionalDouble.empty();
        String tool = text(n, "tool", "tool call without tool");
        JsonNode input = n.path("input");
        String summary = input.path("command").asText(input.path("file_path").asText(input.path("pattern").asText("")));
        summary = summary.replaceAll("\\s+", " ").trim();
        if (summary.length() > SUMMARY) {
            summary = summary.substring(0, SUMMARY - 1) + "…";
        }
        return new ToolCall(n.path("id").asText(""), tool, start, end, summary);
    }

    private static String text(JsonNode n, String field, String missing) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new TraceFormatException(missing);
        }
        return v.asText();
    }

    private static double instant(String text) {
        try {
            Instant t = Instant.parse(text);
            return t.getEpochSecond() + t.getNano() / 1e9;
        } catch (DateTimeParseException e) {
            throw new TraceFormatException("timestamp is not an ISO instant");
        }
    }
}
