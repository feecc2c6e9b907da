package io.keelson.gpuos.cuda;

import io.keelson.gpuos.core.cuda.CudaCodegen;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The CUDA sources of one worker generation: the ABI header (generated from the Java layouts), the
 * persistent worker kernel, and the operators linked with it. Cross-module calls through function
 * pointers are not supported by CUDA, so the worker and its operators are linked into one module
 * ({@code nvlink} offline, {@code cuLink*} at run time) and a new operator means a new generation.
 */
public final class WorkerSource {

    public static final String HEADER_NAME = "keelson_abi.h";
    public static final String WORKER_NAME = "keelson_worker.cu";

    private WorkerSource() {
    }

    public static String header() {
        return CudaCodegen.abiHeader();
    }

    public static String worker() {
        try (InputStream in = WorkerSource.class.getResourceAsStream(WORKER_NAME)) {
            if (in == null) {
                throw new IllegalStateException(WORKER_NAME + " is missing from the gpuos-cuda jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
