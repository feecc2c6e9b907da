package io.keelson.controlplane.state;

import io.keelson.controlplane.audit.AuditQuery;
import io.keelson.controlplane.audit.AuditRecord;
import io.keelson.controlplane.audit.AuditStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The audit store contract on the embedded append-only file, plus what only a file must survive. */
class AuditLogFileTest extends AuditStoreContractTest {

    @TempDir
    Path dir;
    private final List<AuditLogFile> opened = new ArrayList<>();

    @Override
    AuditStore freshStore() {
        return reopen();
    }

    private AuditLogFile reopen() {
        AuditLogFile file = new AuditLogFile(dir);
        opened.add(file);
        return file;
    }

    @AfterEach
    void closeAll() {
        opened.forEach(AuditLogFile::close);
    }

    @Test
    void recordsAndSequencesSurviveAReopenAcrossManyBlocks() {
        int total = 3 * AuditLogFile.BLOCK + 17;
        audit.appendAll(records(total, "a"));
        ((AuditLogFile) audit).close();

        AuditLogFile again = reopen();
        again.appendAll(records(1, "after"));

        List<AuditRecord> all = again.query(everything(total + 10));
        assertThat(all).hasSize(total + 1);
        assertThat(all.get(0).sequence()).isEqualTo(total + 1);
        assertThat(all.get(0).principal()).isEqualTo("after");
        assertThat(all).extracting(AuditRecord::sequence).isSortedAccordingTo((x, y) -> Long.compare(y, x)).doesNotHaveDuplicates();
        assertThat(again.query(new AuditQuery(AuditLogFile.BLOCK + 5, 3, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty()))).extracting(AuditRecord::sequence).containsExactly(
                (long) AuditLogFile.BLOCK + 4, (long) AuditLogFile.BLOCK + 3, (long) AuditLogFile.BLOCK + 2);
    }

    @Test
    void aTornTailIsCutOffAndEverythingBeforeItKept() throws IOException {
        audit.appendAll(records(10, "kept"));
        ((AuditLogFile) audit).close();
        Path file = dir.resolve("audit.log");
        long size;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            size = ch.size();
            ch.truncate(size - 5); // a crash in the middle of the last record
        }

        AuditLogFile again = reopen();

        assertThat(again.query(everything(100))).hasSize(9).allSatisfy(r -> assertThat(r.principal()).isEqualTo("kept"));
        again.appendAll(records(1, "next"));
        assertThat(again.query(everything(1)).get(0).sequence()).isEqualTo(10);
    }

    @Test
    void aCorruptRecordEndsTheLogThere() throws IOException {
        audit.appendAll(records(5, "x"));
        ((AuditLogFile) audit).close();
        try (FileChannel ch = FileChannel.open(dir.resolve("audit.log"), StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[]{0x55}), ch.size() - 3); // flip bytes inside the last payload
        }

        assertThat(reopen().query(everything(100))).hasSize(4);
    }

    private static AuditQuery everything(int limit) {
        return new AuditQuery(Long.MAX_VALUE, limit, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static List<AuditRecord> records(int n, String principal) {
        List<AuditRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new AuditRecord(0, T0.plusMillis(i), principal, "echo", "keelson.echo.v1.EchoService/Echo", true, "OK", "",
                    10 + i, "/127.0.0.1:1234"));
        }
        return out;
    }
}
