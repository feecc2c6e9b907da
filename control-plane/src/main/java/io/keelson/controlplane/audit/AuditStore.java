package io.keelson.controlplane.audit;

import java.util.List;

/** Durable storage of the audit log. */
public interface AuditStore {

    /** Writes the records in one transaction, in order. */
    void appendAll(List<AuditRecord> records);

    List<AuditRecord> query(AuditQuery query);
}
