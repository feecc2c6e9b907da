package io.keelson.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keelson.controlplane.testing.PlatformProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code KEELSON_LOG_JSON=true} turns the packaged platform's console log into one JSON object per line. */
class JsonLogIT {

    @TempDir
    Path home;

    @Test
    void everyStartupLineIsAJsonRecord() throws Exception {
        ObjectMapper json = new ObjectMapper();
        try (PlatformProcess platform = PlatformProcess.start(Path.of("target/quarkus-app/quarkus-run.jar"), home,
                Map.of(), Map.of("KEELSON_LOG_JSON", "true"))) {
            assertThat(platform.startupLog()).isNotEmpty();
            for (String line : platform.startupLog()) {
                JsonNode record = json.readTree(line);
                assertThat(record.has("timestamp") && record.has("level") && record.has("message")).as(line).isTrue();
            }
            assertThat(platform.startupLog()).anySatisfy(line ->
                    assertThat(json.readTree(line).get("message").asText()).startsWith("Keelson is up"));
        }
    }
}
