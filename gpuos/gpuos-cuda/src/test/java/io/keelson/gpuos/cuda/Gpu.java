package io.keelson.gpuos.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What the GPU-only tests need: a CUDA device (driver + GPU) and NVRTC. Where either is missing (CI and
 * every build machine here) each such test is skipped with the reason; on a lent GPU host they run.
 */
final class Gpu {

    private Gpu() {
    }

    static Nvrtc nvrtc() {
        List<Nvrtc.Unavailable> why = new ArrayList<>();
        Optional<Nvrtc> nvrtc = Nvrtc.load(System.getenv(), why);
        assumeTrue(nvrtc.isPresent(), () -> "NVRTC not available: " + why);
        return nvrtc.get();
    }

    static CudaDevice open(CudaDevice.Config config) {
        CudaProbe.Result probe = CudaProbe.probe();
        assumeTrue(probe instanceof CudaProbe.Result.Available, () -> "no CUDA device: " + probe);
        return CudaDevice.open(config, nvrtc());
    }

    static CudaDevice open() {
        return open(CudaDevice.Config.defaults().withArena(1L << 30));
    }
}
