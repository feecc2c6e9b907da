package io.keelson.schedcp.core.verify;

import java.util.List;

/** What the verifier's stages decided about one scheduler source, stage by stage. */
public record VerificationReport(List<Stage> stages) {

    public enum Outcome { PASSED, SKIPPED, REJECTED, FAILED, KERNEL_UNSUPPORTED, UNIMPLEMENTED }

    /** One stage's verdict and why. */
    public record Stage(String stage, Outcome outcome, String detail) {
    }

    public VerificationReport {
        stages = List.copyOf(stages);
    }

    /** Accepted unless a stage rejected or failed (skipped and unsupported stages are said, not counted against it). */
    public boolean accepted() {
        return stages.stream().noneMatch(s -> s.outcome() == Outcome.REJECTED || s.outcome() == Outcome.FAILED);
    }
}
