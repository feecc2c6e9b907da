package io.keelson.wio.core.runtime;

import io.keelson.wio.core.device.ThermalModel;
import io.keelson.wio.core.sim.Platform;

/**
 * The emulated computational SSD in real time: device-side actors run on host threads, paced to the device's
 * compute rate times its throttle factor, and the work they do (with the write stream's I/O) heats the thermal model,
 * which advances on the wall clock times {@code timeScale} (so a test or a demonstration sees in seconds what takes
 * minutes). Thread-safe.
 */
public final class LiveDevice {

    /** A moment of the device: what telemetry reports. */
    public record Reading(double seconds, double temperatureC, ThermalModel.Throttle throttle, double watts, double deviceBytesPerSecond,
                          double hostBytesPerSecond) {
    }

    private final Platform platform;
    private final double deviceBytesPerSecond;
    private final double timeScale;
    private final long started = System.nanoTime();
    private long last = started;
    private double modelSeconds;
    private double temperature;
    private ThermalModel.Throttle throttle = ThermalModel.Throttle.NONE;
    private double watts;
    private long deviceBytes;
    private long hostBytes;
    private double deviceRate;
    private double hostRate;
    private long busyUntil = System.nanoTime();
    private volatile boolean present = true;

    public LiveDevice(Platform platform, double deviceBytesPerSecond, double timeScale) {
        if (deviceBytesPerSecond <= 0 || timeScale <= 0) {
            throw new IllegalArgumentException("device rate and time scale: positive");
        }
        this.platform = platform;
        this.deviceBytesPerSecond = deviceBytesPerSecond;
        this.timeScale = timeScale;
        this.temperature = platform.thermal().ambientC();
        this.watts = platform.ioWatts();
    }

    /**
     * Books {@code bytes} of actor work on the device's compute at its present speed and returns how long the caller
     * should wait (wall clock) for the device to have done it; waits shorter than a millisecond accumulate (a
     * thread cannot sleep that precisely) until they add up to one.
     */
    public synchronized long book(long bytes) {
        long now = System.nanoTime();
        busyUntil = Math.max(busyUntil, now) + (long) (bytes / (deviceBytesPerSecond * platform.thermal().factor(throttle)) * 1e9);
        long wait = busyUntil - now;
        return wait >= 1_000_000 ? wait : 0;
    }

    /** Counts work done on a side (for the device's power and the telemetry's rates). */
    public synchronized void worked(boolean onDevice, long bytes) {
        advance();
        if (onDevice) {
            deviceBytes += bytes;
        } else {
            hostBytes += bytes;
        }
    }

    public synchronized Reading read() {
        advance();
        return new Reading(modelSeconds, temperature, throttle, watts, deviceRate, hostRate);
    }

    /** Advances the thermal model to now, at the power the device drew since the last step. */
    private void advance() {
        long now = System.nanoTime();
        double wall = (now - last) / 1e9;
        if (wall < 0.05) {
            return;
        }
        double dt = wall * timeScale;
        deviceRate = deviceBytes / wall;
        hostRate = hostBytes / wall;
        watts = platform.ioWatts() + platform.computeWatts() * Math.min(1, deviceRate / deviceBytesPerSecond);
        temperature = platform.thermal().step(temperature, watts, dt);
        throttle = platform.thermal().throttle(throttle, temperature);
        modelSeconds += dt;
        deviceBytes = 0;
        hostBytes = 0;
        last = now;
    }

    /** The device leaves (a surprise removal): what runs on it stops, nothing new may move there. */
    public void detach() {
        present = false;
    }

    public void attach() {
        present = true;
    }

    public boolean present() {
        return present;
    }

    public double secondsSinceStart() {
        return (System.nanoTime() - started) / 1e9 * timeScale;
    }
}
