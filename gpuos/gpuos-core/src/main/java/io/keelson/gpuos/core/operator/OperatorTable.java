package io.keelson.gpuos.core.operator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.List;
import java.util.Optional;

/**
 * Logical operators, each with two physical slots (dual-slot aliasing). Installing a version writes
 * the idle slot and flips the alias; a task binds {@code (logical, epoch)} when it is enqueued
 * ({@link #bind}), so tasks in flight finish on the version they were submitted against, whatever is
 * installed meanwhile. A slot is overwritten only when every task bound to it has been released, and
 * {@link #rollback} re-activates the previous version in one call.
 *
 * @param <T> the runnable form of an operator (a compiled CPU evaluator, a device function pointer)
 */
public final class OperatorTable<T> {

    /** What a task carries from enqueue to execution. */
    public record Binding(int logical, long epoch) {
    }

    /** The outcome of an install or a rollback. */
    public sealed interface Change {
        record Activated(int logical, long epoch) implements Change {
        }

        /** Nothing changed; the reason says why (e.g. the old version still has tasks in flight). */
        record Refused(int logical, String reason) implements Change {
        }
    }

    private static final class Slot<T> {
        long epoch;       // 0: empty
        T operator;
        long inFlight;
    }

    private static final class Logical<T> {
        final String name;
        @SuppressWarnings("unchecked")
        final Slot<T>[] slots = new Slot[]{new Slot<>(), new Slot<>()};
        int active;

        Logical(String name) {
            this.name = name;
        }
    }

    private final List<Logical<T>> logicals = new ArrayList<>();
    private final Map<String, Integer> byName = new HashMap<>();
    private long lastEpoch;

    /** Defines a logical operator with its first version; returns its id. */
    public synchronized int define(String name, T operator) {
        Logical<T> logical = new Logical<>(name);
        Slot<T> first = logical.slots[0];
        first.epoch = ++lastEpoch;
        first.operator = operator;
        if (byName.putIfAbsent(name, logicals.size()) != null) {
            throw new IllegalArgumentException("operator " + name + " is already defined");
        }
        logicals.add(logical);
        return logicals.size() - 1;
    }

    /** Binds a task being enqueued to the active version. Every binding must be {@link #release}d once the task ran. */
    public synchronized Binding bind(int logicalId) {
        Logical<T> logical = logical(logicalId);
        Slot<T> slot = logical.slots[logical.active];
        slot.inFlight++;
        return new Binding(logicalId, slot.epoch);
    }

    /** The logical id of operator {@code name}, if defined. */
    public synchronized OptionalInt idOf(String name) {
        Integer id = byName.get(name);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** The active version's operator of {@code logicalId}. */
    public synchronized T active(int logicalId) {
        Logical<T> logical = logical(logicalId);
        return logical.slots[logical.active].operator;
    }

    /** Binds a whole batch under one lock: {@code bindings[i]} for {@code logicalIds[i]}. */
    public synchronized Binding[] bindAll(int[] logicalIds) {
        Binding[] bindings = new Binding[logicalIds.length];
        for (int i = 0; i < logicalIds.length; i++) {
            bindings[i] = bind(logicalIds[i]);
        }
        return bindings;
    }

    /** Releases a whole batch under one lock. */
    public synchronized void releaseAll(Binding[] bindings) {
        for (Binding b : bindings) {
            release(b);
        }
    }

    /** The operator a binding refers to; present for every binding not yet released. */
    public synchronized Optional<T> resolve(Binding binding) {
        return slotOf(binding).map(s -> s.operator);
    }

    public synchronized void release(Binding binding) {
        Slot<T> slot = slotOf(binding).orElseThrow(() -> new IllegalStateException("no slot holds " + binding));
        if (slot.inFlight == 0) {
            throw new IllegalStateException("released more often than bound: " + binding);
        }
        slot.inFlight--;
    }

    /** Writes {@code operator} into the idle slot and makes it active, unless the idle slot's tasks are still running. */
    public synchronized Change install(int logicalId, T operator) {
        return stage(logicalId, operator, true);
    }

    /**
     * Writes {@code operator} into the idle slot; with {@code activate} the alias flips to it at once,
     * otherwise it waits for {@link #activate}. Refused while the idle slot's tasks are still running.
     */
    public synchronized Change stage(int logicalId, T operator, boolean activate) {
        Logical<T> logical = logical(logicalId);
        Slot<T> idle = logical.slots[1 - logical.active];
        if (idle.inFlight > 0) {
            return new Change.Refused(logicalId, "version " + idle.epoch + " of " + logical.name + " still has "
                    + idle.inFlight + " tasks in flight; its slot is reused once they finish");
        }
        idle.epoch = ++lastEpoch;
        idle.operator = operator;
        if (activate) {
            logical.active = 1 - logical.active;
        }
        return new Change.Activated(logicalId, idle.epoch);
    }

    /** Points the alias at the slot holding {@code epoch}; new tasks bind to it from now on. */
    public synchronized Change activate(int logicalId, long epoch) {
        Logical<T> logical = logical(logicalId);
        for (int s = 0; s < 2; s++) {
            if (logical.slots[s].epoch == epoch && epoch != 0) {
                logical.active = s;
                return new Change.Activated(logicalId, epoch);
            }
        }
        return new Change.Refused(logicalId, logical.name + " holds versions " + logical.slots[logical.active].epoch
                + (logical.slots[1 - logical.active].epoch == 0 ? "" : " and " + logical.slots[1 - logical.active].epoch)
                + ", not " + epoch);
    }

    /** Makes the previous version active again; the current one stays in the idle slot until the next install. */
    public synchronized Change rollback(int logicalId) {
        Logical<T> logical = logical(logicalId);
        Slot<T> previous = logical.slots[1 - logical.active];
        if (previous.epoch == 0) {
            return new Change.Refused(logicalId, logical.name + " has no previous version");
        }
        logical.active = 1 - logical.active;
        return new Change.Activated(logicalId, previous.epoch);
    }

    /** What one logical operator holds: its versions, the active one, and the tasks bound to each. */
    public record Entry<T>(int logical, String name, long activeEpoch, T active, List<SlotState<T>> slots) {
    }

    public record SlotState<T>(long epoch, T operator, long inFlight) {
    }

    public synchronized Optional<Entry<T>> find(String name) {
        Integer id = byName.get(name);
        return id == null ? Optional.empty() : Optional.of(entry(id));
    }

    public synchronized List<Entry<T>> entries() {
        List<Entry<T>> all = new ArrayList<>();
        for (int id = 0; id < logicals.size(); id++) {
            all.add(entry(id));
        }
        return all;
    }

    private Entry<T> entry(int id) {
        Logical<T> logical = logicals.get(id);
        List<SlotState<T>> slots = new ArrayList<>();
        for (Slot<T> s : logical.slots) {
            if (s.epoch != 0) {
                slots.add(new SlotState<>(s.epoch, s.operator, s.inFlight));
            }
        }
        Slot<T> active = logical.slots[logical.active];
        return new Entry<>(id, logical.name, active.epoch, active.operator, List.copyOf(slots));
    }

    public synchronized long activeEpoch(int logicalId) {
        Logical<T> logical = logical(logicalId);
        return logical.slots[logical.active].epoch;
    }

    private Logical<T> logical(int id) {
        if (id < 0 || id >= logicals.size()) {
            throw new IllegalArgumentException("unknown operator " + id + " (" + logicals.size() + " defined)");
        }
        return logicals.get(id);
    }

    private Optional<Slot<T>> slotOf(Binding binding) {
        for (Slot<T> slot : logical(binding.logical()).slots) {
            if (slot.epoch == binding.epoch()) {
                return Optional.of(slot);
            }
        }
        return Optional.empty();
    }
}
