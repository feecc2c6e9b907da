package io.keelson.sysom.agent;

import io.keelson.sysom.core.timeline.RankStep;
import io.keelson.sysom.core.trace.NcclEvent;
import io.keelson.sysom.v1.Collective;
import io.keelson.sysom.v1.HostCounters;
import io.keelson.sysom.v1.StepReport;

/** What a node agent sends sysom for each rank's step ({@code keelson.sysom.v1.StepReport}). */
public final class StepReports {

    private StepReports() {
    }

    /** The report of one rank's step. */
    public static StepReport of(String job, int worldSize, RankStep s) {
        StepReport.Builder b = StepReport.newBuilder().setJob(job).setRank(s.rank()).setWorldSize(worldSize).setStep(s.step())
                .setStartMicros(s.startMicros()).setComputeMicros(s.computeMicros()).setMemcpyMicros(s.memcpyMicros()).putAllStacks(s.stacks())
                .setHost(HostCounters.newBuilder().setSchedDelayMicros(s.host().schedDelayMicros())
                        .setReclaimedPages(s.host().reclaimedPages()).setIrqMicros(s.host().irqMicros()));
        if (s.completed()) {
            b.setEndMicros(s.endMicros());
        }
        for (NcclEvent e : s.collectives()) {
            Collective.Builder c = Collective.newBuilder().setCommunicator(e.communicator()).setCollective(e.collective())
                    .setSequence(e.sequence()).setBytes(e.bytes()).setPeer(e.peer()).setStartMicros(e.startMicros()).setSendMicros(e.sendMicros());
            if (e.completed()) {
                c.setEndMicros(e.endMicros());
            }
            b.addCollectives(c);
        }
        return b.build();
    }

}
