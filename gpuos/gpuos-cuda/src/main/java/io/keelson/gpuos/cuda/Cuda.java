package io.keelson.gpuos.cuda;

import jcuda.Pointer;
import jcuda.driver.JCudaDriver;

/** Driver-call plumbing: a failed call becomes an exception naming the call and the driver's error name. */
final class Cuda {

    private Cuda() {
    }

    /**
     * Asks the driver to load whole modules when they are loaded (read at {@code cuInit}; an explicit setting in
     * the environment wins). With CUDA's default lazy loading a kernel or function is loaded at first use, which
     * may synchronise the context, and the persistent worker never finishes: loading the next generation's worker
     * would wait for the running one forever.
     */
    static void preferEagerLoading() {
        try {
            LibC.INSTANCE.setenv("CUDA_MODULE_LOADING", "EAGER", 0);
        } catch (LinkageError e) {
            // no libc through JNA: the driver's default applies, and CUDA_MODULE_LOADING=EAGER must come from the launcher
        }
    }

    private interface LibC extends com.sun.jna.Library {
        LibC INSTANCE = com.sun.jna.Native.load("c", LibC.class);

        int setenv(String name, String value, int overwrite);
    }

    static void check(int status, String call) {
        if (status != 0) {
            String[] name = new String[1];
            JCudaDriver.cuGetErrorName(status, name);
            throw new CudaFailure(call + " failed: " + (name[0] == null ? "CUDA error" : name[0]) + " (" + status + ")");
        }
    }

    /** A NUL-terminated C string in {@code bytes}. */
    static String cString(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The address a pointer holds (a device address for device or mapped memory), as the worker reads it. */
    static long address(Pointer pointer) {
        return new Address(pointer).value();
    }

    /** An error reported by the CUDA driver. */
    static final class CudaFailure extends RuntimeException {
        CudaFailure(String message) {
            super(message);
        }
    }

    /** JCuda keeps a pointer's value behind protected accessors; a subclass copy may read its own. */
    private static final class Address extends Pointer {
        Address(Pointer pointer) {
            super(pointer);
        }

        long value() {
            return getNativePointer() + getByteOffset();
        }
    }
}
