package io.keelson.agentcgroup.core.trace;

import java.util.Map;
import java.util.TreeMap;

/** How reading one trace file went: records kept, and records skipped by reason. */
public record ReadReport(int kept, Map<String, Integer> skipped) {

    public ReadReport {
        skipped = Map.copyOf(skipped);
    }

    public int skippedTotal() {
        return skipped.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Accumulates a report while reading. */
    static final class Builder {
        private int kept;
        private final Map<String, Integer> skipped = new TreeMap<>();

        void keep() {
            kept++;
        }

        void skip(String reason) {
            skipped.merge(reason, 1, Integer::sum);
        }

        ReadReport build() {
            return new ReadReport(kept, skipped);
        }
    }
}
