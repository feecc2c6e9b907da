package io.keelson.common.docs;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/api.md is what the contracts say now: every service, RPC, message, field and enum, with its comment. */
class ApiDocsTest {

    @Test
    void theApiDocumentIsUpToDateWithTheContracts() throws Exception {
        String generated = ApiDocs.render(Files.readAllBytes(ApiDocs.DESCRIPTORS));
        assertThat(generated).contains("### service WioService", "| `MigrateActor` | MigrateActorRequest → MigrateActorResponse | operator |",
                "### service ControlPlaneService", "#### enum ErrorReason");
        Path committed = Path.of("../docs/api.md");
        assertThat(Files.exists(committed) ? Files.readString(committed) : "")
                .as("docs/api.md is stale: run ./keelson docs").isEqualTo(generated);
    }
}
