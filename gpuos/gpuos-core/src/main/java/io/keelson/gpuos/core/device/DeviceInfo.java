package io.keelson.gpuos.core.device;

/**
 * What serves requests. {@code backend} is the name every reply carries ({@code cpu-emulated} or
 * {@code cuda}); {@code capability} is the compute capability on CUDA ("9.0") and the host's
 * description on the CPU backend.
 */
public record DeviceInfo(int index, String backend, String name, String capability, int workers, long memoryBytes) {
}
