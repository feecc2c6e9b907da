package io.keelson.sysom.core.diagnosis;

/** One number a layer used: the suspect's value of a metric, its peers' median, and what it says. */
public record Evidence(Layer layer, String metric, double value, double peerMedian, String reading) {

    @Override
    public String toString() {
        return layer.name().substring(0, 2) + " " + metric + " " + format(value) + " vs peers " + format(peerMedian) + ": " + reading;
    }

    private static String format(double v) {
        return Math.abs(v) >= 100 ? String.format("%.0f", v) : String.format("%.3g", v);
    }
}
