package io.keelson.agentcgroup.core.trace;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes as container tools print them: {@code 185.5MB}, {@code 1.2GiB}, {@code 512kB}, {@code 0B}.
 * Decimal units (kB, MB, GB, TB; docker's "MB" is 10^6 bytes) and binary ones (KiB, MiB, GiB, TiB).
 */
public final class ByteSize {

    private static final Pattern SIZE = Pattern.compile("\\s*([0-9]+(?:\\.[0-9]+)?)\\s*([KkMGT]?i?B)\\s*");

    private ByteSize() {
    }

    /** Bytes, or {@link TraceFormatException} naming what is wrong with {@code text}. */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) {
            throw new TraceFormatException("not a size: '" + text + "'");
        }
        double value = Double.parseDouble(m.group(1));
        String unit = m.group(2);
        double factor = switch (unit.toUpperCase(Locale.ROOT)) {
            case "B" -> 1;
            case "KB" -> 1e3;
            case "MB" -> 1e6;
            case "GB" -> 1e9;
            case "TB" -> 1e12;
            case "KIB" -> 1024;
            case "MIB" -> 1024 * 1024;
            case "GIB" -> 1024.0 * 1024 * 1024;
            case "TIB" -> 1024.0 * 1024 * 1024 * 1024;
            default -> throw new TraceFormatException("unknown unit '" + unit + "' in '" + text + "'");
        };
        return Math.round(value * factor);
    }
}
