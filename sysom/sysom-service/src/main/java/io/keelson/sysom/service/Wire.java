package io.keelson.sysom.service;

import io.keelson.common.grpc.Violations;
import io.keelson.sysom.core.diagnosis.Evidence;
import io.keelson.sysom.core.diagnosis.Finding;
import io.keelson.sysom.core.diagnosis.Layer;
import io.keelson.sysom.core.timeline.CollectiveMatch;
import io.keelson.sysom.core.timeline.RankStep;
import io.keelson.sysom.core.trace.HostSample;
import io.keelson.sysom.core.trace.NcclEvent;
import io.keelson.sysom.core.xfault.Culprit;
import io.keelson.sysom.core.xfault.FaultClass;
import io.keelson.sysom.v1.CollectiveVerdict;
import io.keelson.sysom.v1.Collective;
import io.keelson.sysom.v1.StepReport;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Between the wire (keelson.sysom.v1) and sysom-core: step reports checked field by field, findings written out. */
final class Wire {

    static final Pattern JOB = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    static final int MAX_WORLD = 65_536;
    static final int MAX_COLLECTIVES = 4_096;
    static final int MAX_STACKS = 1_000;

    private Wire() {
    }

    /** A report as a {@link RankStep}; every bad field is added to {@code v} (and nothing is returned then). */
    static RankStep step(StepReport r, Violations v) {
        v.check(JOB.matcher(r.getJob()).matches(), "job", "must match [A-Za-z0-9._-]{1,64}");
        v.check(r.getWorldSize() >= 1 && r.getWorldSize() <= MAX_WORLD, "world_size", "must be 1.." + MAX_WORLD + ", was " + r.getWorldSize());
        v.check(r.getRank() >= 0 && r.getRank() < Math.max(1, r.getWorldSize()), "rank", "must be in [0, world_size), was " + r.getRank());
        v.check(r.getStep() >= 0 && r.getStep() <= Integer.MAX_VALUE, "step", "must be 0.." + Integer.MAX_VALUE + ", was " + r.getStep());
        v.check(Double.isFinite(r.getStartMicros()), "start_micros", "must be a finite number");
        v.check(!r.hasEndMicros() || Double.isFinite(r.getEndMicros()) && r.getEndMicros() >= r.getStartMicros(), "end_micros",
                "must be finite and not before start_micros");
        v.check(nonNegative(r.getComputeMicros()), "compute_micros", "must be finite and >= 0");
        v.check(nonNegative(r.getMemcpyMicros()), "memcpy_micros", "must be finite and >= 0");
        v.check(r.getCollectivesCount() <= MAX_COLLECTIVES, "collectives", "at most " + MAX_COLLECTIVES + " per report");
        v.check(r.getStacksCount() <= MAX_STACKS, "stacks", "at most " + MAX_STACKS + " stacks per report");
        r.getStacksMap().forEach((stack, samples) -> v.check(!stack.isEmpty() && samples >= 0, "stacks[" + stack + "]",
                "needs a non-empty stack and samples >= 0"));
        v.check(nonNegative(r.getHost().getSchedDelayMicros()) && r.getHost().getReclaimedPages() >= 0 && nonNegative(r.getHost().getIrqMicros()),
                "host", "counters must be finite and >= 0");
        List<NcclEvent> events = new ArrayList<>(r.getCollectivesCount());
        for (int i = 0; i < Math.min(r.getCollectivesCount(), MAX_COLLECTIVES); i++) {
            Collective c = r.getCollectives(i);
            String at = "collectives[" + i + "]";
            v.check(c.getCommunicator().matches("[A-Za-z]+[A-Za-z0-9._-]{0,63}"), at + ".communicator",
                    "must start with letters naming its kind (dp, tp, pp...), then up to 63 of [A-Za-z0-9._-]");
            v.check(c.getPeer() >= 0 && c.getPeer() < Math.max(1, r.getWorldSize()), at + ".peer", "must be in [0, world_size)");
            v.check(Double.isFinite(c.getStartMicros()), at + ".start_micros", "must be a finite number");
            v.check(!c.hasEndMicros() || Double.isFinite(c.getEndMicros()) && c.getEndMicros() >= c.getStartMicros(), at + ".end_micros",
                    "must be finite and not before start_micros");
            v.check(nonNegative(c.getSendMicros()), at + ".send_micros", "must be finite and >= 0");
            v.check(c.getBytes() >= 0, at + ".bytes", "must be >= 0");
            events.add(new NcclEvent(c.getCommunicator(), c.getCollective(), c.getSequence(), c.getBytes(), r.getRank(), c.getPeer(),
                    c.getStartMicros(), c.hasEndMicros() ? c.getEndMicros() : Double.NaN, c.getSendMicros()));
        }
        return new RankStep(r.getRank(), (int) Math.min(r.getStep(), Integer.MAX_VALUE), r.getStartMicros(),
                r.hasEndMicros() ? r.getEndMicros() : Double.NaN, events, r.getComputeMicros(), r.getMemcpyMicros(), r.getStacksMap(),
                new HostSample(r.getHost().getSchedDelayMicros(), r.getHost().getReclaimedPages(), r.getHost().getIrqMicros()));
    }

    static io.keelson.sysom.v1.Finding finding(Finding f) {
        io.keelson.sysom.v1.Finding.Builder b = io.keelson.sysom.v1.Finding.newBuilder().setFaultClass(faultClass(f.faultClass()))
                .setLayer(layer(f.layer())).setConfidence(f.confidence()).setSlowdown(f.slowdown());
        if (f.culprit() instanceof Culprit.Rank r) {
            b.setRank(r.rank());
        } else {
            Culprit.Link l = (Culprit.Link) f.culprit();
            b.setLink(io.keelson.sysom.v1.Link.newBuilder().setFromRank(l.from()).setToRank(l.to()));
        }
        for (Evidence e : f.evidence()) {
            b.addEvidence(io.keelson.sysom.v1.Evidence.newBuilder().setLayer(layer(e.layer())).setMetric(e.metric()).setValue(e.value())
                    .setPeerMedian(e.peerMedian()).setReading(e.reading()));
        }
        return b.build();
    }

    /** A flight-recorder verdict on the wire. */
    static CollectiveVerdict verdict(CollectiveMatch.Verdict verdict) {
        CollectiveVerdict.Builder b = CollectiveVerdict.newBuilder().setGroup(verdict.group()).setExplanation(verdict.describe());
        if (verdict instanceof CollectiveMatch.AllCompleted a) {
            b.setAllCompleted(CollectiveVerdict.AllCompleted.newBuilder().setLastSequence(a.lastSequence()));
        } else if (verdict instanceof CollectiveMatch.MissingRanks m) {
            b.setMissingRanks(CollectiveVerdict.MissingRanks.newBuilder().setSequence(m.sequence()).setOperation(m.operation())
                    .addAllMissing(m.missing()).addAllWaiting(m.waiting()).putAllLastIssued(m.lastIssued()));
        } else if (verdict instanceof CollectiveMatch.NeverCompleted n) {
            b.setNeverCompleted(CollectiveVerdict.NeverCompleted.newBuilder().setSequence(n.sequence()).setOperation(n.operation()).addAllRanks(n.ranks()));
        } else if (verdict instanceof CollectiveMatch.PointToPointStuck p) {
            CollectiveVerdict.PointToPoint.Builder pb = CollectiveVerdict.PointToPoint.newBuilder().setFromRank(p.fromRank()).setToRank(p.toRank())
                    .setIndex(p.index());
            p.missingRank().ifPresent(pb::setMissingRank);
            b.setPointToPoint(pb);
        } else {
            CollectiveMatch.Mismatch m = (CollectiveMatch.Mismatch) verdict;
            b.setDesynchronised(CollectiveVerdict.Desynchronised.newBuilder().setSequence(m.sequence())
                    .setKind(CollectiveVerdict.Desynchronised.Kind.valueOf("KIND_" + m.kind().name())).setRank(m.rank())
                    .setExpected(m.expected()).setFound(m.found()));
        }
        return b.build();
    }

    static io.keelson.sysom.v1.FaultClass faultClass(FaultClass c) {
        return io.keelson.sysom.v1.FaultClass.valueOf("FAULT_CLASS_" + c.name());
    }

    static io.keelson.sysom.v1.Layer layer(Layer l) {
        return io.keelson.sysom.v1.Layer.valueOf("LAYER_" + l.name());
    }

    private static boolean nonNegative(double v) {
        return Double.isFinite(v) && v >= 0;
    }
}
