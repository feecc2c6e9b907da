package io.keelson.wio.core.actor;

import io.keelson.wio.core.migrate.ActorExecutor;
import io.keelson.wio.core.migrate.DeployedActor;
import io.keelson.wio.core.migrate.DrainAndSwitch;
import io.keelson.wio.core.region.ControlBlock;
import io.keelson.wio.core.region.CxlRegion;
import io.keelson.wio.core.region.SlotLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Modules that are not actors are refused with the rule they break; actors that misbehave (an endless loop, memory
 * growth past the slot, a trap) fail on their side with the reason, and the record they failed on stays queued.
 * The modules are built from the .wat files beside them (src/test/resources/io/keelson/wio/bad/build.sh).
 */
class MisbehavingModulesTest {

    private final CxlRegion region = CxlRegion.inProcess(SlotLayout.standard(), 1);
    private final CallLimit limit = new CallLimit(Duration.ofMillis(200));

    @AfterEach
    void close() {
        region.close();
        limit.close();
    }

    private static byte[] module(String name) {
        try (InputStream in = MisbehavingModulesTest.class.getResourceAsStream("/io/keelson/wio/bad/" + name + ".wasm")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void modulesThatAreNotActorsAreRefusedWithTheRuleTheyBreak() {
        assertThatThrownBy(() -> ActorModule.load("x", "#!/bin/sh\nrm -rf /".getBytes(), ActorModule.Execution.COMPILED))
                .isInstanceOf(ActorModule.Rejected.class).hasMessageContaining("not WebAssembly");
        byte[] cut = Arrays.copyOf(Actors.wasm(Actors.LZ), 200);
        assertThatThrownBy(() -> ActorModule.load("x", cut, ActorModule.Execution.COMPILED)).isInstanceOf(ActorModule.Rejected.class)
                .hasMessageContaining("malformed");
        assertThatThrownBy(() -> ActorModule.load("x", module("imports"), ActorModule.Execution.COMPILED)).hasMessageContaining("imports env.exec");
        assertThatThrownBy(() -> ActorModule.load("x", module("data"), ActorModule.Execution.COMPILED)).hasMessageContaining("active data segment");
        assertThatThrownBy(() -> ActorModule.load("x", module("noprocess"), ActorModule.Execution.COMPILED)).hasMessageContaining("process has type");
    }

    private DeployedActor deploy(String name, ActorModule.Execution execution) {
        return DeployedActor.deploy(ActorModule.load(name, module(name), execution), region.slot(0), Optional.empty(), ControlBlock.Side.DEVICE,
                limit, (seq, o) -> { });
    }

    @ParameterizedTest
    @EnumSource(ActorModule.Execution.class)
    void anEndlessLoopRunsOutOfTimeAndTheActorFailsWithItsRecordStillQueued(ActorModule.Execution execution) {
        DeployedActor spin = deploy("spin", execution);
        spin.slot().ring().offer(new byte[] {1, 2, 3});
        long started = System.nanoTime();
        assertThat(spin.executor(ControlBlock.Side.DEVICE).run(10)).isEqualTo(ActorExecutor.Stop.FAILED);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(spin.failure()).hasValueSatisfying(f -> assertThat(f).contains("200 ms limit"));
        assertThat(spin.slot().ring().peek()).hasValueSatisfying(r -> assertThat(r).containsExactly(1, 2, 3));
        assertThat(spin.slot().control().state()).isEqualTo(ControlBlock.State.FAILED);
        assertThat(spin.executor(ControlBlock.Side.HOST).run(10)).isEqualTo(ActorExecutor.Stop.NOT_OWNER);
        assertThatThrownBy(() -> DrainAndSwitch.request(spin.slot().control())).hasMessageContaining("the actor is failed");
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void memoryGrowthStopsAtTheSlotsEnd() {
        DeployedActor hog = deploy("hog", ActorModule.Execution.COMPILED);
        int pages = SlotLayout.standard().maxPages();
        for (int i = 0; i < pages; i++) {
            hog.slot().ring().offer(new byte[0]);
        }
        assertThat(hog.executor(ControlBlock.Side.DEVICE).run(pages)).isEqualTo(ActorExecutor.Stop.FAILED);
        assertThat(hog.slot().control().pages()).isEqualTo(pages); // grew to the limit, not past it
        assertThat(hog.slot().control().processed()).isEqualTo(pages - 1);
        assertThat(hog.failure()).hasValueSatisfying(f -> assertThat(f).contains("trapped"));
    }

    @Test
    void aTrapFailsTheActorAndNamesIt() {
        DeployedActor trap = deploy("trap", ActorModule.Execution.INTERPRETED);
        trap.slot().ring().offer(new byte[] {7});
        assertThat(trap.executor(ControlBlock.Side.DEVICE).run(1)).isEqualTo(ActorExecutor.Stop.FAILED);
        assertThat(trap.failure()).hasValueSatisfying(f -> assertThat(f).contains("trap", "out of bounds"));
        assertThat(trap.slot().ring().isEmpty()).isFalse();
    }
}
