package io.keelson.wio.core.sim;

import io.keelson.wio.core.device.NandTimings;
import io.keelson.wio.core.device.ThermalModel;

/**
 * The machine being simulated: the host's cores the actors may use, and the computational SSD - its compute cores
 * (slower than a host core), its power (the write stream's I/O, and compute in proportion to the work it does: a
 * throttled device does less and draws less), its power cap, its flash and its thermal behaviour.
 *
 * @param ioWatts      the device serving the write stream, compute idle (the brief's "I/O alone ≈ 12 W")
 * @param computeWatts added at full-speed compute (I/O plus compute ≈ 25 W)
 */
public record Platform(int hostCores, double hostHeadroom, int deviceCores, double deviceCoreSpeed, double ioWatts, double computeWatts,
                       double powerCapWatts, ThermalModel thermal, NandTimings nand) {

    /** Two host cores (this machine), a device with four cores at half a host core's speed, 12 W + 13 W, a 25 W cap. */
    public static Platform standard() {
        return new Platform(2, 1.0, 4, 0.5, 12, 13, 25, ThermalModel.standard(), NandTimings.samsung970Pro());
    }

    /** The pipeline's throughput with every device core busy at full speed. */
    public double deviceBytesPerSecond(Calibration c) {
        return deviceCores * deviceCoreSpeed * c.hostCoreBytesPerSecond();
    }

    /** The pipeline's throughput on the host cores the actors may use. */
    public double hostBytesPerSecond(Calibration c) {
        return hostCores * hostHeadroom * c.hostCoreBytesPerSecond();
    }
}
