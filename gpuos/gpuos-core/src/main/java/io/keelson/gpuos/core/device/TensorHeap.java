package io.keelson.gpuos.core.device;

import io.keelson.gpuos.core.tensor.DType;
import io.keelson.gpuos.core.tensor.TensorBuffer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The CPU backend's device memory: tensors by handle, with a per-tensor and a total byte limit
 * (a client cannot exhaust the host's memory through the API). Handles are never reused, so a stale
 * handle is an error, not someone else's tensor.
 */
public final class TensorHeap {

    private final long maxTensorBytes;
    private final long maxTotalBytes;
    private final Map<Long, TensorBuffer> tensors = new ConcurrentHashMap<>();
    private final AtomicLong nextHandle = new AtomicLong(1);
    private final AtomicLong usedBytes = new AtomicLong();

    public TensorHeap(long maxTensorBytes, long maxTotalBytes) {
        this.maxTensorBytes = Math.min(maxTensorBytes, Integer.MAX_VALUE);
        this.maxTotalBytes = maxTotalBytes;
    }

    public long allocate(DType dtype, long elements) {
        if (elements < 1) {
            throw DeviceException.invalid("elements", "must be at least 1, was " + elements);
        }
        long bytes = elements > maxTensorBytes ? Long.MAX_VALUE : elements * dtype.bytes();
        if (bytes > maxTensorBytes) {
            throw new DeviceException(DeviceException.Kind.LIMIT, "elements", elements + " " + dtype + " elements exceed the "
                    + maxTensorBytes + "-byte limit per tensor");
        }
        long total = usedBytes.addAndGet(bytes);
        if (total > maxTotalBytes) {
            usedBytes.addAndGet(-bytes);
            throw new DeviceException(DeviceException.Kind.LIMIT, "elements", "device memory is full: " + (total - bytes)
                    + " of " + maxTotalBytes + " bytes in use, " + bytes + " more requested");
        }
        long handle = nextHandle.getAndIncrement();
        tensors.put(handle, new TensorBuffer(dtype, (int) elements));
        return handle;
    }

    public TensorBuffer get(long handle, String field) {
        TensorBuffer buffer = tensors.get(handle);
        if (buffer == null) {
            throw new DeviceException(DeviceException.Kind.NOT_FOUND, field, "no tensor with handle " + handle
                    + " (never allocated or already freed)");
        }
        return buffer;
    }

    public java.util.Optional<TensorBuffer> find(long handle) {
        return java.util.Optional.ofNullable(tensors.get(handle));
    }

    public void free(long handle) {
        TensorBuffer removed = tensors.remove(handle);
        if (removed == null) {
            throw new DeviceException(DeviceException.Kind.NOT_FOUND, "handle", "no tensor with handle " + handle);
        }
        usedBytes.addAndGet(-(long) removed.elements() * removed.dtype().bytes());
    }

    public long usedBytes() {
        return usedBytes.get();
    }

    public int count() {
        return tensors.size();
    }
}
