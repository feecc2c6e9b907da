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

/** What every state store must do; run against the embedded H2 file and against PostgreSQL. */
abstract class StoreContractTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00.123456Z");

    private JdbcTokenStore tokens;
    private JdbcAuditStore audit;

    /** A fresh, migrated, empty database. */
    abstract DataSource freshDatabase();

    @BeforeEach
    void open() {
        DataSource ds = freshDatabase();
        tokens = new JdbcTokenStore(ds);
        audit = new JdbcAuditStore(ds);
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

    @Test
    void auditIsNewestFirstAndFiltersBySystemPrincipalAndTime() {
        List<AuditRecord> batch = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            batch.add(new AuditRecord(0, T0.plusSeconds(i), i % 2 == 0 ? "alice" : "bob", i < 5 ? "echo" : "controlplane",
                    "keelson.echo.v1.EchoService/Echo", i % 3 != 0, i % 3 != 0 ? "OK" : "PERMISSION_DENIED",
                    i % 3 != 0 ? "" : "role viewer may not", 100 + i, "/127.0.0.1:5000"));
        }
        audit.appendAll(batch);

        List<AuditRecord> all = audit.query(new AuditQuery(Long.MAX_VALUE, 100, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty()));
        assertThat(all).hasSize(10);
        assertThat(all).extracting(AuditRecord::time).isSortedAccordingTo((a, b) -> b.compareTo(a));
        assertThat(all.get(9)).isEqualTo(batch.get(0).withSequence(all.get(9).sequence()));

        assertThat(audit.query(new AuditQuery(Long.MAX_VALUE, 100, Optional.of("echo"), Optional.of("alice"),
                Optional.empty(), Optional.empty()))).extracting(AuditRecord::time)
                .containsExactly(T0.plusSeconds(4), T0.plusSeconds(2), T0);
        assertThat(audit.query(new AuditQuery(Long.MAX_VALUE, 100, Optional.empty(), Optional.empty(),
                Optional.of(T0.plusSeconds(3)), Optional.of(T0.plusSeconds(6))))).extracting(AuditRecord::time)
                .containsExactly(T0.plusSeconds(5), T0.plusSeconds(4), T0.plusSeconds(3));
    }

    @Test
    void auditPagesByDescendingSequenceWithoutGapsOrRepeats() {
        List<AuditRecord> batch = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            batch.add(new AuditRecord(0, T0.plus(i, ChronoUnit.MILLIS), "p", "echo", "m", true, "OK", "", 1, ""));
        }
        audit.appendAll(batch);

        List<Long> seen = new ArrayList<>();
        long before = Long.MAX_VALUE;
        while (true) {
            List<AuditRecord> page = audit.query(new AuditQuery(before, 10, Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty()));
            if (page.isEmpty()) {
                break;
            }
            page.forEach(r -> seen.add(r.sequence()));
            before = page.get(page.size() - 1).sequence();
        }
        assertThat(seen).hasSize(25).doesNotHaveDuplicates().isSortedAccordingTo((a, b) -> Long.compare(b, a));
    }

    private static ApiToken token(String id, Role role, Set<String> scopes, Optional<Instant> expires) {
        return new ApiToken(id, "token " + id, role, scopes, "0".repeat(64), T0, "test", expires, Optional.empty());
    }
}
