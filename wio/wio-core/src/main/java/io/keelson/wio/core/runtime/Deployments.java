package io.keelson.wio.core.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * What is deployed on which slot of the region file, so a restarted service reattaches the actors to the state they
 * left there: one line per actor, rewritten whole through a synced temporary file and an atomic rename (a crash
 * mid-write leaves the previous list). The first line records the region's layout, which must not change under it.
 */
final class Deployments {

    /** One deployment: a bundled actor by name, or a module of one's own kept beside the list ({@code modules/NAME.wasm}). */
    record Entry(String name, int slot, Optional<String> bundled, boolean interpreted, long callLimitMillis, Optional<byte[]> config) {
    }

    private final Path file;
    private final Path modules;

    Deployments(Path dir) {
        this.file = dir.resolve("deployments");
        this.modules = dir.resolve("modules");
    }

    Path module(String name) {
        return modules.resolve(name + ".wasm");
    }

    /** The layout line and the entries; empty when nothing was ever deployed. */
    Optional<String> layout() {
        return read().stream().findFirst();
    }

    List<Entry> entries() {
        List<String> lines = read();
        List<Entry> out = new ArrayList<>();
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] f = line.split(" ", -1);
            out.add(new Entry(f[0], Integer.parseInt(f[1]), f[2].equals("-") ? Optional.empty() : Optional.of(f[2]), Boolean.parseBoolean(f[3]),
                    Long.parseLong(f[4]), f[5].isEmpty() ? Optional.empty() : Optional.of(Base64.getDecoder().decode(f[5]))));
        }
        return out;
    }

    void write(String layout, List<Entry> entries, Optional<byte[]> newModule, String newModuleName) {
        try {
            Files.createDirectories(modules);
            if (newModule.isPresent()) {
                synced(module(newModuleName), newModule.get());
            }
            StringBuilder text = new StringBuilder(layout).append('\n');
            for (Entry e : entries) {
                text.append(e.name()).append(' ').append(e.slot()).append(' ').append(e.bundled().orElse("-")).append(' ').append(e.interpreted())
                        .append(' ').append(e.callLimitMillis()).append(' ').append(e.config().map(c -> Base64.getEncoder().encodeToString(c)).orElse(""))
                        .append('\n');
            }
            synced(file, text.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the deployment in " + file + ": " + e.getMessage(), e);
        }
    }

    private static void synced(Path target, byte[] bytes) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            c.write(java.nio.ByteBuffer.wrap(bytes));
            c.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private List<String> read() {
        try {
            return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isEmpty()).toList() : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
