package io.keelson.wio.core.actor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** The storage actors Keelson ships, built from {@code wio/actors/*.c} (see its build.sh). */
public final class Actors {

    public static final String CRC32C = "crc32c";
    public static final String LZ = "lz";
    public static final String LOGFMT = "logfmt";
    public static final String FILTER = "filter";
    public static final List<String> BUNDLED = List.of(CRC32C, LZ, LOGFMT, FILTER);

    private Actors() {
    }

    /** The bundled module's bytes. */
    public static byte[] wasm(String name) {
        if (!BUNDLED.contains(name)) {
            throw new IllegalArgumentException("actor: one of " + BUNDLED + ", was '" + name + "'");
        }
        try (InputStream in = Actors.class.getResourceAsStream("/io/keelson/wio/actors/" + name + ".wasm")) {
            if (in == null) {
                throw new IllegalStateException("the bundled actor " + name + ".wasm is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ActorModule load(String name, ActorModule.Execution execution) {
        return ActorModule.load(name, wasm(name), execution);
    }
}
