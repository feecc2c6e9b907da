package io.keelson.wio.core.migrate;

import io.keelson.wio.core.actor.ActorInstance;
import io.keelson.wio.core.actor.ActorModule;
import io.keelson.wio.core.actor.Actors;
import io.keelson.wio.core.actor.CallLimit;
import io.keelson.wio.core.region.ActorSlot;
import io.keelson.wio.core.region.ControlBlock;
import io.keelson.wio.core.region.CxlRegion;
import io.keelson.wio.core.region.SlotLayout;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;

/**
 * The device side as a process of its own, for {@link TwoProcessMigrationTest}: maps the region file the host process
 * maps, makes its instance of the lz actor over slot 0 (finding the host's state there), waits for the host to drain
 * epoch {@code EPOCH}, takes the actor over and runs what is queued until {@code COUNT} records have been processed in
 * all, writing each output as "sequence hex" lines. Usage: {@code OtherSideProcess REGION_FILE EPOCH COUNT OUTPUT}.
 */
public final class OtherSideProcess {

    private OtherSideProcess() {
    }

    public static void main(String[] args) throws Exception {
        long epoch = Long.parseLong(args[1]);
        long count = Long.parseLong(args[2]);
        try (CxlRegion region = CxlRegion.mapped(Path.of(args[0]), SlotLayout.standard(), 1); CallLimit limit = new CallLimit(Duration.ofSeconds(10));
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(Path.of(args[3])))) {
            ActorSlot slot = region.slot(0);
            ActorInstance device = Actors.load(Actors.LZ, ActorModule.Execution.COMPILED).instantiate(slot, limit);
            ActorExecutor executor = new ActorExecutor(ControlBlock.Side.DEVICE, device,
                    (seq, o) -> out.println(seq + " " + HexFormat.of().formatHex(((ActorInstance.Output) o).bytes())));
            System.out.println("ready");
            System.out.flush();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!DrainAndSwitch.tryTakeOver(slot.control(), ControlBlock.Side.DEVICE, epoch)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the host never drained epoch " + epoch);
                }
                Thread.onSpinWait();
            }
            while (slot.control().processed() < count) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("records never arrived: " + slot.control().processed() + " of " + count);
                }
                executor.run(Integer.MAX_VALUE);
            }
        }
    }
}
