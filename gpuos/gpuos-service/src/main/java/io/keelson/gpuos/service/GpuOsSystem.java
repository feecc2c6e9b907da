package io.keelson.gpuos.service;

import io.keelson.gpuos.core.cpu.CpuDevice;
import io.keelson.gpuos.core.device.Device;
import io.keelson.gpuos.cuda.CudaDevice;
import io.keelson.gpuos.cuda.CudaProbe;
import io.keelson.gpuos.cuda.Nvrtc;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The gpuos system as a deployable unit: the backend chosen by probing, the device, and its gRPC service.
 * {@code auto} runs the CUDA backend where the probe finds a driver and a device, NVRTC loads and the device
 * opens, and the CPU backend elsewhere; ListDevices says what the probe found and which backend serves, and
 * every reply names the backend, so no reply claims a launch that did not happen on a GPU.
 */
public final class GpuOsSystem implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(GpuOsSystem.class.getName());

    private final Device device;
    private final GpuOsGrpcService service;

    private GpuOsSystem(Device device, String probe, Optional<OperatorSnapshot> snapshot) {
        this.device = device;
        this.service = new GpuOsGrpcService(device, probe, snapshot);
    }

    /** Which backend to run: {@code auto} prefers CUDA and falls back to the CPU with the reason; the others insist. */
    public enum Backend {
        AUTO, CUDA, CPU_EMULATED;

        /** Parses {@code auto|cuda|cpu-emulated}, naming {@code key} when the value is none of them. */
        public static Backend parse(String value, String key) {
            return switch (value) {
                case "auto" -> AUTO;
                case "cuda" -> CUDA;
                case "cpu-emulated" -> CPU_EMULATED;
                default -> throw new IllegalArgumentException(key + " must be auto, cuda or cpu-emulated, was '" + value + "'");
            };
        }
    }

    public static GpuOsSystem start(CpuDevice.Config cpu, Optional<Path> stateDirectory) {
        return start(Backend.CPU_EMULATED, cpu, stateDirectory);
    }

    /**
     * @param cpu            sizes of the CPU backend; the CUDA backend takes the same queue capacity and tensor limits
     * @param stateDirectory where installed operators persist (restored now, saved on every change); empty keeps
     *                       them in memory only
     */
    public static GpuOsSystem start(Backend backend, CpuDevice.Config cpu, Optional<Path> stateDirectory) {
        CudaProbe.Result probe = backend == Backend.CPU_EMULATED ? null : CudaProbe.probe();
        String why;
        Device device;
        if (probe == null) {
            device = new CpuDevice(cpu);
            why = "CUDA not probed: the backend is configured as cpu-emulated; cpu-emulated serves";
        } else if (probe instanceof CudaProbe.Result.Available) {
            List<Nvrtc.Unavailable> missing = new ArrayList<>();
            Optional<Nvrtc> nvrtc = Nvrtc.load(System.getenv(), missing);
            Device cuda = null;
            String failure = "NVRTC not found: " + missing;
            if (nvrtc.isPresent()) {
                try {
                    cuda = CudaDevice.open(new CudaDevice.Config(0, 256, cpu.queueCapacity(), cpu.maxTensorBytes(), cpu.maxTotalBytes(),
                            cpu.stallAfter()), nvrtc.get());
                } catch (RuntimeException e) {
                    failure = "the cuda backend could not start: " + e.getMessage();
                }
            }
            if (cuda != null) {
                device = cuda;
                why = describe(probe) + "; cuda serves";
            } else if (backend == Backend.CUDA) {
                throw new IllegalStateException("keelson.gpuos.backend is cuda, but " + failure);
            } else {
                device = new CpuDevice(cpu);
                why = describe(probe) + ", but " + failure + "; cpu-emulated serves";
            }
        } else if (backend == Backend.CUDA) {
            throw new IllegalStateException("keelson.gpuos.backend is cuda, but " + ((CudaProbe.Result.Unavailable) probe).reason());
        } else {
            device = new CpuDevice(cpu);
            why = describe(probe) + "; cpu-emulated serves";
        }
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
        return new GpuOsSystem(device, why, snapshot);
    }

    static String describe(CudaProbe.Result result) {
        if (result instanceof CudaProbe.Result.Available a) {
            return "CUDA device found: " + a.name() + " (compute " + a.computeCapability() + ", " + a.devices()
                    + " device(s), nvrtc " + (a.nvrtc() ? "present" : "missing") + ")";
        }
        return "no CUDA: " + ((CudaProbe.Result.Unavailable) result).reason();
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
