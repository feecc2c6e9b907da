package io.keelson.controlplane.state;

import io.keelson.controlplane.testing.TestDatabases;

import javax.sql.DataSource;

/** The token store contract on PostgreSQL (each test in a fresh schema). */
class PostgresTokenStoreTest extends TokenStoreContractTest {

    @Override
    DataSource freshDatabase() {
        return TestDatabases.postgres().freshSchema();
    }
}
