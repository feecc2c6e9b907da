package io.keelson.schedcp.core.verify;

import io.keelson.schedcp.core.sim.PolicyDsl;
import io.keelson.schedcp.core.sim.SimulationCheck;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The verifier's stages for a policy written in the {@link PolicyDsl}: static (it parses; a syntax error names line
 * and column), simulation ({@link SimulationCheck}: starvation past the watchdog, CPUs idle while tasks wait), and
 * kernel (not applicable: a simulator policy is not a kernel scheduler).
 */
public final class PolicyVerifier {

    private PolicyVerifier() {
    }

    public static VerificationReport verify(String source) {
        List<VerificationReport.Stage> stages = new ArrayList<>();
        PolicyDsl.Definition policy;
        try {
            policy = PolicyDsl.parse(source);
        } catch (PolicyDsl.SyntaxError e) {
            stages.add(new VerificationReport.Stage("static", VerificationReport.Outcome.REJECTED, "source_code: " + e.getMessage()));
            return new VerificationReport(stages);
        }
        stages.add(new VerificationReport.Stage("static", VerificationReport.Outcome.PASSED, "policy " + policy.name() + " parses"));
        SimulationCheck.Verdict v = SimulationCheck.check(policy::instantiate);
        StringBuilder numbers = new StringBuilder();
        v.runs().forEach(r -> numbers.append(String.format(Locale.ROOT, "; %s: makespan %.2f s, p99 wakeup %.2f ms, fairness %.3f", r.workload(),
                r.makespanMicros() / 1e6, r.p99ResponseMicros() / 1e3, r.jainFairness())));
        stages.add(v instanceof SimulationCheck.Rejected r
                ? new VerificationReport.Stage("simulation", VerificationReport.Outcome.REJECTED, r.reason() + " (workload " + r.workload() + ")" + numbers)
                : new VerificationReport.Stage("simulation", VerificationReport.Outcome.PASSED, "no starvation, work-conserving" + numbers));
        stages.add(new VerificationReport.Stage("kernel", VerificationReport.Outcome.SKIPPED, "a simulator policy is not loaded into a kernel"));
        return new VerificationReport(stages);
    }
}
