package io.keelson.controlplane.state;

import io.keelson.controlplane.audit.AuditQuery;
import io.keelson.controlplane.audit.AuditRecord;
import io.keelson.controlplane.audit.AuditStore;
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

/** What every audit store must do; run against the embedded audit log file and against PostgreSQL. */
abstract class AuditStoreContractTest {

    static final Instant T0 = Instant.parse("2026-11-25T10:00:00.123456Z");

    AuditStore audit;

    /** A fresh, empty store. */
    abstract AuditStore freshStore();

    @BeforeEach
    void open() {
        audit = freshStore();
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
}
