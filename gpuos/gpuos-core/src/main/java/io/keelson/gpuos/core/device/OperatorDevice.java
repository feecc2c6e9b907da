package io.keelson.gpuos.core.device;

import io.keelson.gpuos.core.ir.OperatorSpec;
import io.keelson.gpuos.core.operator.OperatorTable;

import java.util.List;
import java.util.function.Function;

/** A {@link Device} whose operators live in {@link DeviceOperators}: switching, rolling back and listing are the same on every backend. */
public abstract class OperatorDevice<O> implements Device {

    protected final DeviceOperators<O> operators;

    protected OperatorDevice(Function<O, OperatorSpec> specOf) {
        this.operators = new DeviceOperators<>(specOf);
    }

    @Override
    public final OperatorTable.Change activate(String name, long epoch) {
        return operators.activate(name, epoch);
    }

    @Override
    public final OperatorTable.Change rollback(String name) {
        return operators.rollback(name);
    }

    @Override
    public final List<OperatorInfo> operators() {
        return operators.infos();
    }
}
