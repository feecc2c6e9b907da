package io.keelson.wio.core.migrate;

import io.keelson.wio.core.actor.ActorInstance;
import io.keelson.wio.core.actor.ActorModule;
import io.keelson.wio.core.actor.Actors;
import io.keelson.wio.core.actor.CallLimit;
import io.keelson.wio.core.region.ActorSlot;
import io.keelson.wio.core.region.ControlBlock;
import io.keelson.wio.core.region.CxlRegion;
import io.keelson.wio.core.region.SlotLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Host and device as two processes sharing the region file: the host runs the lz actor over half a stream, drains,
 * and the other process - which made its instance over the same mapped memory beforehand - takes over and finishes
 * the stream, including records the host appended while the switch was under way. Together their outputs are the
 * single-process run's, byte for byte: the actor's window and match index crossed processes without being copied.
 */
class TwoProcessMigrationTest {

    @TempDir
    Path dir;

    @Test
    void anActorMovesBetweenTwoProcessesThatShareTheRegionAndContinuesItsStream() throws Exception {
        List<byte[]> records = new ArrayList<>();
        for (int i = 0; i < 4_000; i++) {
            records.add(("ts=" + i + " level=info svc=s" + i % 7 + " msg=\"served request " + i % 90 + "\"").getBytes(StandardCharsets.UTF_8));
        }
        TreeMap<Long, String> expected = new TreeMap<>();
        TreeMap<Long, String> outputs = new TreeMap<>();
        try (CallLimit limit = new CallLimit(Duration.ofSeconds(10))) {
            try (CxlRegion alone = CxlRegion.inProcess(SlotLayout.standard(), 1)) {
                ActorInstance lz = Actors.load(Actors.LZ, ActorModule.Execution.COMPILED).instantiate(alone.slot(0), limit);
                lz.init();
                for (int i = 0; i < records.size(); i++) {
                    expected.put((long) i, HexFormat.of().formatHex(((ActorInstance.Output) lz.process(records.get(i))).bytes()));
                }
            }
            Path file = dir.resolve("region");
            Path deviceOutput = dir.resolve("device.out");
            try (CxlRegion region = CxlRegion.mapped(file, SlotLayout.standard(), 1)) {
                ActorSlot slot = region.slot(0);
                ActorInstance host = Actors.load(Actors.LZ, ActorModule.Execution.COMPILED).instantiate(slot, limit);
                host.init();
                slot.control().owner(ControlBlock.Side.HOST);
                slot.control().state(ControlBlock.State.RUNNING);
                ActorExecutor executor = new ActorExecutor(ControlBlock.Side.HOST, host,
                        (seq, o) -> outputs.put(seq, HexFormat.of().formatHex(((ActorInstance.Output) o).bytes())));
                for (int i = 0; i < 2_000; i++) {
                    slot.ring().offer(records.get(i));
                }
                assertThat(executor.run(Integer.MAX_VALUE)).isEqualTo(ActorExecutor.Stop.IDLE);

                long epoch = slot.control().epoch() + 1;
                Process device = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                        System.getProperty("java.class.path"), OtherSideProcess.class.getName(), file.toString(), Long.toString(epoch),
                        Long.toString(records.size()), deviceOutput.toString()).redirectErrorStream(true).start();
                BufferedReader said = new BufferedReader(new InputStreamReader(device.getInputStream(), StandardCharsets.UTF_8));
                assertThat(said.readLine()).isEqualTo("ready"); // its instance exists before the switch
                for (int i = 2_000; i < 2_500; i++) { // queued before the switch, run by the device
                    slot.ring().offer(records.get(i));
                }
                assertThat(DrainAndSwitch.request(slot.control())).isEqualTo(epoch);
                assertThat(executor.run(Integer.MAX_VALUE)).isEqualTo(ActorExecutor.Stop.DRAINED);
                for (int i = 2_500; i < records.size(); i++) { // producers keep appending while ownership moves
                    while (!slot.ring().offer(records.get(i))) {
                        Thread.onSpinWait();
                    }
                }
                assertThat(device.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(device.exitValue()).as(new String(device.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
                assertThat(slot.control().owner()).isEqualTo(ControlBlock.Side.DEVICE);
                assertThat(executor.run(1)).isEqualTo(ActorExecutor.Stop.NOT_OWNER);
            }
            for (String line : Files.readAllLines(deviceOutput)) {
                String[] parts = line.split(" ");
                assertThat(outputs.put(Long.parseLong(parts[0]), parts[1])).as("record %s ran on both sides", parts[0]).isNull();
            }
        }
        assertThat(outputs.headMap(2_000L)).hasSize(2_000);
        assertThat(outputs).isEqualTo(expected);
    }
}
