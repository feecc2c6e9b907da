package io.keelson.gpuos.cuda;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Page-locked host memory mapped into the device's address space: the host writes it through a direct
 * buffer and the worker reads it over PCIe at {@link #deviceAddress}, with no copy call in between.
 */
record PinnedBlock(Pointer host, ByteBuffer bytes, long deviceAddress) {

    static PinnedBlock allocate(long length) {
        Pointer host = new Pointer();
        Cuda.check(JCudaDriver.cuMemHostAlloc(host, length, JCudaDriver.CU_MEMHOSTALLOC_DEVICEMAP | JCudaDriver.CU_MEMHOSTALLOC_PORTABLE),
                "cuMemHostAlloc(" + length + ")");
        CUdeviceptr device = new CUdeviceptr();
        Cuda.check(JCudaDriver.cuMemHostGetDevicePointer(device, host, 0), "cuMemHostGetDevicePointer");
        ByteBuffer bytes = host.getByteBuffer(0, length).order(ByteOrder.LITTLE_ENDIAN);
        byte[] zeros = new byte[(int) Math.min(length, 1 << 16)]; // pinned memory comes uninitialised
        for (int at = 0; at < length; at += zeros.length) {
            bytes.put(at, zeros, 0, (int) Math.min(zeros.length, length - at));
        }
        return new PinnedBlock(host, bytes, Cuda.address(device));
    }

    int length() {
        return bytes.capacity();
    }

    void release() {
        JCudaDriver.cuMemFreeHost(host);
    }
}
