package io.keelson.sysom.core.trace;

import io.keelson.pprof.Function;
import io.keelson.pprof.Line;
import io.keelson.pprof.Location;
import io.keelson.pprof.Profile;
import io.keelson.pprof.Sample;
import io.keelson.pprof.ValueType;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * pprof's {@code profile.proto} (gzipped or not) to and from folded stacks ({@code root;...;leaf → value}). Reading
 * takes one sample type (the default one unless named); inlined frames are kept as frames of their own, callers
 * first. Writing makes one function and one location per distinct frame name, so `pprof` and Speedscope open it.
 */
public final class Pprof {

    /** A profile's stacks for one sample type, and what that type was. */
    public record Folded(String sampleType, String unit, Map<String, Long> stacks) {
    }

    private Pprof() {
    }

    /**
     * @param sampleType the sample type to read ({@code cpu}, {@code samples}, ...); empty: the profile's default, else its last
     */
    public static Folded read(InputStream raw, String sampleType) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        Profile p = Profile.parseFrom(b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(in) : in);
        List<String> strings = p.getStringTableList();
        if (p.getSampleTypeCount() == 0) {
            throw new IOException("not a pprof profile: it declares no sample type");
        }
        int index = p.getSampleTypeCount() - 1;
        if (!sampleType.isEmpty()) {
            index = -1;
            for (int i = 0; i < p.getSampleTypeCount(); i++) {
                if (string(strings, p.getSampleType(i).getType()).equals(sampleType)) {
                    index = i;
                }
            }
            if (index < 0) {
                throw new IOException("the profile has no sample type '" + sampleType + "'");
            }
        } else if (p.getDefaultSampleType() != 0) {
            for (int i = 0; i < p.getSampleTypeCount(); i++) {
                if (p.getSampleType(i).getType() == p.getDefaultSampleType()) {
                    index = i;
                }
            }
        }
        Map<Long, String> functions = new HashMap<>();
        p.getFunctionList().forEach(f -> functions.put(f.getId(), string(strings, f.getName())));
        Map<Long, List<String>> locations = new HashMap<>(); // frames of a location, caller first
        for (Location l : p.getLocationList()) {
            List<String> frames = new ArrayList<>();
            for (int i = l.getLineCount() - 1; i >= 0; i--) {
                frames.add(functions.getOrDefault(l.getLine(i).getFunctionId(), "?"));
            }
            if (frames.isEmpty()) {
                frames.add(String.format("0x%x", l.getAddress()));
            }
            locations.put(l.getId(), frames);
        }
        Map<String, Long> stacks = new TreeMap<>();
        for (Sample s : p.getSampleList()) {
            if (s.getValueCount() <= index || s.getValue(index) == 0) {
                continue;
            }
            StringBuilder stack = new StringBuilder();
            for (int i = s.getLocationIdCount() - 1; i >= 0; i--) { // location_id is leaf first
                for (String frame : locations.getOrDefault(s.getLocationId(i), List.of("?"))) {
                    if (stack.length() > 0) {
                        stack.append(';');
                    }
                    stack.append(frame);
                }
            }
            stacks.merge(stack.toString(), s.getValue(index), Long::sum);
        }
        ValueType type = p.getSampleType(index);
        return new Folded(string(strings, type.getType()), string(strings, type.getUnit()), stacks);
    }

    /** Folded stacks as a gzipped profile with one sample type. */
    public static byte[] write(Map<String, Long> stacks, String sampleType, String unit, long durationNanos) {
        List<String> strings = new ArrayList<>(List.of(""));
        Map<String, Long> index = new HashMap<>();
        index.put("", 0L);
        java.util.function.Function<String, Long> string = s -> index.computeIfAbsent(s, k -> {
            strings.add(k);
            return (long) strings.size() - 1;
        });
        Profile.Builder p = Profile.newBuilder().addSampleType(ValueType.newBuilder().setType(string.apply(sampleType))
                .setUnit(string.apply(unit))).setDurationNanos(durationNanos).setTimeNanos(System.currentTimeMillis() * 1_000_000L);
        Map<String, Long> frameIds = new HashMap<>();
        stacks.forEach((stack, value) -> {
            Sample.Builder sample = Sample.newBuilder().addValue(value);
            String[] frames = stack.split(";");
            for (int i = frames.length - 1; i >= 0; i--) { // leaf first
                String frame = frames[i];
                long id = frameIds.computeIfAbsent(frame, f -> {
                    long fid = frameIds.size() + 1L;
                    p.addFunction(Function.newBuilder().setId(fid).setName(string.apply(f)).setSystemName(string.apply(f)));
                    p.addLocation(Location.newBuilder().setId(fid).addLine(Line.newBuilder().setFunctionId(fid)));
                    return fid;
                });
                sample.addLocationId(id);
            }
            p.addSample(sample);
        });
        p.addAllStringTable(strings);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            p.build().writeTo(gz);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String string(List<String> table, long index) {
        return index >= 0 && index < table.size() ? table.get((int) index) : "";
    }
}
