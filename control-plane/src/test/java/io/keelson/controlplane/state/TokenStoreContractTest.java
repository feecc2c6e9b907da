package io.keelson.controlplane.state;

import io.keelson.controlplane.audit.AuditQuery;
import io.keelson.controlplane.audit.AuditRecord;
import io.keelson.controlplane.auth.ApiToken;
import io.keelson.controlplane.auth.Role;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** What every token store must do; run against the embedded H2 file and against PostgreSQL. */
abstract class TokenStoreContractTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00.123456Z");

    private JdbcTokenStore tokens;

    /** A fresh, migrated, empty database. */
    abstract DataSource freshDatabase();

    @BeforeEach
    void open() {
        tokens = new JdbcTokenStore(freshDatabase());
    }

    @Test
    void tokenRoundTripsEveryField() {
        ApiToken token = token("aaaaaaaaaaaaaaaa", Role.OPERATOR, Set.of("gpuos", "wio"), Optional.of(T0.plusSeconds(3600)));

        tokens.insert(token);

        assertThat(tokens.find(token.id())).contains(token);
        assertThat(tokens.find("zzzzzzzzzzzzzzzz")).isEmpty();
        assertThat(tokens.count()).isEqualTo(1);
    }

    @Test
    void revokeIsRecordedOnceAndKeepsTheFirstTime() {
        tokens.insert(token("bbbbbbbbbbbbbbbb", Role.VIEWER, Set.of("*"), Optional.empty()));

        Optional<ApiToken> first = tokens.revoke("bbbbbbbbbbbbbbbb", T0.plusSeconds(10));
        Optional<ApiToken> second = tokens.revoke("bbbbbbbbbbbbbbbb", T0.plusSeconds(20));

        assertThat(first).get().extracting(ApiToken::revokedAt).isEqualTo(Optional.of(T0.plusSeconds(10)));
        assertThat(second).get().extracting(ApiToken::revokedAt).isEqualTo(Optional.of(T0.plusSeconds(10)));
        assertThat(tokens.revoke("cccccccccccccccc", T0)).isEmpty();
    }

    @Test
    void tokenListPagesByIdAndHidesRevokedUnlessAsked() {
        for (char c = 'a'; c <= 'e'; c++) {
            tokens.insert(token(String.valueOf(c).repeat(16), Role.VIEWER, Set.of("*"), Optional.empty()));
        }
        tokens.revoke("cccccccccccccccc", T0);

        assertThat(tokens.list("", 2, true)).extracting(ApiToken::id).containsExactly("aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb");
        assertThat(tokens.list("bbbbbbbbbbbbbbbb", 10, true)).extracting(ApiToken::id)
                .containsExactly("cccccccccccccccc", "dddddddddddddddd", "eeeeeeeeeeeeeeee");
        assertThat(tokens.list("", 10, false)).extracting(ApiToken::id).doesNotContain("cccccccccccccccc").hasSize(4);
    }

    private static ApiToken token(String id, Role role, Set<String> scopes, Optional<Instant> expires) {
        return new ApiToken(id, "token " + id, role, scopes, "0".repeat(64), T0, "test", expires, Optional.empty());
    }
}
