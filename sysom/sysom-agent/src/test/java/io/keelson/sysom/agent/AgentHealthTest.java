package io.keelson.sysom.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The node agent's probes (a loop that stops coming round is not live; not ready before it looked for ranks) and its token file. */
class AgentHealthTest {

    private static int status(AgentHealth health, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + health.port() + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void liveWhileTheLoopComesRoundReadyOnceItLookedForRanks() throws Exception {
        AtomicLong now = new AtomicLong();
        try (AgentHealth health = AgentHealth.serve(0, Duration.ofSeconds(180), now::get)) {
            assertThat(status(health, "/q/health/live")).isEqualTo(200);
            assertThat(status(health, "/q/health/ready")).isEqualTo(503);
            health.scanned();
            assertThat(status(health, "/q/health/ready")).isEqualTo(200);
            now.addAndGet(Duration.ofSeconds(181).toNanos()); // stuck in a call
            assertThat(status(health, "/q/health/live")).isEqualTo(503);
            assertThat(status(health, "/q/health/ready")).isEqualTo(503);
            health.beat();
            assertThat(status(health, "/q/health/live")).isEqualTo(200);
        }
    }

    @Test
    void aTokenFileIsWaitedForAndReadAgainWhenItChanges(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("token");
        List<String> out = new ArrayList<>();
        TokenSource tokens = TokenSource.file(file, out::add);
        assertThat(tokens.changed()).isEmpty();
        assertThat(tokens.changed()).isEmpty();
        assertThat(out).singleElement().asString().contains("waiting_for_token").contains(file.toString());
        Files.writeString(file, "kt_first\n");
        assertThat(tokens.changed()).contains("kt_first");
        assertThat(tokens.changed()).as("unchanged").isEmpty();
        Files.writeString(file, "kt_rotated");
        assertThat(tokens.changed()).contains("kt_rotated");
        assertThat(TokenSource.fixed("kt_env").changed()).contains("kt_env");
    }
}
