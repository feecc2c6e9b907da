package io.keelson.wio.core.device;

/**
 * Flash timings of the emulated SSD, NVMeVirt's Samsung 970 PRO constants (snu-csl/nvmevirt ssd_config.h): channels
 * and dies, channel and PCIe bandwidth, 4 KiB read and page program latency, firmware overhead, and the write
 * buffer that acknowledges a write before it is programmed.
 */
public record NandTimings(int channels, int diesPerChannel, double channelMBps, double pcieMBps, double readMicros, double programMicros,
                          int programPageBytes, double firmwareReadMicros, double bufferAckMicros, double bufferAckMicrosPer4k,
                          long writeBufferBytes) {

    public static NandTimings samsung970Pro() {
        return new NandTimings(8, 2, 800, 3360, 35.8, 185, 32 * 1024, 21.5, 4, 0.46, 64L << 20);
    }

    /** How fast the dies can program, all of them at once (bytes/s). */
    public double programBytesPerSecond() {
        return channels * diesPerChannel * (double) programPageBytes / (programMicros / 1e6);
    }

    /** A buffered write of {@code bytes}: acknowledged once in the write buffer. */
    public double bufferedWriteMicros(long bytes) {
        return bufferAckMicros + bufferAckMicrosPer4k * Math.ceil(bytes / 4096.0) + bytes / pcieMBps;
    }

    /** A write that must wait for the flash (the write buffer is full): a page program behind it. */
    public double unbufferedWriteMicros(long bytes) {
        return bufferedWriteMicros(bytes) + programMicros;
    }
}
