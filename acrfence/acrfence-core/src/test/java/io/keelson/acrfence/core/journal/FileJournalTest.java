package io.keelson.acrfence.core.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import static io.keelson.acrfence.core.journal.JournalFixtures.all;
import static io.keelson.acrfence.core.journal.JournalFixtures.effect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What only the file journal has: torn tails, byte-level damage, a checksummed edit, the process lock (the rest is {@link JournalContractTest}). */
class FileJournalTest {

    @TempDir
    Path dir;

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
    void aSecondOpenIsRefusedWhileTheFirstHoldsIt() {
        try (FileJournal j = FileJournal.open(dir, Clock.systemUTC())) {
            assertThatThrownBy(() -> FileJournal.open(dir, Clock.systemUTC())).hasMessageContaining("open in another");
        }
    }
}
