package io.keelson.sysom.core.timeline;

import io.keelson.sysom.core.trace.FlightRecord;
import io.keelson.sysom.core.trace.FlightRecorderDump;
import io.keelson.sysom.core.trace.ReadReport;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CollectiveMatchTest {

    private static final Path DUMPS = Path.of("../testdata/flight-recorder");

    private static List<FlightRecorderDump.Dump> dumps(String scenario, int... without) throws IOException {
        List<FlightRecorderDump.Dump> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(DUMPS.resolve(scenario))) {
            for (Path f : files.sorted().toList()) {
                int rank = FlightRecorderDump.rankOf(f).orElseThrow();
                if (Arrays.stream(without).noneMatch(r -> r == rank)) {
                    out.add(FlightRecorderDump.read(f, new ReadReport()));
                }
            }
        }
        return out;
    }

    @Test
    void aPickledDumpIsReadWithItsGroupsAndEntries() throws Exception {
        ReadReport report = new ReadReport();
        FlightRecorderDump.Dump d = FlightRecorderDump.read(DUMPS.resolve("healthy/nccl_trace_rank_1"), report);
        assertThat(d.rank()).isEqualTo(1);
        assertThat(d.version()).isEqualTo("2.4");
        assertThat(d.groups()).containsEntry("0", new FlightRecorderDump.Group("0", "default_pg", List.of(0, 1, 2, 3)));
        assertThat(d.records()).hasSize(10).allSatisfy(r -> assertThat(r.state()).isEqualTo(FlightRecord.State.COMPLETED));
        FlightRecord first = d.records().get(0);
        assertThat(first.operation()).isEqualTo("all_reduce");
        assertThat(first.sequence()).isEqualTo(1);
        assertThat(first.inputBytes()).isEqualTo(4096L * 1024 * 4);
        assertThat(first.completedNanos().getAsLong() - first.startedNanos().getAsLong()).isEqualTo(7_000_000);
        assertThat(first.issuedAt()).contains("train_step (train.py:88)");
        assertThat(report.keptEvents()).isEqualTo(10);
    }

    @Test
    void aDamagedEntryIsCountedAndSkippedAndAForeignFileRefused() throws Exception {
        ReadReport report = new ReadReport();
        FlightRecorderDump.Dump d = FlightRecorderDump.read(DUMPS.resolve("damaged/nccl_trace_rank_0"), report);
        assertThat(d.records()).extracting(FlightRecord::sequence).containsExactly(1L, 3L);
        assertThat(report.skippedByReason()).isEqualTo(Map.of("no collective_seq_id", 1L));
        assertThatThrownBy(() -> FlightRecorderDump.read(new ByteArrayInputStream("not a pickle".getBytes(StandardCharsets.UTF_8)), 0, new ReadReport()))
                .isInstanceOf(IOException.class).hasMessageContaining("not a flight-recorder dump");
        byte[] whole = Files.readAllBytes(DUMPS.resolve("healthy/nccl_trace_rank_0"));
        assertThatThrownBy(() -> FlightRecorderDump.read(new ByteArrayInputStream(Arrays.copyOf(whole, whole.length / 2)), 0, new ReadReport()))
                .as("a dump cut short").isInstanceOf(IOException.class).hasMessageContaining("not a flight-recorder dump");
    }

    @Test
    void theJsonFormReadsLikeThePickle() throws Exception {
        String json = "{\"version\":\"2.4\",\"pg_config\":{\"0\":{\"name\":\"0\",\"desc\":\"default_pg\",\"ranks\":[0,1]}},\"entries\":[{"
                + "\"collective_seq_id\":4,\"profiling_name\":\"nccl:all_gather\",\"process_group\":[\"0\",\"default_pg\"],\"state\":\"started\","
                + "\"input_sizes\":[[8,2]],\"input_dtypes\":[\"BFloat16\"],\"time_created_ns\":5}]}";
        FlightRecorderDump.Dump d = FlightRecorderDump.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), 1, new ReadReport());
        assertThat(d.groups().get("0").ranks()).containsExactly(0, 1);
        assertThat(d.records()).singleElement().satisfies(r -> {
            assertThat(r.operation()).isEqualTo("all_gather");
            assertThat(r.state()).isEqualTo(FlightRecord.State.STARTED);
            assertThat(r.inputBytes()).isEqualTo(32);
            assertThat(r.completedNanos()).isEmpty();
        });
    }

    @Test
    void aHealthyJobMatchesEverywhere() throws Exception {
        assertThat(CollectiveMatch.match(dumps("healthy"))).containsExactly(new CollectiveMatch.AllCompleted("0", 10));
    }

    @Test
    void theRankThatNeverIssuedTheCollectiveIsTheCulpritAndTheOthersWaitForIt() throws Exception {
        assertThat(CollectiveMatch.match(dumps("missing-rank"))).singleElement().isInstanceOfSatisfying(CollectiveMatch.MissingRanks.class, m -> {
            assertThat(m.sequence()).isEqualTo(10);
            assertThat(m.operation()).isEqualTo("all_reduce");
            assertThat(m.missing()).containsExactly(2);
            assertThat(m.waiting()).containsExactly(0, 1, 3);
            assertThat(m.lastIssued()).isEqualTo(Map.of(2, 9L));
            assertThat(m.describe()).contains("never issued by rank(s) [2]");
        });
        // a rank whose dump is missing altogether is missing from its first collective on
        assertThat(CollectiveMatch.match(dumps("healthy", 3))).singleElement().isInstanceOfSatisfying(CollectiveMatch.MissingRanks.class, m -> {
            assertThat(m.missing()).containsExactly(3);
            assertThat(m.lastIssued()).isEqualTo(Map.of(3, -1L));
        });
    }

    @Test
    void aCollectiveEveryRankIssuedThatNeverCompletedIsTheCollectivesOwnHang() throws Exception {
        assertThat(CollectiveMatch.match(dumps("stuck"))).containsExactly(new CollectiveMatch.NeverCompleted("0", 6, "all_reduce", List.of(0, 1, 2, 3)));
    }

    @Test
    void aRankIssuingAnotherOperationHasDesynchronised() throws Exception {
        assertThat(CollectiveMatch.match(dumps("mismatch"))).containsExactly(
                new CollectiveMatch.Mismatch("0", 7, CollectiveMatch.Mismatch.Kind.OPERATION, 3, "all_reduce", "all_gather"));
    }

    @Test
    void sizesAreComparedOnlyWhereEveryRankPassesTheSameAndSendsAreLeftOut() {
        FlightRecorderDump.Group group = new FlightRecorderDump.Group("0", "default_pg", List.of(0, 1));
        List<FlightRecorderDump.Dump> dumps = new ArrayList<>();
        for (int rank = 0; rank < 2; rank++) {
            List<FlightRecord> records = List.of(
                    record(rank, 1, "all_to_all_single", List.of(List.of(8L + rank))),          // each rank its own split: fine
                    record(rank, 1, rank == 0 ? "send" : "recv", List.of(List.of(4L))),        // p2p keeps the last collective's number
                    record(rank, 2, "all_reduce", List.of(List.of(rank == 1 ? 16L : 8L))));   // a real size mismatch
            dumps.add(new FlightRecorderDump.Dump(rank, "2.4", Map.of("0", group), records));
        }
        assertThat(CollectiveMatch.match(dumps)).containsExactly(
                new CollectiveMatch.Mismatch("0", 2, CollectiveMatch.Mismatch.Kind.SIZES, 0, "[[16]]", "[[8]]"));
    }

    @Test
    void aSendWhoseReceiveWasNeverPostedNamesTheRankThatDidNotPostIt() throws Exception {
        assertThat(CollectiveMatch.match(dumps("p2p-missing-recv"))).containsExactly(new CollectiveMatch.AllCompleted("0", 3),
                new CollectiveMatch.PointToPointStuck("1", 0, 1, 2, Optional.of(1)));
        assertThat(new CollectiveMatch.PointToPointStuck("1", 0, 1, 2, Optional.of(1)).describe()).contains("rank 1 never posted its receive");
    }

    @Test
    void aTransferPostedOnBothSidesThatNeverCompletedIsTheLinksHang() {
        FlightRecorderDump.Group pp = new FlightRecorderDump.Group("1", "pp", List.of(4, 5));
        // group-local ranks 0 and 1 are global ranks 4 and 5
        FlightRecord send = new FlightRecord(4, "1", "pp", 0, "send", FlightRecord.State.STARTED, List.of(List.of(8L)), List.of("Float"),
                OptionalLong.of(1), OptionalLong.of(2), OptionalLong.empty(), Optional.empty(), Optional.of(new FlightRecord.PointToPoint(0, 1)));
        FlightRecord receive = new FlightRecord(5, "1", "pp", 0, "recv", FlightRecord.State.STARTED, List.of(List.of(8L)), List.of("Float"),
                OptionalLong.of(1), OptionalLong.of(2), OptionalLong.empty(), Optional.empty(), Optional.of(new FlightRecord.PointToPoint(0, 1)));
        List<FlightRecorderDump.Dump> dumps = List.of(new FlightRecorderDump.Dump(4, "2.4", Map.of("1", pp), List.of(send)),
                new FlightRecorderDump.Dump(5, "2.4", Map.of("1", pp), List.of(receive)));
        assertThat(CollectiveMatch.match(dumps)).singleElement().satisfies(v -> {
            assertThat(v).isEqualTo(new CollectiveMatch.PointToPointStuck("1", 4, 5, 0, Optional.empty()));
            assertThat(v.describe()).contains("posted on both sides and never completed");
        });
    }

    private static FlightRecord record(int rank, long sequence, String op, List<List<Long>> sizes) {
        return new FlightRecord(rank, "0", "default_pg", sequence, op, FlightRecord.State.COMPLETED, sizes, List.of("Float"),
                OptionalLong.of(1), OptionalLong.of(2), OptionalLong.of(3), Optional.empty(), Optional.empty());
    }
}
