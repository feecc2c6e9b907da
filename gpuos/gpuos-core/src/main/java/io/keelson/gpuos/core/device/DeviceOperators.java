package io.keelson.gpuos.core.device;

import io.keelson.gpuos.core.ir.OperatorSpec;
import io.keelson.gpuos.core.operator.OperatorTable;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * A device's operators by name over its dual-slot {@link OperatorTable}: what every backend does the same
 * way (define or stage a version, switch, roll back, list, and validate a batch of launches and bind each
 * to its operator's active version). {@code T} is the backend's compiled form of an operator.
 */
public final class DeviceOperators<T> {

    /** Where a staged version landed. */
    public record Staged(int logical, long epoch, boolean active) {
    }

    private final OperatorTable<T> table = new OperatorTable<>();
    private final Function<T, OperatorSpec> specOf;

    public DeviceOperators(Function<T, OperatorSpec> specOf) {
        this.specOf = specOf;
    }

    public OperatorTable<T> table() {
        return table;
    }

    /** Defines {@code name} with its first version, or writes a new version into its idle slot. */
    public Staged stage(String name, T operator, boolean activate) {
        synchronized (table) {
            Optional<OperatorTable.Entry<T>> existing = table.find(name);
            if (existing.isEmpty()) {
                int id = table.define(name, operator);
                return new Staged(id, table.activeEpoch(id), true);
            }
            OperatorTable.Change change = table.stage(existing.get().logical(), operator, activate);
            if (change instanceof OperatorTable.Change.Refused refused) {
                throw new DeviceException(DeviceException.Kind.CONFLICT, "name", refused.reason());
            }
            return new Staged(existing.get().logical(), ((OperatorTable.Change.Activated) change).epoch(), activate);
        }
    }

    public OperatorTable.Change activate(String name, long epoch) {
        return table.activate(logical(name), epoch);
    }

    public OperatorTable.Change rollback(String name) {
        return table.rollback(logical(name));
    }

    private int logical(String name) {
        OptionalInt id = table.idOf(name);
        if (id.isEmpty()) {
            throw new DeviceException(DeviceException.Kind.NOT_FOUND, "name", "no operator named '" + name + "'");
        }
        return id.getAsInt();
    }

    /** Every version the table holds (the operators a worker must be able to run). */
    public List<T> resident() {
        List<T> all = new ArrayList<>();
        table.entries().forEach(e -> e.slots().forEach(s -> all.add(s.operator())));
        return all;
    }

    public List<Device.OperatorInfo> infos() {
        List<Device.OperatorInfo> all = new ArrayList<>();
        for (OperatorTable.Entry<T> e : table.entries()) {
            all.add(new Device.OperatorInfo(e.name(), e.logical(), e.activeEpoch(), e.slots().stream()
                    .map(s -> new Device.Version(s.epoch(), specOf.apply(s.operator()).signature(), s.inFlight())).toList()));
        }
        return all;
    }

    /**
     * Validates {@code launches} against the operators and the device's tensors, then binds each launch to its
     * operator's active version. Every binding must be released once its task ran (or was not queued).
     */
    public OperatorTable.Binding[] validateAndBind(List<Launch> launches, LongFunction<Optional<LaunchValidator.Tensor>> tensors) {
        Map<String, Integer> ids = new HashMap<>(); // a batch names few operators: look each up once
        Map<String, Optional<OperatorSpec>> specs = new HashMap<>();
        LaunchValidator.validate(launches, new LaunchValidator.Resources() {
            @Override
            public Optional<LaunchValidator.Tensor> tensor(long handle) {
                return tensors.apply(handle);
            }

            @Override
            public Optional<OperatorSpec> operator(String name) {
                return specs.computeIfAbsent(name, n -> {
                    OptionalInt found = table.idOf(n);
                    if (found.isEmpty()) {
                        return Optional.empty();
                    }
                    ids.put(n, found.getAsInt());
                    return Optional.of(specOf.apply(table.active(found.getAsInt())));
                });
            }
        });
        int[] logical = new int[launches.size()];
        for (int i = 0; i < logical.length; i++) {
            logical[i] = ids.get(launches.get(i).operator());
        }
        return table.bindAll(logical);
    }
}
