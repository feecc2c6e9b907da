package io.keelson.acrfence.core.journal;

import io.keelson.acrfence.core.testing.JournalStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.postgresql.ds.PGSimpleDataSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import static io.keelson.acrfence.core.journal.JournalFixtures.all;
import static io.keelson.acrfence.core.journal.JournalFixtures.effect;
import static org.assertj.core.api.Assertions.assertThat;

/** What every journal store promises, checked on each: the embedded file and PostgreSQL. */
class JournalContractTest {

    @TempDir
    Path scratch;

    @ParameterizedTest
    @EnumSource(JournalStore.class)
    void recordsAndDeferredNotesSurviveReopeningInChainOrder(JournalStore store) {
        Supplier<EffectJournal> journals = store.fresh(scratch);
        try (EffectJournal j = journals.get()) {
            assertThat(j.append(List.of(effect(1), effect(2)))).extracting(JournalRecord::seq).containsExactly(1L, 2L);
            j.appendDeferred(List.of(new Entry.EffectAnswered("e1", "run", "b1")));
            j.append(List.of(new Entry.EffectUpdated("e1", EffectStatus.COMMITTED, "{\"ok\":true}", "")));
        }
        try (EffectJournal j = journals.get()) {
            List<JournalRecord> records = all(j);
            assertThat(records).extracting(JournalRecord::seq).containsExactly(1L, 2L, 3L, 4L);
            assertThat(records.get(2).entry()).isEqualTo(new Entry.EffectAnswered("e1", "run", "b1"));
            assertThat(records.get(1).prevHash()).isEqualTo(records.get(0).hash());
            ChainVerdict v = j.verify();
            assertThat(v.intact()).isTrue();
            assertThat(v.headHash()).isEqualTo(records.get(3).hash());
        }
    }

    @ParameterizedTest
    @EnumSource(JournalStore.class)
    void concurrentAppendersKeepOneLinearChain(JournalStore store) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (EffectJournal j = store.fresh(scratch).get()) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int base = t * 1000;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        j.append(List.of(effect(base + i), new Entry.EffectUpdated("e" + (base + i), EffectStatus.COMMITTED, "{}", "")));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            ChainVerdict v = j.verify();
            assertThat(v.records()).isEqualTo(800);
            assertThat(v.intact()).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRowEditedInPostgresIsCaughtByTheChainNamingIt() throws Exception {
        PGSimpleDataSource ds = JournalStore.dataSource();
        try (EffectJournal j = PostgresJournal.open(ds, ds.getCurrentSchema(), Clock.systemUTC())) {
            for (int i = 1; i <= 5; i++) {
                j.append(List.of(effect(i)));
            }
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE acrfence_journal SET entry = replace(entry, '{\\\"amount\\\":3}', '{\\\"amount\\\":9}') WHERE seq = 3");
            }
            ChainVerdict v = j.verify();
            assertThat(v.firstBroken()).hasValueSatisfying(b -> {
                assertThat(b.seq()).isEqualTo(3);
                assertThat(b.reason()).contains("do not match its hash");
            });
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate("DELETE FROM acrfence_journal WHERE seq = 2");
            }
            assertThat(j.verify().firstBroken()).hasValueSatisfying(b -> assertThat(b.reason()).contains("missing or moved"));
        }
    }
}
