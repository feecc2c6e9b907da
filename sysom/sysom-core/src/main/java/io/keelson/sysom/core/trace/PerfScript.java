package io.keelson.sysom.core.trace;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code perf script} output (its default format, with call graphs from {@code perf record -g}) folded into
 * {@code comm;root;...;leaf → samples}, as Brendan Gregg's stackcollapse-perf does: a sample is a header line
 * ({@code comm pid[/tid] [cpu] time: period event:}) and its frames, leaf first, one per indented line
 * ({@code address symbol+offset (dso)}); a frame perf could not name is {@code [dso]}. A sample without frames or a
 * line in neither form is counted and skipped.
 */
public final class PerfScript {

    private static final Pattern HEADER = Pattern.compile("^(\\S.*?)\\s+(\\d+)(?:/\\d+)?\\s+(?:\\[\\d+\\]\\s+)?\\d+\\.\\d+:.*");
    private static final Pattern FRAME = Pattern.compile("^\\s+[0-9a-fA-F]+\\s+(.+?)\\s+\\((.*)\\)\\s*$");
    private static final Pattern OFFSET = Pattern.compile("\\+0x[0-9a-fA-F]+$");

    private PerfScript() {
    }

    public static Map<String, Long> fold(BufferedReader in, ReadReport report) throws IOException {
        Map<String, Long> folded = new TreeMap<>();
        String comm = null;
        List<String> frames = new ArrayList<>();
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                comm = flush(comm, frames, folded, report);
                continue;
            }
            Matcher frame = FRAME.matcher(line);
            if (Character.isWhitespace(line.charAt(0)) && frame.matches() && comm != null) {
                frames.add(frameName(frame.group(1), frame.group(2)));
                continue;
            }
            Matcher header = HEADER.matcher(line);
            if (header.matches()) {
                flush(comm, frames, folded, report);
                comm = header.group(1).strip().replace(';', ':');
            } else {
                report.skipped("neither a sample header nor a frame");
            }
        }
        flush(comm, frames, folded, report);
        return folded;
    }

    private static String flush(String comm, List<String> frames, Map<String, Long> folded, ReadReport report) {
        if (comm != null) {
            if (frames.isEmpty()) {
                report.skipped("sample without a call graph");
            } else {
                StringBuilder stack = new StringBuilder(comm);
                for (int i = frames.size() - 1; i >= 0; i--) {
                    stack.append(';').append(frames.get(i));
                }
                folded.merge(stack.toString(), 1L, Long::sum);
                report.kept();
            }
        }
        frames.clear();
        return null;
    }

    private static String frameName(String symbol, String dso) {
        String name = OFFSET.matcher(symbol).replaceFirst("");
        if (name.equals("[unknown]") && !dso.isEmpty() && !dso.equals("[unknown]")) {
            name = "[" + dso.substring(dso.lastIndexOf('/') + 1) + "]";
        }
        return name.replace(';', ':');
    }
}
