package io.keelson.cli;

import com.google.protobuf.MessageOrBuilder;
import io.keelson.controlplane.v1.ControlPlaneServiceGrpc;
import io.keelson.controlplane.v1.ListAuditEventsRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The gateway's audit log, newest first (admin). */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "The audit log, newest first: every call allowed or denied (admin).")
final class AuditCommand extends GatewayCall {

    @Option(names = "--system", description = "only this system's calls")
    String system = "";
    @Option(names = "--principal", description = "only this token's calls (its id)")
    String principal = "";
    @Option(names = "--limit", description = "at most this many events (1..1000; default 50)")
    int limit = 50;

    @Override
    MessageOrBuilder call(Gateway gateway) {
        if (limit < 1 || limit > 1000) {
            throw new KeelsonCli.UsageError("--limit: 1..1000, was " + limit);
        }
        return gateway.stub(ControlPlaneServiceGrpc::newBlockingStub).listAuditEvents(ListAuditEventsRequest.newBuilder().setSystem(system)
                .setPrincipal(principal).setPageSize(limit).build());
    }
}
