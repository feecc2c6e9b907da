package io.keelson.wio.core.actor;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The committed actor .wasm files are what their C sources build to (where clang and wasm-ld are installed to check it). */
class WasmArtifactsTest {

    @TempDir
    Path out;

    private static boolean onPath(String tool) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":")).anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, tool)));
    }

    @Test
    void theCommittedActorsMatchTheirSources() throws Exception {
        Assumptions.assumeTrue(onPath("clang") && onPath("wasm-ld"), "clang and wasm-ld are not installed (apt-get install clang lld)");
        Process build = new ProcessBuilder("sh", "../actors/build.sh", out.toString()).redirectErrorStream(true).start();
        String log = new String(build.getInputStream().readAllBytes());
        assertThat(build.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(build.exitValue()).as(log).isZero();
        for (String actor : Actors.BUNDLED) {
            assertThat(Files.readAllBytes(out.resolve(actor + ".wasm"))).as("%s.wasm is stale: run wio/actors/build.sh", actor)
                    .isEqualTo(Actors.wasm(actor));
        }
    }
}
