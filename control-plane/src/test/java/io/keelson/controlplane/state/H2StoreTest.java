package io.keelson.controlplane.state;

import io.keelson.controlplane.testing.TestDatabases;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.nio.file.Path;

/** The store contract on the embedded H2 file. */
class H2StoreTest extends StoreContractTest {

    @TempDir
    Path dir;

    @Override
    DataSource freshDatabase() {
        return TestDatabases.h2(dir);
    }
}
