package io.keelson.wio.core.actor;

import io.keelson.wio.core.region.CxlRegion;
import io.keelson.wio.core.region.SlotLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The four bundled actors, compiled and interpreted, against Java references. */
class BundledActorsTest {

    private final CxlRegion region = CxlRegion.inProcess(SlotLayout.standard(), 4);
    private final CallLimit limit = new CallLimit(java.time.Duration.ofSeconds(10));

    @AfterEach
    void close() {
        region.close();
        limit.close();
    }

    private ActorInstance deploy(String name, ActorModule.Execution execution, int slot) {
        ActorInstance actor = Actors.load(name, execution).instantiate(region.slot(slot), limit);
        actor.init();
        return actor;
    }

    private static byte[] output(ActorInstance.Outcome o) {
        assertThat(o).isInstanceOf(ActorInstance.Output.class);
        return ((ActorInstance.Output) o).bytes();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @EnumSource(ActorModule.Execution.class)
    void crc32cAppendsEachRecordsChecksumAndKeepsTheStreams(ActorModule.Execution execution) {
        ActorInstance crc = deploy(Actors.CRC32C, execution, 0);
        byte[] out = output(crc.process(utf8("123456789")));
        assertThat(Arrays.copyOf(out, 9)).isEqualTo(utf8("123456789"));
        assertThat(ByteBuffer.wrap(out, 9, 4).order(ByteOrder.LITTLE_ENDIAN).getInt()).isEqualTo(0xE3069283); // the CRC32C check value

        CRC32C stream = new CRC32C();
        stream.update(utf8("123456789"));
        Random random = new Random(1);
        for (int i = 0; i < 50; i++) {
            byte[] record = new byte[random.nextInt(5000)];
            random.nextBytes(record);
            CRC32C one = new CRC32C();
            one.update(record);
            byte[] o = output(crc.process(record));
            assertThat(Integer.toUnsignedLong(ByteBuffer.wrap(o, record.length, 4).order(ByteOrder.LITTLE_ENDIAN).getInt())).isEqualTo(one.getValue());
            stream.update(record);
        }
        assertThat(crc.read("stream_crc") & 0xFFFFFFFFL).isEqualTo(stream.getValue());
    }

    @ParameterizedTest
    @EnumSource(ActorModule.Execution.class)
    void lzRoundTripsAStreamWhoseMatchesReachIntoEarlierRecords(ActorModule.Execution execution) {
        ActorInstance lz = deploy(Actors.LZ, execution, 1);
        LzDecompressor decompressor = new LzDecompressor();
        Random random = new Random(2);
        long in = 0;
        long out = 0;
        List<byte[]> records = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            records.add(utf8("ts=2026-11-26T06:" + (10 + i % 50) + ":00Z level=" + (i % 7 == 0 ? "error" : "info") + " svc=checkout user=u" + random.nextInt(40)
                    + " msg=\"request served\" latency_ms=" + random.nextInt(900)));
        }
        byte[] noise = new byte[65536]; // incompressible, and the largest record
        random.nextBytes(noise);
        records.add(noise);
        records.add(new byte[65536]); // all zeros: long overlapping matches
        records.add(new byte[0]);
        for (byte[] record : records) {
            ActorInstance.Outcome o = lz.process(record);
            byte[] compressed = o instanceof ActorInstance.Dropped ? new byte[0] : output(o); // an empty record compresses to nothing
            assertThat(decompressor.decompress(compressed)).isEqualTo(record);
            in += record.length;
            out += compressed.length;
        }
        assertThat(lz.read("stream_position")).isEqualTo(in);
        assertThat(out).isLessThan(in); // the log lines compress
    }

    @ParameterizedTest
    @EnumSource(ActorModule.Execution.class)
    void logfmtParsesLinesIntoFieldsAndCountsTheOnesItCannot(ActorModule.Execution execution) {
        ActorInstance logfmt = deploy(Actors.LOGFMT, execution, 2);
        byte[] record = output(logfmt.process(utf8("level=warn msg=\"disk \\\"sda\\\" slow\" latency_ms=812 retry\n")));
        assertThat(LogfmtRecord.decode(record)).containsExactly(
                new LogfmtRecord.Field("level", "warn"), new LogfmtRecord.Field("msg", "disk \"sda\" slow"),
                new LogfmtRecord.Field("latency_ms", "812"), new LogfmtRecord.Field("retry", ""));
        for (String bad : List.of("=novalue", "msg=\"unterminated", "ke\"y=1", "   ", "a=\"x\"b")) {
            assertThat(logfmt.process(utf8(bad))).as(bad).isInstanceOf(ActorInstance.Rejected.class);
        }
        assertThat(logfmt.read("lines_seen")).isEqualTo(6);
        assertThat(logfmt.read("lines_rejected")).isEqualTo(5);
    }

    @ParameterizedTest
    @EnumSource(ActorModule.Execution.class)
    void theFilterPassesRecordsWhoseFieldMatchesAndDropsTheRest(ActorModule.Execution execution) {
        ActorInstance logfmt = deploy(Actors.LOGFMT, execution, 2);
        ActorInstance filter = deploy(Actors.FILTER, execution, 3);
        filter.configure(Predicate.of("latency_ms", Predicate.Op.AT_LEAST, "500").encode());
        int passed = 0;
        for (String line : List.of("latency_ms=812 a=1", "latency_ms=499.9", "latency_ms=500", "latency_ms=slow", "other=900", "latency_ms=-3")) {
            ActorInstance.Outcome o = filter.process(output(logfmt.process(utf8(line))));
            passed += o instanceof ActorInstance.Output ? 1 : 0;
            assertThat(o).as(line).isInstanceOf(line.startsWith("latency_ms=812") || line.equals("latency_ms=500")
                    ? ActorInstance.Output.class : ActorInstance.Dropped.class);
        }
        assertThat(passed).isEqualTo(2);
        assertThat(filter.read("records_passed")).isEqualTo(2);
        assertThatThrownBy(() -> filter.configure(Predicate.of("latency_ms", Predicate.Op.AT_LEAST, "fast").encode()))
                .hasMessageStartingWith("config:");
        assertThat(filter.process(new byte[] {9, 0, 1})).isInstanceOf(ActorInstance.Rejected.class); // not a logfmt record
    }
}
