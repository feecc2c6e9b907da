package io.keelson.gpuos.cuda;

import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.JCudaDriver;


/**
 * Whether this host can run the CUDA backend: the JCuda driver natives load (they need {@code libcuda.so.1},
 * i.e. an NVIDIA driver), {@code cuInit} succeeds and at least one device exists. Probed once per call,
 * never throwing: a missing driver is an answer ({@link Result.Unavailable} with the reason), and the
 * CPU backend serves instead. Without a driver the first JCuda use throws {@code UnsatisfiedLinkError}
 * and later ones {@code NoClassDefFoundError}, so every {@link LinkageError} is caught here.
 */
public final class CudaProbe {

    /** What the probe found. */
    public sealed interface Result {

        /** @param nvrtc whether run-time compilation (libnvrtc) is present too; without it only prebuilt PTX can load */
        record Available(int devices, String name, String computeCapability, long memoryBytes, boolean nvrtc) implements Result {
        }

        record Unavailable(String reason) implements Result {
        }
    }

    private CudaProbe() {
    }

    public static Result probe() {
        try {
            JCudaDriver.setExceptionsEnabled(false);
            Cuda.preferEagerLoading();
            int status = JCudaDriver.cuInit(0);
            if (status != 0) {
                return new Result.Unavailable("cuInit failed with CUDA error " + status);
            }
            int[] count = new int[1];
            JCudaDriver.cuDeviceGetCount(count);
            if (count[0] == 0) {
                return new Result.Unavailable("the driver loads but reports no CUDA device");
            }
            CUdevice device = new CUdevice();
            JCudaDriver.cuDeviceGet(device, 0);
            byte[] name = new byte[256];
            JCudaDriver.cuDeviceGetName(name, name.length, device);
            int[] major = new int[1];
            int[] minor = new int[1];
            JCudaDriver.cuDeviceGetAttribute(major, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
            JCudaDriver.cuDeviceGetAttribute(minor, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
            long[] memory = new long[1];
            JCudaDriver.cuDeviceTotalMem(memory, device);
            return new Result.Available(count[0], Cuda.cString(name), major[0] + "." + minor[0], memory[0], nvrtcPresent());
        } catch (LinkageError e) {
            return new Result.Unavailable("the CUDA driver library could not be loaded (" + rootMessage(e) + ")");
        }
    }

    private static boolean nvrtcPresent() {
        return Nvrtc.load().isPresent();
    }

    private static final int MESSAGE_LIMIT = 300;

    static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        // JCuda's load errors carry every nested stack trace in the message; the first line says what failed
        String message = String.valueOf(root.getMessage());
        int traces = message.indexOf("---(start of nested stack traces)---");
        String said = (traces >= 0 ? message.substring(0, traces) : message).lines().findFirst().orElse("").strip();
        return root.getClass().getSimpleName() + ": " + (said.length() > MESSAGE_LIMIT ? said.substring(0, MESSAGE_LIMIT) + "..." : said);
    }
}
