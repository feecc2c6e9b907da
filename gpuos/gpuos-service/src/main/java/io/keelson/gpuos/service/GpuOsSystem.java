package io.keelson.gpuos.service;

import io.keelson.gpuos.core.cpu.CpuDevice;
import io.keelson.gpuos.core.device.Device;
import io.keelson.gpuos.cuda.CudaProbe;

/**
 * The gpuos system as a deployable unit: the backend chosen by probing, the device, and its gRPC service.
 * The CUDA backend serves when the probe finds a driver and a device and the CUDA device is built; until
 * then every host is served by the CPU backend, and ListDevices says what the probe found, so a GPU host
 * never silently reports a launch that did not happen on its GPU.
 */
public final class GpuOsSystem implements AutoCloseable {

    private final Device device;
    private final GpuOsGrpcService service;

    private GpuOsSystem(Device device, String probe) {
        this.device = device;
        this.service = new GpuOsGrpcService(device, probe);
    }

    public static GpuOsSystem start() {
        return start(CpuDevice.Config.defaults());
    }

    public static GpuOsSystem start(CpuDevice.Config cpu) {
        return new GpuOsSystem(new CpuDevice(cpu), describe(CudaProbe.probe()));
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
