package io.keelson.sysom.core.xfault;

import io.keelson.sysom.core.trace.KinetoReader;
import io.keelson.sysom.core.trace.TraceEvent;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The GPU work of one training step taken from a real trace: its compute kernels' durations in order, split into
 * layers. XFault replays these (jittered per rank and step) as its background, so the simulated job has a real
 * model's kernel mix rather than uniform kernels.
 */
public record KernelProfile(String source, double[][] layerKernelMicros) {

    /** Reads the compute kernels (not communication) of a Kineto trace and splits them into {@code layers}. */
    public static KernelProfile fromTrace(Path trace, int layers) throws IOException {
        List<Double> kernels = new ArrayList<>();
        new KinetoReader().read(trace, (TraceEvent e) -> {
            if (e.category().equals("kernel") && !e.communication() && e.durMicros() > 0) {
                kernels.add(e.durMicros());
            }
        });
        if (kernels.size() < layers) {
            throw new IllegalArgumentException(trace + " has " + kernels.size() + " compute kernels, fewer than " + layers + " layers");
        }
        double[][] split = new double[layers][];
        int per = kernels.size() / layers;
        for (int l = 0; l < layers; l++) {
            int from = l * per;
            int to = l == layers - 1 ? kernels.size() : from + per;
            split[l] = kernels.subList(from, to).stream().mapToDouble(Double::doubleValue).toArray();
        }
        return new KernelProfile(trace.getFileName().toString(), split);
    }

    public int layers() {
        return layerKernelMicros.length;
    }

    public double computeMicros() {
        double sum = 0;
        for (double[] layer : layerKernelMicros) {
            for (double k : layer) {
                sum += k;
            }
        }
        return sum;
    }
}
