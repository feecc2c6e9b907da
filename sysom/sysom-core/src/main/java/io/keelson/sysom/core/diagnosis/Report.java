package io.keelson.sysom.core.diagnosis;

import java.util.List;

/** The diagnosis of a window of steps: its findings, most confident first (empty when the job looks healthy). */
public record Report(int fromStep, int toStep, List<Finding> findings) {

    public Report {
        findings = List.copyOf(findings);
    }

    public boolean healthy() {
        return findings.isEmpty();
    }
}
