package io.keelson.sysom.core.trace;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.keelson.sysom.core.timeline.RankStep;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.TreeSet;

/**
 * Steps as a Chrome Trace Event file, to open in Perfetto or chrome://tracing: one process per rank, a "steps" track
 * with each step's span (its busy, compute and copy time as arguments) and a track per communicator with the
 * rank's collectives; a collective that never completed is left open ({@code "B"} without an end), as a hang is.
 */
public final class ChromeTrace {

    private static final JsonFactory JSON = new JsonFactory();

    private ChromeTrace() {
    }

    public static byte[] write(List<List<RankStep>> steps) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("displayTimeUnit", "ms");
            g.writeArrayFieldStart("traceEvents");
            TreeSet<Integer> ranks = new TreeSet<>();
            steps.forEach(step -> step.forEach(s -> ranks.add(s.rank())));
            for (int rank : ranks) {
                g.writeStartObject();
                g.writeStringField("ph", "M");
                g.writeStringField("name", "process_name");
                g.writeNumberField("pid", rank);
                g.writeObjectFieldStart("args");
                g.writeStringField("name", "rank " + rank);
                g.writeEndObject();
                g.writeEndObject();
            }
            for (List<RankStep> step : steps) {
                for (RankStep s : step) {
                    if (s.completed()) {
                        span(g, "step " + s.step(), "step", s.rank(), "steps", s.startMicros(), s.endMicros() - s.startMicros());
                        g.writeObjectFieldStart("args");
                        g.writeNumberField("busy_us", s.busyMicros());
                        g.writeNumberField("compute_us", s.computeMicros());
                        g.writeNumberField("memcpy_us", s.memcpyMicros());
                        g.writeEndObject();
                        g.writeEndObject();
                    }
                    for (NcclEvent e : s.collectives()) {
                        String name = e.collective() + " " + e.communicator() + " #" + e.sequence();
                        if (e.completed()) {
                            span(g, name, "nccl", s.rank(), e.communicator(), e.startMicros(), e.durationMicros());
                        } else {
                            g.writeStartObject();
                            g.writeStringField("ph", "B");
                            g.writeStringField("name", name + " (never completed)");
                            g.writeStringField("cat", "nccl");
                            g.writeNumberField("pid", s.rank());
                            g.writeStringField("tid", e.communicator());
                            g.writeNumberField("ts", e.startMicros());
                        }
                        g.writeObjectFieldStart("args");
                        g.writeNumberField("bytes", e.bytes());
                        g.writeNumberField("peer", e.peer());
                        g.writeNumberField("send_us", e.sendMicros());
                        g.writeEndObject();
                        g.writeEndObject();
                    }
                }
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Opens a complete event; the caller adds its arguments and closes it. */
    private static void span(JsonGenerator g, String name, String category, int pid, String tid, double ts, double dur) throws IOException {
        g.writeStartObject();
        g.writeStringField("ph", "X");
        g.writeStringField("name", name);
        g.writeStringField("cat", category);
        g.writeNumberField("pid", pid);
        g.writeStringField("tid", tid);
        g.writeNumberField("ts", ts);
        g.writeNumberField("dur", dur);
    }
}
