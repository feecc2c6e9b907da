package io.keelson.wio.service;

import io.keelson.wio.core.runtime.WioRuntime;

import java.nio.file.Path;

/** wio as a deployable unit: its runtime (region, actors, emulated device, block stores under {@code home}) and its gRPC service. */
public final class WioSystem implements AutoCloseable {

    private final WioRuntime runtime;
    private final WioGrpcService service;

    private WioSystem(WioRuntime runtime) {
        this.runtime = runtime;
        this.service = new WioGrpcService(runtime);
    }

    public static WioSystem start(Path home, WioRuntime.Settings settings) {
        return new WioSystem(WioRuntime.start(home, settings));
    }

    public WioGrpcService service() {
        return service;
    }

    @Override
    public void close() {
        service.close();
        runtime.close();
    }
}
