package io.keelson.sysom.core.trace;

import java.util.Map;
import java.util.Optional;

/**
 * One Chrome-trace / Kineto event as sysom keeps it: phase ({@code X} complete, {@code i} instant, {@code s}/{@code f}
 * flow, {@code M} metadata), category ({@code cpu_op}, {@code cuda_runtime}, {@code kernel}, {@code gpu_memcpy}, ...),
 * start and duration in microseconds, process and thread (for GPU work: device and stream), and the scalar arguments
 * (correlation ids, collective names and sizes; nested ones are dropped).
 */
public record TraceEvent(String name, String category, char phase, double tsMicros, double durMicros, String pid, String tid,
                         Map<String, String> args) {

    public double endMicros() {
        return tsMicros + durMicros;
    }

    public Optional<String> arg(String key) {
        return Optional.ofNullable(args.get(key));
    }

    /** Work that ran on a GPU: a kernel, a copy or a memset. */
    public boolean onGpu() {
        return category.equals("kernel") || category.equals("gpu_memcpy") || category.equals("gpu_memset");
    }

    /** A collective-communication kernel (NCCL/RCCL). */
    public boolean communication() {
        return category.equals("kernel") && (name.startsWith("nccl") || name.startsWith("rccl"));
    }
}
