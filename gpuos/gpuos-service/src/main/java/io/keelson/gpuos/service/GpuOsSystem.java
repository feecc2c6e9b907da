package io.keelson.gpuos.service;

import io.keelson.gpuos.core.cpu.CpuDevice;
import io.keelson.gpuos.core.device.Device;
import io.keelson.gpuos.cuda.CudaProbe;

import java.nio.file.Path;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The gpuos system as a deployable unit: the backend chosen by probing, the device, and its gRPC service.
 * The CUDA backend serves when the probe finds a driver and a device and the CUDA device is built; until
 * then every host is served by the CPU backend, and ListDevices says what the probe found, so a GPU host
 * never silently reports a launch that did not happen on its GPU.
 */
public final class GpuOsSystem implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(GpuOsSystem.class.getName());

    private final Device device;
    private final GpuOsGrpcService service;

    private GpuOsSystem(Device device, String probe, Optional<OperatorSnapshot> snapshot) {
        this.device = device;
        this.service = new GpuOsGrpcService(device, probe, snapshot);
    }

    /**
     * @param stateDirectory where installed operators persist (restored now, saved on every change); empty keeps
     *                       them in memory only
     */
    public static GpuOsSystem start(CpuDevice.Config cpu, Optional<Path> stateDirectory) {
        CpuDevice device = new CpuDevice(cpu);
        Optional<OperatorSnapshot> snapshot = stateDirectory.map(OperatorSnapshot::new);
        try {
            snapshot.ifPresent(s -> {
                int restored = s.restore(device);
                if (restored > 0) {
                    LOG.info("gpuos: restored " + restored + " operator versions from " + stateDirectory.get());
                }
            });
        } catch (RuntimeException e) {
            device.close();
            throw e;
        }
        return new GpuOsSystem(device, describe(CudaProbe.probe()), snapshot);
    }

    static String describe(CudaProbe.Result result) {
        if (result instanceof CudaProbe.Result.Available a) {
            return "CUDA device found: " + a.name() + " (compute " + a.computeCapability() + ", " + a.devices()
                    + " device(s), nvrtc " + (a.nvrtc() ? "present" : "missing") + "); the cuda backend is not built yet, so cpu-emulated serves";
        }
        return "no CUDA: " + ((CudaProbe.Result.Unavailable) result).reason() + "; cpu-emulated serves";
    }

    public GpuOsGrpcService service() {
        return service;
    }

    public Device device() {
        return device;
    }

    @Override
    public void close() {
        device.close();
    }
}
