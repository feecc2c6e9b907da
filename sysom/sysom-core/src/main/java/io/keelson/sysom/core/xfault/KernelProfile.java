package io.keelson.sysom.core.xfault;

import io.keelson.sysom.core.trace.KinetoReader;
import io.keelson.sysom.core.trace.TraceEvent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The GPU work of one training step taken from a real trace: its compute kernels' durations in order, split into
 * layers. XFault replays these (jittered per rank and step) as its background, so the simulated job has a real
 * model's kernel mix rather than uniform kernels.
 */
public record KernelProfile(String source, double[][] layerKernelMicros) {

    /** The bundled profile: HTA's AlexNet training step (MIT licence beside the resource), in 8 layers. */
    public static KernelProfile bundled() {
        try (InputStream in = KernelProfile.class.getResourceAsStream("alexnet_trace.json.gz")) {
            if (in == null) {
                throw new IllegalStateException("alexnet_trace.json.gz is missing from the sysom-core jar");
            }
            return from("alexnet_trace.json.gz", in, 8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the compute kernels (not communication) of a Kineto trace and splits them into {@code layers}. */
    public static KernelProfile fromTrace(Path trace, int layers) throws IOException {
        try (InputStream in = Files.newInputStream(trace)) {
            return from(trace.getFileName().toString(), in, layers);
        }
    }

    private static KernelProfile from(String source, InputStream trace, int layers) throws IOException {
        List<Double> kernels = new ArrayList<>();
        new KinetoReader().read(trace, (TraceEvent e) -> {
            if (e.category().equals("kernel") && !e.communication() && e.durMicros() > 0) {
                kernels.add(e.durMicros());
            }
        });
        if (kernels.size() < layers) {
            throw new IllegalArgumentException(source + " has " + kernels.size() + " compute kernels, fewer than " + layers + " layers");
        }
        double[][] split = new double[layers][];
        int per = kernels.size() / layers;
        for (int l = 0; l < layers; l++) {
            int from = l * per;
            int to = l == layers - 1 ? kernels.size() : from + per;
            split[l] = kernels.subList(from, to).stream().mapToDouble(Double::doubleValue).toArray();
        }
        return new KernelProfile(source, split);
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
