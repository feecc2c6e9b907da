package io.keelson.controlplane.state;

import io.keelson.controlplane.testing.TestDatabases;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.nio.file.Path;

/** The token store contract on the embedded H2 file. */
class H2TokenStoreTest extends TokenStoreContractTest {

    @TempDir
    Path dir;

    @Override
    DataSource freshDatabase() {
        return TestDatabases.h2(dir);
    }
}
