package io.keelson.controlplane.state;

import io.keelson.common.v1.ErrorReason;
import io.keelson.controlplane.auth.Access;
import io.keelson.controlplane.auth.MethodPolicy;
import io.keelson.controlplane.auth.Role;
import io.keelson.controlplane.auth.TokenRegistry;
import io.keelson.controlplane.auth.Verdict;
import io.keelson.controlplane.testing.TestDatabases;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Two control-plane replicas on one PostgreSQL: a change made through one reaches the other without a reload. */
class PostgresTokenListenerTest {

    private static final MethodPolicy READ = new MethodPolicy("echo", Access.READ, true);

    @Test
    void aRevocationThroughOneReplicaIsRefusedByTheOther() {
        DataSource db = TestDatabases.postgres().freshSchema();
        TokenRegistry replicaA = new TokenRegistry(new JdbcTokenStore(db), Clock.systemUTC());
        TokenRegistry replicaB = new TokenRegistry(new JdbcTokenStore(db), Clock.systemUTC());
        try (PostgresTokenListener listener = new PostgresTokenListener(db, replicaB).start()) {
            await().atMost(Duration.ofSeconds(10)).until(listener::isListening);

            TokenRegistry.IssuedToken issued = replicaA.create("shared", Role.VIEWER, Set.of("*"), Optional.empty(), "test");
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(replicaB.authorize(Optional.of(issued.bearer()), READ)).isInstanceOf(Verdict.Allowed.class));

            replicaA.revoke(issued.token().id());
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                Verdict verdict = replicaB.authorize(Optional.of(issued.bearer()), READ);
                assertThat(verdict).isInstanceOf(Verdict.Unauthenticated.class);
                assertThat(((Verdict.Unauthenticated) verdict).reason()).isEqualTo(ErrorReason.ERROR_REASON_TOKEN_REVOKED);
            });
        }
    }
}
