package io.keelson.controlplane.state;

import io.keelson.controlplane.testing.TestDatabases;

import javax.sql.DataSource;

/** The store contract on PostgreSQL (each test in a fresh schema). */
class PostgresStoreTest extends StoreContractTest {

    @Override
    DataSource freshDatabase() {
        return TestDatabases.postgres().freshSchema();
    }
}
