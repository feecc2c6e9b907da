package io.keelson.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints a reply as a table (a list becomes rows with a column per field; anything else, a field per line), or as
 * the reply itself in JSON (the proto's field names) or YAML, for scripts.
 */
final class Output {

    enum Format { TABLE, JSON, YAML }

    private static final int MAX_CELL = 60;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Output() {
    }

    static void print(MessageOrBuilder message, Format format, PrintWriter out) {
        String json;
        try {
            json = JsonFormat.printer().preservingProtoFieldNames().print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("the reply is not printable: " + e.getMessage(), e);
        }
        try {
            switch (format) {
                case JSON -> out.println(json);
                case YAML -> out.print(new YAMLMapper().writeValueAsString(JSON.readTree(json)));
                case TABLE -> table(JSON.readTree(json), out);
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        out.flush();
    }

    private static void table(JsonNode reply, PrintWriter out) {
        List<Map.Entry<String, JsonNode>> lists = new ArrayList<>();
        Map<String, String> scalars = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = reply.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getValue().isArray() && f.getValue().size() > 0 && f.getValue().get(0).isObject()) {
                lists.add(f);
            } else {
                flatten(f.getKey(), f.getValue(), scalars);
            }
        }
        if (!scalars.isEmpty() && (lists.isEmpty() || scalars.size() > 1)) {
            List<List<String>> rows = new ArrayList<>();
            scalars.forEach((k, v) -> rows.add(List.of(k, v)));
            render(List.of("field", "value"), rows, false, out); // one value a line: shown whole (a token's secret is shown once)
        }
        for (Map.Entry<String, JsonNode> list : lists) {
            List<String> columns = new ArrayList<>();
            List<Map<String, String>> cells = new ArrayList<>();
            for (JsonNode element : list.getValue()) {
                Map<String, String> row = new LinkedHashMap<>();
                element.fields().forEachRemaining(f -> flatten(f.getKey(), f.getValue(), row));
                row.keySet().stream().filter(k -> !columns.contains(k)).forEach(columns::add);
                cells.add(row);
            }
            if (lists.size() > 1 || !scalars.isEmpty()) {
                out.println(list.getKey() + ":");
            }
            render(columns, cells.stream().map(r -> columns.stream().map(c -> r.getOrDefault(c, "")).toList()).toList(), true, out);
        }
        if (scalars.isEmpty() && lists.isEmpty()) {
            out.println("(nothing)");
        }
    }

    /** Scalars as they are; a nested object's fields as {@code parent.field}; a list of scalars joined by commas. */
    private static void flatten(String key, JsonNode value, Map<String, String> into) {
        if (value.isObject()) {
            value.fields().forEachRemaining(f -> flatten(key + "." + f.getKey(), f.getValue(), into));
        } else if (value.isArray()) {
            List<String> parts = new ArrayList<>();
            value.forEach(v -> parts.add(v.isValueNode() ? v.asText() : v.toString()));
            into.put(key, String.join(",", parts));
        } else {
            into.put(key, value.asText());
        }
    }

    /** @param truncate cut cells longer than {@value MAX_CELL} characters, so that rows of many columns stay readable */
    private static void render(List<String> header, List<List<String>> rows, boolean truncate, PrintWriter out) {
        int[] width = new int[header.size()];
        for (int c = 0; c < header.size(); c++) {
            width[c] = header.get(c).length();
            for (List<String> row : rows) {
                width[c] = Math.max(width[c], cell(row.get(c), truncate).length());
            }
        }
        line(header, width, truncate, out);
        List<String> rule = new ArrayList<>();
        for (int w : width) {
            rule.add("-".repeat(w));
        }
        line(rule, width, truncate, out);
        rows.forEach(r -> line(r, width, truncate, out));
    }

    private static void line(List<String> cells, int[] width, boolean truncate, PrintWriter out) {
        StringBuilder b = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            String v = cell(cells.get(c), truncate);
            b.append(v).append(" ".repeat(width[c] - v.length() + (c == cells.size() - 1 ? 0 : 2)));
        }
        out.println(b.toString().stripTrailing());
    }

    private static String cell(String v, boolean truncate) {
        String oneLine = v.replace('\n', ' ');
        return truncate && oneLine.length() > MAX_CELL ? oneLine.substring(0, MAX_CELL - 1) + "…" : oneLine;
    }
}
