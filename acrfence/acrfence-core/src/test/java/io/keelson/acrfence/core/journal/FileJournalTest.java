package io.keelson.acrfence.core.journal;

import io.keelson.acrfence.core.tool.EffectClass;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileJournalTest {

    @TempDir
    Path dir;

    private static Entry effect(int i) {
        return new Entry.EffectIssued("e" + i, "run", "b1", i, "transfer", 1, EffectClass.IRREVERSIBLE, "k" + i, "{\"amount\":" + i + "}", "key" + i, "");
    }

    private static List<JournalRecord> all(EffectJournal j) {
        List<JournalRecord> out = new ArrayList<>();
        j.replay(out::add);
        return out;
    }

    @Test
    void recordsSurviveReopeningInOrderWithAnIntactChain() {
        try (FileJournal j = FileJournal.open(dir, Clock.systemUTC())) {
            j.append(List.of(effect(1), effect(2)));
            j.append(List.of(new Entry.EffectUpdated("e1", EffectStatus.COMMITTED, "{\"ok\":true}", "")));
        }
        try (FileJournal j = FileJournal.open(dir, Clock.systemUTC())) {
            assertThat(all(j)).extracting(JournalRecord::seq).containsExactly(1L, 2L, 3L);
            assertThat(all(j).get(2).entry()).isEqualTo(new Entry.EffectUpdated("e1", EffectStatus.COMMITTED, "{\"ok\":true}", ""));
            j.append(List.of(effect(3)));
            ChainVerdict v = j.verify();
            assertThat(v.intact()).isTrue();
            assertThat(v.records()).isEqualTo(4);
        }
    }

    @Test
    void aFrameTornByACrashIsCutOffAndTheRestKept() throws Exception {
        try (FileJournal j = FileJournal.open(dir, Clock.systemUTC())) {
            j.append(List.of(effect(1)));
            j.append(List.of(effect(2)));
        }
        Path log = dir.resolve("journal.log");
        long size = Files.size(log);
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "rw")) {
            f.setLength(size - 5); // the last frame half written
        }
        try (FileJournal j = FileJournal.open(dir, Clock.systemUTC())) {
            assertThat(all(j)).extracting(JournalRecord::seq).containsExactly(1L);
            j.append(List.of(effect(3)));
            assertThat(all(j)).extracting(JournalRecord::seq).containsExactly(1L, 2L); // seq continues from the kept head
            assertThat(j.verify().intact()).isTrue();
        }
    }

    @Test
    void damageBeforeTheEndIsRefusedNamingTheOffset() throws Exception {
        try (FileJournal j = FileJournal.open(dir, Clock.systemUTC())) {
            j.append(List.of(effect(1)));
            j.append(List.of(effect(2)));
        }
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("journal.log").toFile(), "rw")) {
            f.seek(20);
            f.write('X');
        }
        assertThatThrownBy(() -> FileJournal.open(dir, Clock.systemUTC())).hasMessageContaining("damaged").hasMessageContaining("frame at byte 0");
    }

    @Test
    void aRecordEditedWithItsChecksumFixedIsCaughtByTheChainNamingIt() throws Exception {
        try (FileJournal j = FileJournal.open(dir, Clock.systemUTC())) {
            for (int i = 1; i <= 5; i++) {
                j.append(List.of(effect(i)));
            }
        }
        // rewrite frame 3 with amount 999 and a valid CRC: only the hash chain can tell
        Path log = dir.resolve("journal.log");
        byte[] bytes = Files.readAllBytes(log);
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(bytes);
        int at = 0;
        for (int frame = 1; frame < 3; frame++) {
            at += 8 + buf.getInt(at);
        }
        int length = buf.getInt(at);
        String body = new String(bytes, at + 8, length, StandardCharsets.UTF_8).replace("{\\\"amount\\\":3}", "{\\\"amount\\\":9}");
        byte[] changed = body.getBytes(StandardCharsets.UTF_8);
        assertThat(changed).hasSize(length);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(changed);
        buf.putInt(at + 4, (int) crc.getValue());
        System.arraycopy(changed, 0, bytes, at + 8, length);
        Files.write(log, bytes);

        try (FileJournal j = FileJournal.open(dir, Clock.systemUTC())) {
            ChainVerdict v = j.verify();
            assertThat(v.intact()).isFalse();
            assertThat(v.firstBroken().orElseThrow().seq()).isEqualTo(3);
            assertThat(v.firstBroken().orElseThrow().reason()).contains("do not match its hash");
        }
    }

    @Test
    void concurrentAppendsShareSyncsAndAllLandInOneChain() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (FileJournal j = FileJournal.open(dir, Clock.systemUTC())) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int base = t * 100;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 100; i++) {
                        j.append(List.of(effect(base + i)));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            assertThat(j.verify().records()).isEqualTo(800);
            assertThat(j.verify().intact()).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aSecondOpenIsRefusedWhileTheFirstHoldsIt() {
        try (FileJournal j = FileJournal.open(dir, Clock.systemUTC())) {
            assertThatThrownBy(() -> FileJournal.open(dir, Clock.systemUTC())).hasMessageContaining("open in another");
        }
    }
}
