package io.keelson.gpuos.core.device;

import io.keelson.gpuos.core.tensor.DType;
import io.keelson.gpuos.core.tensor.TensorBuffer;
import io.keelson.gpuos.core.tensor.TensorStorage;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A device's tensors by handle, with a per-tensor and a total byte limit (a client cannot exhaust the
 * host's or the GPU's memory through the API). What backs a tensor is the backend's: a {@link TensorBuffer}
 * in host memory for the CPU backend, a range of device memory for CUDA.
 *
 * <p>A handle is a slot index plus the slot's generation, so workers resolve it with one array read
 * (no hashing on the launch path), and a stale handle — one whose tensor was freed, even if the slot
 * now holds another tensor — is an error, never someone else's tensor.
 */
public final class TensorHeap<T extends TensorStorage> {

    /** Makes the storage of a new tensor; may refuse with {@link DeviceException}. */
    @FunctionalInterface
    public interface Allocator<T> {
        T allocate(DType dtype, int elements);
    }

    private static final class Slot {
        volatile TensorStorage buffer;
        int generation = 1; // never 0, so no handle is 0 (the unset value of a protobuf field)
    }

    private final long maxTensorBytes;
    private final long maxTotalBytes;
    private final AtomicLong usedBytes = new AtomicLong();
    private final ArrayDeque<Integer> freeSlots = new ArrayDeque<>();
    private volatile Slot[] slots = new Slot[0];
    private int live;

    private final Allocator<T> allocator;

    /** A heap of host-memory tensors (the CPU backend's). */
    public static TensorHeap<TensorBuffer> host(long maxTensorBytes, long maxTotalBytes) {
        return new TensorHeap<>(maxTensorBytes, maxTotalBytes, TensorBuffer::new);
    }

    public TensorHeap(long maxTensorBytes, long maxTotalBytes, Allocator<T> allocator) {
        this.allocator = allocator;
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
        T buffer;
        try {
            buffer = allocator.allocate(dtype, (int) elements);
        } catch (RuntimeException e) {
            usedBytes.addAndGet(-bytes);
            throw e;
        }
        synchronized (this) {
            Integer index = freeSlots.pollFirst();
            if (index == null) {
                Slot[] grown = Arrays.copyOf(slots, Math.max(16, slots.length * 2));
                for (int i = slots.length; i < grown.length; i++) {
                    grown[i] = new Slot();
                    if (i > slots.length) {
                        freeSlots.addLast(i);
                    }
                }
                index = slots.length;
                slots = grown;
            }
            Slot slot = slots[index];
            slot.buffer = buffer;
            live++;
            return ((long) slot.generation << 32) | index;
        }
    }

    public T get(long handle, String field) {
        return find(handle).orElseThrow(() -> new DeviceException(DeviceException.Kind.NOT_FOUND, field, "no tensor with handle "
                + handle + " (never allocated or already freed)"));
    }

    /** The tensor, checked to hold elements {@code [offset, offset + count)}; errors name {@code handle} and {@code offset}. */
    public T range(long handle, long offset, long count) {
        T tensor = get(handle, "handle");
        if (offset < 0 || count < 0 || offset + count > tensor.elements()) {
            throw DeviceException.invalid("offset", "elements [" + offset + ", " + (offset + count) + ") are outside a tensor of "
                    + tensor.elements());
        }
        return tensor;
    }

    public Optional<T> find(long handle) {
        return Optional.ofNullable(lookup(handle));
    }

    @SuppressWarnings("unchecked") // only allocate() stores, and it stores a T
    private T lookup(long handle) {
        Slot[] table = slots;
        long index = handle & 0xFFFF_FFFFL;
        if (handle < 0 || index >= table.length) {
            return null;
        }
        Slot slot = table[(int) index];
        TensorStorage buffer = slot.buffer;
        // the generation is read after the buffer: a slot freed and reused meanwhile shows a new generation
        return buffer != null && slot.generation == (int) (handle >>> 32) ? (T) buffer : null;
    }

    /** Forgets the tensor and returns its storage (a backend may have to wait before reusing it). */
    public T free(long handle) {
        T removed;
        synchronized (this) {
            removed = lookup(handle);
            if (removed == null) {
                throw new DeviceException(DeviceException.Kind.NOT_FOUND, "handle", "no tensor with handle " + handle);
            }
            Slot slot = slots[(int) (handle & 0xFFFF_FFFFL)];
            slot.generation++;
            slot.buffer = null;
            freeSlots.addLast((int) (handle & 0xFFFF_FFFFL));
            live--;
        }
        usedBytes.addAndGet(-(long) removed.elements() * removed.dtype().bytes());
        return removed;
    }

    public long usedBytes() {
        return usedBytes.get();
    }

    public synchronized int count() {
        return live;
    }
}
