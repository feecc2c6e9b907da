package io.keelson.gpuos.cuda;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class CudaProbeTest {

    @Test
    void answersWithoutThrowingAndSaysWhyWhenThereIsNoDriver() {
        CudaProbe.Result first = CudaProbe.probe();
        CudaProbe.Result second = CudaProbe.probe(); // after a failed native load JCuda throws NoClassDefFoundError instead
        assertThat(second.getClass()).isEqualTo(first.getClass());
        if (!Files.exists(Path.of("/dev/nvidiactl"))) {
            assertThat(first).isInstanceOfSatisfying(CudaProbe.Result.Unavailable.class,
                    u -> assertThat(u.reason()).contains("CUDA driver library could not be loaded"));
            assertThat(second).isInstanceOf(CudaProbe.Result.Unavailable.class);
        } else {
            assertThat(first).isInstanceOfSatisfying(CudaProbe.Result.Available.class, a -> {
                assertThat(a.devices()).isPositive();
                assertThat(a.computeCapability()).matches("\\d+\\.\\d+");
            });
        }
    }
}
