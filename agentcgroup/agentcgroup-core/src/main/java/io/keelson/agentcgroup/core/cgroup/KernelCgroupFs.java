package io.keelson.agentcgroup.core.cgroup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The host kernel's cgroupfs: plain file operations, which the kernel turns into control. */
public final class KernelCgroupFs implements CgroupFs {

    public static final KernelCgroupFs INSTANCE = new KernelCgroupFs();

    private KernelCgroupFs() {
    }

    @Override
    public void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new CgroupException("cannot create cgroup " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void rmdir(Path dir) {
        try {
            Files.deleteIfExists(dir);
        } catch (NoSuchFileException e) {
            // raced with another remover: gone either way
        } catch (IOException e) {
            throw new CgroupException("cannot remove cgroup " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String read(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new CgroupException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void write(Path file, String value) {
        try {
            Files.writeString(file, value);
        } catch (IOException e) {
            throw new CgroupException("cannot write '" + value + "' to " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean exists(Path fileOrGroup) {
        return Files.exists(fileOrGroup);
    }

    @Override
    public List<Path> subtree(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.walk(dir)) {
            return dirs.filter(Files::isDirectory).sorted(Comparator.comparingInt(Path::getNameCount).reversed()).toList();
        } catch (IOException | UncheckedIOException e) {
            throw new CgroupException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }
}
