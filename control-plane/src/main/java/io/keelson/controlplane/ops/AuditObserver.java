package io.keelson.controlplane.ops;

import io.keelson.controlplane.audit.AuditRecord;
import io.keelson.controlplane.audit.AuditTrail;
import io.keelson.controlplane.gateway.CompletedCall;

/** Writes every finished gateway call, allowed or denied, to the audit trail. */
public final class AuditObserver implements CompletedCall.Observer {

    private final AuditTrail trail;

    public AuditObserver(AuditTrail trail) {
        this.trail = trail;
    }

    @Override
    public void completed(CompletedCall call) {
        String detail = call.allowed() ? (call.code() == io.grpc.Status.Code.OK ? "" : call.description()) : call.denial();
        trail.record(new AuditRecord(0, call.startedAt(), call.principal(), call.system(), call.method(),
                call.allowed(), call.code().name(), detail, call.latencyNanos() / 1_000, call.peer()));
    }
}
