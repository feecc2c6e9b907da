package io.keelson.sysom.core.xfault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The real trace XFault takes its kernels from in tests (HTA's AlexNet step, MIT licence in testdata). */
public final class XFaultFixture {

    public static final Path ALEXNET = Path.of("../testdata/traces/hta/critical_path/alexnet/benchmark_result_2869224_1695835535_trace.json.gz");

    private XFaultFixture() {
    }

    public static KernelProfile profile() {
        try {
            return KernelProfile.fromTrace(ALEXNET, 8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
