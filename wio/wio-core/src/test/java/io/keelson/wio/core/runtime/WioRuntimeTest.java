package io.keelson.wio.core.runtime;

import io.keelson.wio.core.actor.Actors;
import io.keelson.wio.core.actor.LogfmtRecord;
import io.keelson.wio.core.actor.Predicate;
import io.keelson.wio.core.device.ThermalModel;
import io.keelson.wio.core.region.ControlBlock;
import io.keelson.wio.core.region.SlotLayout;
import io.keelson.wio.core.sim.Platform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WioRuntimeTest {

    private static final List<String> PIPELINE = List.of("parse", "check", "pack");

    @TempDir
    Path home;
    private WioRuntime runtime;

    @AfterEach
    void close() {
        if (runtime != null) {
            runtime.close();
        }
    }

    private void start(double deviceBytesPerSecond, double timeScale, Duration decisions) {
        runtime = WioRuntime.start(home, new WioRuntime.Settings(8, SlotLayout.standard(), deviceBytesPerSecond, 64e6, timeScale, decisions,
                Platform.standard()));
        runtime.deploy("parse", new WioRuntime.Bundled(Actors.LOGFMT), false, Optional.empty(), ControlBlock.Side.DEVICE, Duration.ofSeconds(1));
        runtime.deploy("check", new WioRuntime.Bundled(Actors.CRC32C), false, Optional.empty(), ControlBlock.Side.DEVICE, Duration.ofSeconds(1));
        runtime.deploy("pack", new WioRuntime.Bundled(Actors.LZ), false, Optional.empty(), ControlBlock.Side.DEVICE, Duration.ofSeconds(1));
    }

    private static byte[] line(int i) {
        return ("ts=" + i + " level=" + (i % 10 == 0 ? "error" : "info") + " msg=\"request " + i + "\"").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void recordsWrittenThroughAPipelineWhileItsActorsMoveReadBackParsedAndChecked() {
        start(64e6, 1, Duration.ofSeconds(1));
        WioRuntime.WriteSession session = runtime.write(PIPELINE);
        for (int i = 0; i < 3_000; i++) {
            session.write(i % 500 == 7 ? "=broken".getBytes(StandardCharsets.UTF_8) : line(i));
            if (i % 100 == 50) {
                String name = PIPELINE.get(i / 100 % 3);
                ControlBlock.Side to = runtime.actors().stream().filter(a -> a.name().equals(name)).findFirst().orElseThrow().side()
                        == ControlBlock.Side.HOST ? ControlBlock.Side.DEVICE : ControlBlock.Side.HOST;
                WioRuntime.Migration m = runtime.migrate(name, to);
                assertThat(m.actor().side()).isEqualTo(to);
                assertThat(m.bytesMoved()).isEqualTo(ControlBlock.SWITCH_BYTES);
            }
        }
        WioRuntime.WriteSession.Result result = session.finish();
        assertThat(result.accepted()).isEqualTo(3_000);
        assertThat(result.rejected()).isEqualTo(6);
        assertThat(result.stored()).isEqualTo(2_994);
        assertThat(runtime.migrations()).isEqualTo(30);

        List<WioRuntime.ReadRecord> back = new ArrayList<>();
        runtime.read(PIPELINE, Optional.empty(), 0, back::add);
        assertThat(back).hasSize(2_994).allSatisfy(r -> assertThat(r.checksumOk()).isTrue());
        assertThat(back.get(0).fields()).containsExactly(new LogfmtRecord.Field("ts", "0"), new LogfmtRecord.Field("level", "error"),
                new LogfmtRecord.Field("msg", "request 0"));
        assertThat(back.get(2_993).fields().get(0)).isEqualTo(new LogfmtRecord.Field("ts", "2999"));

        runtime.deploy("errors", new WioRuntime.Bundled(Actors.FILTER), false,
                Optional.of(Predicate.of("level", Predicate.Op.EQUALS, "error").encode()), ControlBlock.Side.HOST, Duration.ofSeconds(1));
        List<WioRuntime.ReadRecord> errors = new ArrayList<>();
        runtime.read(PIPELINE, Optional.of("errors"), 0, errors::add);
        assertThat(errors).hasSize(300).allSatisfy(r -> assertThat(r.fields().get(1).value()).isEqualTo("error"));
    }

    @Test
    void aRestartReattachesTheActorsToTheStateAndQueuesTheyLeftInTheRegionFile() {
        start(64e6, 1, Duration.ofSeconds(1));
        WioRuntime.WriteSession session = runtime.write(PIPELINE);
        for (int i = 0; i < 100; i++) {
            session.write(line(i));
        }
        session.finish();
        runtime.migrate("check", ControlBlock.Side.HOST);
        long streamed = runtime.actors().get(2).processed();
        runtime.close();

        runtime = WioRuntime.start(home, new WioRuntime.Settings(8, SlotLayout.standard(), 64e6, 64e6, 1, Duration.ofSeconds(1), Platform.standard()));
        assertThat(runtime.actors()).extracting(WioRuntime.ActorView::name, WioRuntime.ActorView::side).containsExactly(
                org.assertj.core.groups.Tuple.tuple("parse", ControlBlock.Side.DEVICE), org.assertj.core.groups.Tuple.tuple("check", ControlBlock.Side.HOST),
                org.assertj.core.groups.Tuple.tuple("pack", ControlBlock.Side.DEVICE));
        assertThat(runtime.actors().get(2).processed()).isEqualTo(streamed);
        WioRuntime.WriteSession more = runtime.write(PIPELINE);
        for (int i = 100; i < 200; i++) {
            more.write(line(i));
        }
        more.finish();
        List<WioRuntime.ReadRecord> back = new ArrayList<>();
        runtime.read(PIPELINE, Optional.empty(), 0, back::add); // one lz stream across the restart: the window carried on
        assertThat(back).hasSize(200).allSatisfy(r -> assertThat(r.checksumOk()).isTrue());
        assertThat(back.get(199).fields().get(0).value()).isEqualTo("199");
        runtime.close();
        assertThatThrownBy(() -> WioRuntime.start(home, new WioRuntime.Settings(4, SlotLayout.standard(), 64e6, 64e6, 1, Duration.ofSeconds(1),
                Platform.standard()))).hasMessageContaining("was laid out as");
        runtime = null;
    }

    @Test
    void badRequestsAreRefusedByName() {
        start(64e6, 1, Duration.ofSeconds(1));
        assertThatThrownBy(() -> runtime.deploy("parse", new WioRuntime.Bundled(Actors.LZ), true, Optional.empty(),
                ControlBlock.Side.HOST, Duration.ofSeconds(1))).hasMessageStartingWith("name:");
        assertThatThrownBy(() -> runtime.deploy("Bad Name", new WioRuntime.Bundled(Actors.LZ), true, Optional.empty(),
                ControlBlock.Side.HOST, Duration.ofSeconds(1))).hasMessageStartingWith("name:");
        assertThatThrownBy(() -> runtime.migrate("parse", ControlBlock.Side.DEVICE)).hasMessageContaining("already runs on the device");
        assertThatThrownBy(() -> runtime.migrate("nope", ControlBlock.Side.HOST)).hasMessageContaining("no actor named");
        assertThatThrownBy(() -> runtime.write(List.of("parse", "nope"))).hasMessageContaining("no actor named 'nope'");
        assertThatThrownBy(() -> runtime.placement("random")).hasMessageStartingWith("policy:");
    }

    @Test
    void aDeviceThatDisappearsStopsWhatRunsThereAndAMigrationItCannotDrainFailsTheActorKeepingItsQueue() {
        start(64e6, 1, Duration.ofSeconds(1));
        WioRuntime.WriteSession session = runtime.write(PIPELINE);
        for (int i = 0; i < 10; i++) {
            session.write(line(i));
        }
        runtime.device().detach();
        assertThatThrownBy(() -> session.write(line(10))).isInstanceOf(WioRuntime.DeviceGone.class).hasMessageContaining("records wait in its queue");
        assertThat(session.finish().stored()).isEqualTo(10); // what was acknowledged before is stored
        assertThatThrownBy(() -> runtime.migrate("parse", ControlBlock.Side.HOST)).isInstanceOf(WioRuntime.DeviceGone.class)
                .hasMessageContaining("disappeared before actor parse drained");
        WioRuntime.ActorView parse = runtime.actors().get(0);
        assertThat(parse.side()).isEqualTo(ControlBlock.Side.DEVICE);
        assertThat(parse.state()).isEqualTo(ControlBlock.State.FAILED);
        assertThat(parse.queuedBytes()).isPositive(); // line 10 is still queued
        runtime.deploy("spare", new WioRuntime.Bundled(Actors.CRC32C), false, Optional.empty(), ControlBlock.Side.HOST, Duration.ofSeconds(1));
        assertThatThrownBy(() -> runtime.migrate("spare", ControlBlock.Side.DEVICE)).isInstanceOf(WioRuntime.DeviceGone.class)
                .hasMessageContaining("not present");
        runtime.device().attach();
        assertThat(runtime.migrate("spare", ControlBlock.Side.DEVICE).actor().side()).isEqualTo(ControlBlock.Side.DEVICE);
    }

    @Test
    void theReversiblePolicyTakesActorsOffTheDeviceBeforeItThrottlesAndBringsThemBackAsItCools() throws Exception {
        // a slow device (2 MB/s of actor work), its thermal model 400x faster than the wall clock, a decision every
        // 25 ms (10 model seconds); the writer first measures what the device alone carries, then offers 85 % of it:
        // enough to heat it past TMT1 if it kept every actor, little enough that it can take them all back once cool
        start(2e6, 400, Duration.ofMillis(25));
        runtime.placement("static-device");
        WioRuntime.WriteSession session = runtime.write(PIPELINE);
        int i = 0;
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < Duration.ofMillis(300).toNanos()) {
            session.write(line(i++));
        }
        double linesPerSecond = 0.85 * i / ((System.nanoTime() - t0) / 1e9);
        runtime.placement("reversible");
        double hottest = 0;
        boolean leftDevice = false;
        boolean cameBack = false;
        long start = System.nanoTime();
        long until = start + Duration.ofSeconds(10).toNanos(); // ~67 model minutes
        long written = 0;
        while (System.nanoTime() < until) {
            long due = (long) ((System.nanoTime() - start) / 1e9 * linesPerSecond);
            if (written >= due) {
                LockSupport.parkNanos(200_000);
            } else {
                written = Math.max(written, due - 200); // a writer that fell behind does not catch up in a burst
                session.write(line(i++));
                written++;
            }
            if (i % 200 == 0) {
                var reading = runtime.telemetry();
                hottest = Math.max(hottest, reading.temperatureC());
                assertThat(reading.throttle()).isEqualTo(ThermalModel.Throttle.NONE);
                boolean allOnDevice = runtime.actors().stream().allMatch(a -> a.side() == ControlBlock.Side.DEVICE);
                cameBack |= leftDevice && allOnDevice;
                leftDevice |= !allOnDevice;
            }
        }
        session.finish();
        assertThat(leftDevice).as("actors left the device as it heated").isTrue();
        assertThat(cameBack).as("and came back once it cooled").isTrue();
        assertThat(hottest).as("the device heated while it ran them").isGreaterThan(60).isLessThan(70);
        assertThat(runtime.migrations()).isGreaterThanOrEqualTo(3);
    }
}
