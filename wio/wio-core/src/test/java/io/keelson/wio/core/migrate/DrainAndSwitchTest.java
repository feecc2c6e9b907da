package io.keelson.wio.core.migrate;

import io.keelson.wio.core.actor.ActorInstance;
import io.keelson.wio.core.actor.ActorModule;
import io.keelson.wio.core.actor.Actors;
import io.keelson.wio.core.actor.CallLimit;
import io.keelson.wio.core.actor.LzDecompressor;
import io.keelson.wio.core.region.ControlBlock;
import io.keelson.wio.core.region.CxlRegion;
import io.keelson.wio.core.region.SlotLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DrainAndSwitchTest {

    private final List<CxlRegion> regions = new ArrayList<>();
    private final CallLimit limit = new CallLimit(java.time.Duration.ofSeconds(10));

    @AfterEach
    void close() {
        regions.forEach(CxlRegion::close);
        limit.close();
    }

    private CxlRegion region(int slots) {
        CxlRegion r = CxlRegion.inProcess(SlotLayout.standard(), slots);
        regions.add(r);
        return r;
    }

    private static List<byte[]> logLines(int n, long seed) {
        Random random = new Random(seed);
        List<byte[]> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String line = random.nextInt(50) == 0 ? "broken=\"unterminated" // a bad record now and then: rejected, counted, skipped
                    : "ts=" + (1_700_000_000 + i) + " level=" + (random.nextInt(10) == 0 ? "error" : "info") + " svc=s" + random.nextInt(8)
                    + " user=u" + random.nextInt(500) + " msg=\"served " + random.nextInt(100) + "\" latency_ms=" + random.nextInt(2000);
            lines.add(line.getBytes(StandardCharsets.UTF_8));
        }
        return lines;
    }

    /** logfmt → crc32c → lz, one thread; each stage's output is the next stage's input; the last stage's outcomes are kept. */
    private final class Pipeline {
        final List<DeployedActor> stages = new ArrayList<>();
        final List<String> out = new ArrayList<>(); // "seq:hex" of lz outputs, "seq:rejected" of rejected lines

        Pipeline() {
            CxlRegion region = region(3);
            List<String> names = List.of(Actors.LOGFMT, Actors.CRC32C, Actors.LZ);
            for (int i = 0; i < names.size(); i++) {
                int stage = i;
                ActorExecutor.Sink sink = (seq, outcome) -> {
                    if (stage == names.size() - 1 || !(outcome instanceof ActorInstance.Output o)) {
                        out.add(stage + "/" + seq + ":" + describe(outcome));
                    } else {
                        assertThat(stages.get(stage + 1).slot().ring().offer(o.bytes())).isTrue();
                    }
                };
                stages.add(DeployedActor.deploy(Actors.load(names.get(i), ActorModule.Execution.COMPILED), region.slot(i), Optional.empty(),
                        ControlBlock.Side.HOST, limit, sink));
            }
        }

        void write(byte[] line) {
            assertThat(stages.get(0).slot().ring().offer(line)).isTrue();
            for (DeployedActor stage : stages) {
                assertThat(stage.executor(stage.owner()).run(Integer.MAX_VALUE)).isEqualTo(ActorExecutor.Stop.IDLE);
            }
        }

        void migrate(int stage) {
            DeployedActor actor = stages.get(stage);
            ControlBlock.Side from = actor.owner();
            ControlBlock.Side to = actor.other();
            long epoch = DrainAndSwitch.request(actor.slot().control());
            assertThat(DrainAndSwitch.tryTakeOver(actor.slot().control(), to, epoch)).as("not drained yet").isFalse();
            assertThat(actor.executor(from).run(Integer.MAX_VALUE)).isEqualTo(ActorExecutor.Stop.DRAINED);
            assertThat(DrainAndSwitch.tryTakeOver(actor.slot().control(), to, epoch)).isTrue();
            assertThat(actor.executor(from).run(Integer.MAX_VALUE)).isEqualTo(ActorExecutor.Stop.NOT_OWNER);
        }
    }

    private static String describe(ActorInstance.Outcome outcome) {
        if (outcome instanceof ActorInstance.Output o) {
            return java.util.HexFormat.of().formatHex(o.bytes());
        }
        return outcome instanceof ActorInstance.Dropped ? "dropped" : "rejected";
    }

    @Test
    void migratingAtTenThousandRandomRecordBoundariesChangesNotOneOutputByte() {
        List<byte[]> lines = logLines(12_000, 3);
        Pipeline plain = new Pipeline();
        lines.forEach(plain::write);

        Pipeline moved = new Pipeline();
        Random random = new Random(4);
        int migrations = 0;
        for (byte[] line : lines) {
            moved.write(line);
            int switches = random.nextInt(3); // 0, 1 or 2 stages move after this record: ~12,000 migrations
            for (int k = 0; k < switches; k++) {
                moved.migrate(random.nextInt(3));
                migrations++;
            }
        }
        assertThat(migrations).isGreaterThanOrEqualTo(10_000);
        assertThat(moved.out).hasSameSizeAs(lines).isEqualTo(plain.out);
        assertThat(moved.out).filteredOn(s -> s.endsWith("rejected")).isNotEmpty();
        // and against references outside wasm: the stream decompresses (Java) to records whose CRC32C (java.util.zip)
        // is right and whose fields (Java decoder) are the line's - identical outputs alone could hide a shared fault
        LzDecompressor lz = new LzDecompressor();
        List<byte[]> parsed = lines.stream().filter(l -> !new String(l, StandardCharsets.UTF_8).startsWith("broken")).toList(); // what reached lz
        int checked = 0;
        for (String s : moved.out) {
            if (!s.startsWith("2/")) {
                continue;
            }
            byte[] record = lz.decompress(java.util.HexFormat.of().parseHex(s.substring(s.indexOf(':') + 1)));
            java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
            crc.update(record, 0, record.length - 4);
            assertThat((int) crc.getValue()).isEqualTo(java.nio.ByteBuffer.wrap(record, record.length - 4, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt());
            long sequence = Long.parseLong(s.substring(2, s.indexOf(':')));
            assertThat(io.keelson.wio.core.actor.LogfmtRecord.decode(Arrays.copyOf(record, record.length - 4)).get(0).value())
                    .isEqualTo(new String(parsed.get((int) sequence), StandardCharsets.UTF_8).split(" ")[0].substring(3)); // ts=...
            checked++;
        }
        assertThat(checked).isGreaterThan(11_000);
    }

    @Test
    void concurrentExecutorsHandOverWithoutLosingOrReorderingARecord() throws Exception {
        List<byte[]> records = logLines(30_000, 5);
        Map<Long, String> reference = new ConcurrentHashMap<>();
        DeployedActor alone = DeployedActor.deploy(Actors.load(Actors.LZ, ActorModule.Execution.COMPILED), region(1).slot(0), Optional.empty(),
                ControlBlock.Side.HOST, limit, (seq, o) -> reference.put(seq, describe(o)));
        for (byte[] r : records) {
            alone.slot().ring().offer(r);
            alone.executor(ControlBlock.Side.HOST).run(Integer.MAX_VALUE);
        }

        Map<Long, String> seen = new ConcurrentHashMap<>();
        Map<Long, ControlBlock.Side> ranOn = new ConcurrentHashMap<>();
        AtomicBoolean done = new AtomicBoolean();
        DeployedActor[] actor = new DeployedActor[1];
        actor[0] = DeployedActor.deploy(Actors.load(Actors.LZ, ActorModule.Execution.COMPILED), region(1).slot(0), Optional.empty(),
                ControlBlock.Side.HOST, limit, (seq, o) -> {
                    assertThat(seen.putIfAbsent(seq, describe(o))).as("record %d ran twice", seq).isNull();
                    ranOn.put(seq, actor[0].owner());
                });
        List<Thread> threads = new ArrayList<>();
        for (ControlBlock.Side side : List.of(ControlBlock.Side.HOST, ControlBlock.Side.DEVICE)) {
            threads.add(new Thread(() -> {
                while (!done.get()) {
                    if (actor[0].executor(side).run(64) != ActorExecutor.Stop.BUDGET) {
                        Thread.onSpinWait();
                    }
                }
            }, "executor-" + side));
        }
        Thread producer = new Thread(() -> {
            for (byte[] r : records) {
                while (!actor[0].slot().ring().offer(r)) {
                    Thread.onSpinWait();
                }
            }
        }, "producer");
        AtomicInteger migrations = new AtomicInteger();
        Thread migrator = new Thread(() -> {
            Random random = new Random(6);
            while (seen.size() < records.size()) {
                ControlBlock control = actor[0].slot().control();
                ControlBlock.Side to = actor[0].other();
                long epoch = DrainAndSwitch.request(control);
                while (!DrainAndSwitch.tryTakeOver(control, to, epoch)) {
                    Thread.onSpinWait();
                }
                migrations.incrementAndGet();
                long until = System.nanoTime() + random.nextInt(200_000);
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
            }
        }, "migrator");
        threads.add(producer);
        threads.add(migrator);
        threads.forEach(Thread::start);
        producer.join(60_000);
        migrator.join(60_000);
        done.set(true);
        for (Thread t : threads) {
            t.join(10_000);
        }

        assertThat(seen).isEqualTo(reference);
        assertThat(migrations.get()).isGreaterThan(10);
        assertThat(ranOn.values()).contains(ControlBlock.Side.HOST, ControlBlock.Side.DEVICE);
    }

    @Test
    void aSecondMigrationWhileOneIsUnderWayIsRefusedAndTheActorStaysWithItsOwner() {
        DeployedActor actor = DeployedActor.deploy(Actors.load(Actors.CRC32C, ActorModule.Execution.INTERPRETED), region(1).slot(0), Optional.empty(),
                ControlBlock.Side.DEVICE, limit, (seq, o) -> { });
        long epoch = DrainAndSwitch.request(actor.slot().control());
        assertThatThrownBy(() -> DrainAndSwitch.request(actor.slot().control())).isInstanceOf(DrainAndSwitch.InProgress.class)
                .hasMessageContaining("under way");
        assertThat(actor.owner()).isEqualTo(ControlBlock.Side.DEVICE);
        assertThat(actor.executor(ControlBlock.Side.DEVICE).run(10)).isEqualTo(ActorExecutor.Stop.DRAINED);
        assertThat(DrainAndSwitch.tryTakeOver(actor.slot().control(), ControlBlock.Side.HOST, epoch)).isTrue();
        assertThat(actor.owner()).isEqualTo(ControlBlock.Side.HOST);
        assertThatThrownBy(() -> DeployedActor.deploy(Actors.load(Actors.CRC32C, ActorModule.Execution.INTERPRETED), actor.slot(), Optional.empty(),
                ControlBlock.Side.HOST, limit, (seq, o) -> { })).hasMessageContaining("already holds an actor");
        assertThat(Arrays.asList(ControlBlock.State.values())).contains(actor.slot().control().state());
    }
}
