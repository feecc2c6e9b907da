package io.keelson.sysom.core.trace;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonEOFException;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * Streams a PyTorch-profiler (Kineto) trace in Chrome Trace Event JSON, plain or gzip (told apart by the magic
 * bytes), without building the document: each event goes to the sink as it is read, so a multi-GB trace costs
 * one event of memory. An event without a phase or a start, or with fields of the wrong type, is counted under its
 * reason and skipped; a file that ends early keeps what was read and says so.
 */
public final class KinetoReader {

    // ts and dur are doubles in every event: Jackson's bundled fast (and correctly rounded) double parser, +7 % events/s
    private static final JsonFactory JSON = JsonFactory.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();

    public TraceInfo read(Path file, Consumer<TraceEvent> sink) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, sink);
        }
    }

    public TraceInfo read(InputStream raw, Consumer<TraceEvent> sink) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        Counted counted = new Counted(b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(in, 1 << 16) : in);
        InputStream body = counted;
        ReadReport report = new ReadReport();
        OptionalInt rank = OptionalInt.empty();
        OptionalInt worldSize = OptionalInt.empty();
        Optional<String> backend = Optional.empty();
        OptionalLong base = OptionalLong.empty();
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a Chrome trace: the top level is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("traceEvents") && value == JsonToken.START_ARRAY) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        event(p, report).ifPresent(sink);
                    }
                } else if (field.equals("distributedInfo") && value == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String key = p.currentName();
                        JsonToken v = p.nextToken();
                        if (key.equals("rank") && v == JsonToken.VALUE_NUMBER_INT) {
                            rank = OptionalInt.of(p.getIntValue());
                        } else if (key.equals("world_size") && v == JsonToken.VALUE_NUMBER_INT) {
                            worldSize = OptionalInt.of(p.getIntValue());
                        } else if (key.equals("backend") && v == JsonToken.VALUE_STRING) {
                            backend = Optional.of(p.getText());
                        } else {
                            p.skipChildren();
                        }
                    }
                } else if (field.equals("baseTimeNanoseconds") && value.isNumeric()) {
                    base = OptionalLong.of(p.getLongValue());
                } else {
                    p.skipChildren();
                }
            }
        } catch (JsonEOFException e) {
            report.truncated(e.getLocation() == null ? -1 : e.getLocation().getByteOffset());
        } catch (JsonParseException e) { // garbage after a cut: what came before stands
            report.truncated(e.getLocation() == null ? -1 : e.getLocation().getByteOffset());
        } catch (EOFException e) { // a gzip stream cut short
            report.truncated(counted.count());
        }
        return new TraceInfo(rank, worldSize, backend, base, report);
    }

    /** One event object (the parser is on its START_OBJECT); empty, counted, when it cannot be used. */
    private static Optional<TraceEvent> event(JsonParser p, ReadReport report) throws IOException {
        String name = "";
        String cat = "";
        String ph = null;
        double ts = Double.NaN;
        double dur = 0;
        String pid = "";
        String tid = "";
        Map<String, String> args = Map.of();
        String bad = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "name" -> name = v == JsonToken.VALUE_STRING ? p.getText() : name;
                case "cat" -> cat = v == JsonToken.VALUE_STRING ? p.getText() : cat;
                case "ph" -> ph = v == JsonToken.VALUE_STRING ? p.getText() : null;
                case "ts" -> {
                    if (v.isNumeric()) {
                        ts = p.getDoubleValue();
                    } else if (v == JsonToken.VALUE_STRING) {
                        try {
                            ts = Double.parseDouble(p.getText());
                        } catch (NumberFormatException e) {
                            bad = "ts not a number";
                        }
                    } else {
                        bad = "ts not a number";
                    }
                }
                case "dur" -> {
                    if (v.isNumeric()) {
                        dur = p.getDoubleValue();
                    } else {
                        bad = "dur not a number";
                    }
                }
                case "pid" -> pid = v.isScalarValue() ? p.getText() : pid;
                case "tid" -> tid = v.isScalarValue() ? p.getText() : tid;
                case "args" -> args = v == JsonToken.START_OBJECT ? args(p) : args;
                default -> p.skipChildren();
            }
        }
        if (ph == null || ph.isEmpty()) {
            bad = "no phase";
        } else if (Double.isNaN(ts) && !ph.equals("M")) {
            bad = bad == null ? "no start time" : bad;
        } else if (dur < 0) {
            bad = "negative duration";
        }
        if (bad != null) {
            report.skipped(bad);
            return Optional.empty();
        }
        report.kept();
        return Optional.of(new TraceEvent(name, cat, ph.charAt(0), Double.isNaN(ts) ? 0 : ts, dur, pid, tid, args));
    }

    /** The scalar arguments of an event (nested objects and arrays are skipped: traces repeat them per event). */
    private static Map<String, String> args(JsonParser p) throws IOException {
        Map<String, String> args = new HashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken v = p.nextToken();
            if (v.isScalarValue() && v != JsonToken.VALUE_NULL) {
                args.put(key, p.getText());
            } else {
                p.skipChildren();
            }
        }
        return args;
    }

    /** Counts the (decompressed) bytes handed to the parser, so a gzip stream cut short says where. */
    private static final class Counted extends FilterInputStream {
        private long count;

        Counted(InputStream in) {
            super(in);
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
