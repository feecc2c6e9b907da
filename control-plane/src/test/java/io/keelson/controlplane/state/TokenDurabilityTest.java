package io.keelson.controlplane.state;

import io.keelson.controlplane.auth.Access;
import io.keelson.controlplane.auth.MethodPolicy;
import io.keelson.controlplane.auth.Role;
import io.keelson.controlplane.auth.TokenRegistry;
import io.keelson.controlplane.auth.Verdict;
import io.keelson.controlplane.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Tokens the embedded store acknowledged survive a restart and a kill -9 of the process. */
class TokenDurabilityTest {

    private static final MethodPolicy READ = new MethodPolicy("echo", Access.READ, true);

    @TempDir
    Path dir;

    @Test
    void tokensSurviveARestart() {
        TokenRegistry first = new TokenRegistry(new JdbcTokenStore(TestDatabases.h2(dir)), Clock.systemUTC());
        String kept = first.create("kept", Role.VIEWER, Set.of("*"), Optional.empty(), "test").bearer();
        TokenRegistry.IssuedToken revoked = first.create("gone", Role.VIEWER, Set.of("*"), Optional.empty(), "test");
        first.revoke(revoked.token().id());

        TokenRegistry reopened = new TokenRegistry(new JdbcTokenStore(TestDatabases.h2(dir)), Clock.systemUTC());

        assertThat(reopened.authorize(Optional.of(kept), READ)).isInstanceOf(Verdict.Allowed.class);
        assertThat(reopened.authorize(Optional.of(revoked.bearer()), READ)).isInstanceOf(Verdict.Unauthenticated.class);
    }

    @Test
    void everyAcknowledgedTokenSurvivesKillMinus9() throws Exception {
        Process writer = new ProcessBuilder(javaBin(), "-cp", System.getProperty("java.class.path"),
                TokenWriter.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        List<String> acknowledged = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.US_ASCII))) {
            String line;
            while (acknowledged.size() < 200 && (line = out.readLine()) != null) {
                if (line.startsWith("ACK ")) {
                    acknowledged.add(line.substring(4));
                }
            }
            writer.destroyForcibly(); // SIGKILL: no shutdown hook, no H2 close
            assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(acknowledged).hasSize(200);

        TokenRegistry reopened = new TokenRegistry(new JdbcTokenStore(TestDatabases.h2(dir)), Clock.systemUTC());

        for (String bearer : acknowledged) {
            assertThat(reopened.authorize(Optional.of(bearer), READ)).as("token acknowledged before kill -9")
                    .isInstanceOf(Verdict.Allowed.class);
        }
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Child process: issues tokens forever, printing each bearer once the store has acknowledged it. */
    public static final class TokenWriter {
        public static void main(String[] args) throws java.sql.SQLException {
            javax.sql.DataSource ds = TestDatabases.h2(Path.of(args[0]));
            // Keep the database open, as the platform's connection pool does: otherwise closing the last
            // connection would flush everything and hide a commit that only reached memory.
            java.sql.Connection held = ds.getConnection();
            TokenRegistry registry = new TokenRegistry(new JdbcTokenStore(ds), Clock.systemUTC());
            for (int i = 0; i < 100_000; i++) {
                String bearer = registry.create("t" + i, Role.VIEWER, Set.of("*"), Optional.empty(), "writer").bearer();
                System.out.println("ACK " + bearer);
                System.out.flush();
            }
            held.close();
        }
    }
}
