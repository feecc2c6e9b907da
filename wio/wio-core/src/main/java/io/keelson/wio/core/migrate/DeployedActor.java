package io.keelson.wio.core.migrate;

import io.keelson.wio.core.actor.ActorModule;
import io.keelson.wio.core.actor.CallLimit;
import io.keelson.wio.core.region.ActorSlot;
import io.keelson.wio.core.region.ControlBlock;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An actor deployed on a slot of the shared region, with an instance and an executor ready on both sides, so a
 * migration never waits for an instantiation (or a compilation). It starts on {@code initial}.
 */
public final class DeployedActor {

    private final ActorSlot slot;
    private final Map<ControlBlock.Side, ActorExecutor> executors = new EnumMap<>(ControlBlock.Side.class);

    private DeployedActor(ActorSlot slot) {
        this.slot = slot;
    }

    public static DeployedActor deploy(ActorModule module, ActorSlot slot, Optional<byte[]> config, ControlBlock.Side initial,
                                       CallLimit limit, ActorExecutor.Sink sink) {
        if (initial == ControlBlock.Side.NONE) {
            throw new IllegalArgumentException("placement: host or device");
        }
        if (slot.control().state() != ControlBlock.State.UNDEPLOYED) {
            throw new IllegalStateException("slot " + slot.index() + " already holds an actor");
        }
        DeployedActor actor = new DeployedActor(slot);
        var first = module.instantiate(slot, limit);
        first.init();
        config.ifPresent(first::configure);
        actor.executors.put(initial, new ActorExecutor(initial, first, sink));
        ControlBlock.Side other = initial == ControlBlock.Side.HOST ? ControlBlock.Side.DEVICE : ControlBlock.Side.HOST;
        actor.executors.put(other, new ActorExecutor(other, module.instantiate(slot, limit), sink));
        slot.control().owner(initial);
        slot.control().state(ControlBlock.State.RUNNING);
        return actor;
    }

    /**
     * An actor deployed earlier on {@code slot} - by a process that has since ended, the region being a file - with
     * fresh instances on both sides over its state as it was left. A migration cut short (still DRAINING) never took
     * effect: the actor stays with its owner and runs again.
     */
    public static DeployedActor reattach(ActorModule module, ActorSlot slot, CallLimit limit, ActorExecutor.Sink sink) {
        ControlBlock control = slot.control();
        if (control.state() == ControlBlock.State.UNDEPLOYED || control.owner() == ControlBlock.Side.NONE) {
            throw new IllegalStateException("slot " + slot.index() + " holds no actor to reattach");
        }
        DeployedActor actor = new DeployedActor(slot);
        for (ControlBlock.Side side : List.of(ControlBlock.Side.HOST, ControlBlock.Side.DEVICE)) {
            actor.executors.put(side, new ActorExecutor(side, module.instantiate(slot, limit), sink));
        }
        control.compareAndSetState(ControlBlock.State.DRAINING, ControlBlock.State.RUNNING);
        return actor;
    }

    public ActorSlot slot() {
        return slot;
    }

    public ActorExecutor executor(ControlBlock.Side side) {
        return executors.get(side);
    }

    /** Why the actor failed, while it is failed. */
    public Optional<String> failure() {
        return executors.values().stream().map(ActorExecutor::fault).flatMap(Optional::stream).findFirst();
    }

    public ControlBlock.Side owner() {
        return slot.control().owner();
    }

    /** The side that does not own the actor now. */
    public ControlBlock.Side other() {
        return owner() == ControlBlock.Side.HOST ? ControlBlock.Side.DEVICE : ControlBlock.Side.HOST;
    }
}
