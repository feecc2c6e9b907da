package io.keelson.controlplane;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A bad configuration value stops the packaged platform at start-up with a message naming the key. */
class ConfigErrorIT {

    @TempDir
    Path home;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "keelson.gateway.port=70000             | keelson.gateway.port",
            "keelson.gateway.threads=0              | keelson.gateway.threads",
            "keelson.systems.nope.address=x:1       | keelson.systems.nope.address",
            "keelson.systems.echo.address=not valid | keelson.systems.echo.address",
            "keelson.gateway.tls-cert=/tmp/c.pem    | keelson.gateway.tls-key",
            "keelson.auth.reload-interval=soon      | keelson.auth.reload-interval",
            "keelson.gpuos.queue-capacity=1000      | keelson.gpuos.queue-capacity",
            "keelson.gpuos.workers=0                | keelson.gpuos.workers",
    })
    void startUpStopsAndNamesTheKey(String setting, String namedKey) throws Exception {
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dkeelson.home=" + home, "-Dquarkus.http.port=0", "-Dkeelson.gateway.port=0", "-D" + setting,
                "-jar", "target/quarkus-app/quarkus-run.jar"))
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(p.exitValue()).as(output).isNotZero();
        assertThat(output).contains(namedKey).doesNotContain("Keelson is up");
    }
}
