package io.keelson.wio.core.sim;

import io.keelson.wio.core.device.ThermalModel;
import io.keelson.wio.core.sched.Observation;
import io.keelson.wio.core.sched.Placement;
import io.keelson.wio.core.sched.PlacementPolicy;
import io.keelson.wio.core.sched.Plan;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Random;

/**
 * A deterministic virtual-clock simulation of a write stream through the actor pipeline and onto the computational
 * SSD, in 10 ms steps, far faster than real time. Each step: records arrive (Poisson, seeded); the pipeline works
 * through the queue at the rate of its slower side - the host's cores for the stages placed there, the device's cores
 * times its throttle factor for the others, each side's rate divided by the share of the work it carries; the
 * device's power (its I/O, plus compute in proportion to the work it does) drives its temperature, which sets the
 * throttle; once a second the placement policy looks at what a host can observe and may move stages (each moved
 * stage's measured migration pause stops the pipeline for that long). Queueing is fluid within a step and FIFO across steps, so
 * a record's latency is when the pipeline reaches its bytes, plus its own service time and the device's buffered
 * write.
 */
public final class StorageSimulator {

    static final double STEP = 0.01;
    private static final int DECIDE_EVERY = 100; // steps: once a second
    private static final int SLOPE_WINDOW = 10;  // seconds of temperature history for the slope

    private StorageSimulator() {
    }

    /** Records that arrived in one step, as a group at its mid-point. */
    private record Arrivals(double time, double position, long records) {
    }

    public static SimReport run(Platform platform, Calibration calibration, Workload workload, PlacementPolicy policy) {
        ThermalModel thermal = platform.thermal();
        Random random = new Random(workload.seed());
        double recordsPerStep = workload.offeredBytesPerSecond() / workload.recordBytes() * STEP;
        double hostRate = platform.hostBytesPerSecond(calibration);
        double deviceRate = platform.deviceBytesPerSecond(calibration);
        double writeMicros = platform.nand().bufferedWriteMicros(Math.round(workload.recordBytes() * calibration.compressionRatio()));
        LatencyHistogram latency = new LatencyHistogram();
        ArrayDeque<Arrivals> waiting = new ArrayDeque<>();
        double[] temperatures = new double[SLOPE_WINDOW + 1];
        double arrived = 0;
        double served = 0;
        double temperature = thermal.ambientC();
        ThermalModel.Throttle throttle = ThermalModel.Throttle.NONE;
        List<Double> shares = calibration.stageShares();
        Plan plan = policy.initial(shares.size());
        double placedAt = 0;
        double pauseLeft = 0;
        double watts = platform.ioWatts();
        int migrations = 0;
        double hostCpu = 0;
        double maxTemperature = temperature;
        double light = 0;
        double heavy = 0;
        double deviceWork = 0;
        double lateFrom = workload.seconds() * 2 / 3;
        double servedLate = 0;
        long steps = Math.round(workload.seconds() / STEP);
        long records = 0;
        for (long step = 0; step < steps; step++) {
            double now = step * STEP;
            if (step % DECIDE_EVERY == 0) {
                int second = (int) (step / DECIDE_EVERY);
                temperatures[second % temperatures.length] = temperature;
                double slope = second < SLOPE_WINDOW ? 0
                        : (temperature - temperatures[(second - SLOPE_WINDOW) % temperatures.length]) / SLOPE_WINDOW;
                Observation o = new Observation(now, plan, now - placedAt, temperature, slope, throttle, watts, platform.powerCapWatts(),
                        hostRate, deviceRate, shares, workload.offeredBytesPerSecond(), arrived - served, calibration.migrationPauseSeconds());
                Plan next = policy.decide(o);
                int moved = plan.moves(next);
                if (moved > 0) {
                    plan = next;
                    placedAt = now;
                    pauseLeft = moved * calibration.migrationPauseSeconds();
                    migrations += moved;
                }
            }
            long n = poisson(random, recordsPerStep);
            if (n > 0) {
                double bytes = (double) n * workload.recordBytes();
                waiting.add(new Arrivals(now + STEP / 2, arrived + bytes / 2, n));
                arrived += bytes;
                records += n;
            }
            double working = Math.max(0, STEP - pauseLeft);
            pauseLeft = Math.max(0, pauseLeft - STEP);
            double onHost = plan.share(Placement.HOST, shares);
            double onDevice = plan.share(Placement.DEVICE, shares);
            double rate = plan.rate(shares, hostRate, deviceRate * thermal.factor(throttle));
            double before = served;
            double done = Math.min(arrived - served, rate * working);
            served += done;
            if (now >= lateFrom) {
                servedLate += done;
            }
            double serviceSeconds = workload.recordBytes() / rate;
            while (!waiting.isEmpty() && waiting.peek().position() <= served) {
                Arrivals a = waiting.poll();
                double reached = now + (STEP - working) + working * (a.position() - before) / Math.max(done, 1e-9);
                latency.add(Math.max(0, reached - a.time()) + serviceSeconds + writeMicros / 1e6, a.records());
            }
            hostCpu += done * onHost / calibration.hostCoreBytesPerSecond();
            deviceWork += done * onDevice;
            watts = platform.ioWatts() + platform.computeWatts() * done * onDevice / (deviceRate * STEP);
            temperature = thermal.step(temperature, watts, STEP);
            throttle = thermal.throttle(throttle, temperature);
            maxTemperature = Math.max(maxTemperature, temperature);
            light += throttle == ThermalModel.Throttle.LIGHT ? STEP : 0;
            heavy += throttle == ThermalModel.Throttle.HEAVY ? STEP : 0;
        }
        long unfinished = 0;
        for (Arrivals a : waiting) {
            latency.add(workload.seconds() - a.time(), a.records());
            unfinished += a.records();
        }
        return new SimReport(policy.name(), workload.seconds(), served / workload.seconds(), servedLate / (workload.seconds() - lateFrom),
                latency.quantile(0.50), latency.quantile(0.99), latency.quantile(0.999), records, unfinished, migrations, hostCpu, maxTemperature,
                light, heavy, served > 0 ? deviceWork / served : 0);
    }

    /** Knuth's method, in slices small enough that e^-λ stays representable. */
    static long poisson(Random random, double lambda) {
        long n = 0;
        for (double left = lambda; left > 0; left -= 500) {
            double l = Math.exp(-Math.min(left, 500));
            double p = random.nextDouble();
            while (p > l) {
                n++;
                p *= random.nextDouble();
            }
        }
        return n;
    }
}
