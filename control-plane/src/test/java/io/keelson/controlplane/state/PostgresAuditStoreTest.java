package io.keelson.controlplane.state;

import io.keelson.controlplane.audit.AuditStore;
import io.keelson.controlplane.testing.TestDatabases;

/** The audit store contract on PostgreSQL (cluster mode; each test in a fresh schema). */
class PostgresAuditStoreTest extends AuditStoreContractTest {

    @Override
    AuditStore freshStore() {
        return new JdbcAuditStore(TestDatabases.postgres().freshSchema());
    }
}
