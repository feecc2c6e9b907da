package io.keelson.sysom.core.trace;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Folded stacks ({@code root;caller;callee COUNT}, as perf/bpftrace/xpu-perf emit them): each line a stack, outermost
 * frame first, and how often it was sampled. A line without a positive count or with an empty frame is counted and
 * skipped. Identical stacks are merged.
 */
public final class FoldedStacks {

    /** A stack and its samples. */
    public record Stack(List<String> frames, long samples) {
    }

    private FoldedStacks() {
    }

    public static List<Stack> read(BufferedReader in, ReadReport report) throws IOException {
        Map<String, Long> merged = new TreeMap<>();
        String line;
        while ((line = in.readLine()) != null) {
            String trimmed = line.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            int space = trimmed.lastIndexOf(' ');
            long count;
            try {
                count = space < 0 ? -1 : Long.parseLong(trimmed.substring(space + 1));
            } catch (NumberFormatException e) {
                count = -1;
            }
            String stack = space < 0 ? "" : trimmed.substring(0, space).strip();
            if (count <= 0) {
                report.skipped("no sample count");
            } else if (stack.isEmpty() || stack.startsWith(";") || stack.endsWith(";") || stack.contains(";;")) {
                report.skipped("empty frame");
            } else {
                report.kept();
                merged.merge(stack, count, Long::sum);
            }
        }
        List<Stack> stacks = new ArrayList<>();
        merged.forEach((stack, count) -> stacks.add(new Stack(List.of(stack.split(";")), count)));
        return stacks;
    }
}
