package io.keelson.agentcgroup.core.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalLong;

/** Reads and writes of cgroup interface files, with errors that name the file. */
final class CgroupFiles {

    private CgroupFiles() {
    }

    static void write(Path file, String value) {
        try {
            Files.writeString(file, value);
        } catch (IOException e) {
            throw new CgroupException("cannot write '" + value + "' to " + file + ": " + e.getMessage(), e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new CgroupException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static long readLong(Path file) {
        String text = read(file);
        return text.equals("max") ? Long.MAX_VALUE : Long.parseLong(text);
    }

    /** The value of {@code key} in a flat keyed file ({@code memory.events}, {@code cpu.stat}, {@code oom_control}). */
    static OptionalLong keyed(Path file, String key) {
        if (!Files.exists(file)) {
            return OptionalLong.empty();
        }
        for (String line : read(file).split("\n")) {
            String[] kv = line.trim().split("\\s+");
            if (kv.length == 2 && kv[0].equals(key)) {
                return OptionalLong.of(Long.parseLong(kv[1]));
            }
        }
        return OptionalLong.empty();
    }

    /** Removes an empty cgroup directory; a group already gone is fine. */
    static void rmdir(Path dir) {
        try {
            Files.deleteIfExists(dir);
        } catch (NoSuchFileException e) {
            // raced with another remover: gone either way
        } catch (IOException e) {
            throw new CgroupException("cannot remove cgroup " + dir + ": " + e.getMessage(), e);
        }
    }
}
