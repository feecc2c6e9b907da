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
                    u -> assertThat(u.reason()).contains("CUDA driver library could not be loaded").doesNotContain("nested stack traces")
                            .hasSizeLessThan(500));
            assertThat(second).isInstanceOf(CudaProbe.Result.Unavailable.class);
        } else {
            assertThat(first).isInstanceOfSatisfying(CudaProbe.Result.Available.class, a -> {
                assertThat(a.devices()).isPositive();
                assertThat(a.computeCapability()).matches("\\d+\\.\\d+");
            });
        }
    }

    @Test
    void aLoadErrorIsSaidInItsFirstLineWithoutTheStackTracesJCudaPutsInItsMessage() {
        UnsatisfiedLinkError jcuda = new UnsatisfiedLinkError("Error while loading native library \"JCudaDriver-12.6.0-linux-x86_64\" "
                + "Operating system name: Linux ---(start of nested stack traces)--- java.lang.UnsatisfiedLinkError: no x\n\tat a.b(C.java:1)"
                + " ---(end of nested stack traces)---");
        assertThat(CudaProbe.rootMessage(new NoClassDefFoundError("x") {
            {
                initCause(jcuda);
            }
        })).isEqualTo("UnsatisfiedLinkError: Error while loading native library \"JCudaDriver-12.6.0-linux-x86_64\" Operating system name: Linux");
    }
}
