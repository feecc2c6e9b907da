package io.keelson.gpuos.core.device;

import io.keelson.gpuos.core.ir.OperatorSpec;
import io.keelson.gpuos.core.operator.OperatorTable;
import io.keelson.gpuos.core.queue.TaskQueue;
import io.keelson.gpuos.core.tensor.DType;

import java.util.List;

/**
 * One device with its persistent worker, as the frontend and the gRPC service see it. Backends:
 * {@code cpu-emulated} (worker threads over a direct-memory ring) and {@code cuda} (a persistent
 * kernel over mapped pinned memory). Requests that are wrong throw {@link DeviceException} naming the
 * field; a full queue is {@link TaskQueue.Submission.Full}, never a drop.
 */
public interface Device extends AutoCloseable {

    DeviceInfo info();

    long allocate(DType dtype, long elements);

    /** Writes {@code values} to elements {@code [offset, offset + values.length)} of a tensor. */
    void write(long handle, long offset, float[] values);

    /** Reads {@code count} elements from {@code offset} as f32. */
    float[] read(long handle, long offset, int count);

    void free(long handle);

    /**
     * Compiles {@code spec} and writes it into the idle slot of the logical operator {@code spec.name()}
     * (defining it on first install); {@code activate} flips the alias at once.
     */
    Installed install(OperatorSpec spec, boolean activate);

    /** Points operator {@code name} at the version {@code epoch} (one of its two slots). */
    OperatorTable.Change activate(String name, long epoch);

    /** Points operator {@code name} back at its previous version. */
    OperatorTable.Change rollback(String name);

    List<OperatorInfo> operators();

    /**
     * Validates the launches, binds each to its operator's active version, and enqueues them as one task
     * (run in order by one worker). Fails with {@link DeviceException} before anything is queued.
     */
    TaskQueue.Submission submit(List<Launch> launches);

    DeviceStats stats();

    @Override
    void close();

    /** A compiled and installed operator version, with how long compiling took (reported apart from run time). */
    record Installed(String name, int logical, long epoch, boolean active, long compileNanos, String compileLog) {
    }

    /** A logical operator: its active version and the versions its two slots hold. */
    record OperatorInfo(String name, int logical, long activeEpoch, List<Version> versions) {
    }

    record Version(long epoch, String signature, long tasksInFlight) {
    }
}
