package io.keelson.agentcgroup.core.cgroup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
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

    /** The group and every group below it, deepest first; a group removed while it is listed (a call ending) is left out. */
    @Override
    public List<Path> subtree(Path dir) {
        List<Path> groups = new ArrayList<>();
        collect(dir, groups);
        groups.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        return groups;
    }

    private static void collect(Path dir, List<Path> into) {
        List<Path> children;
        try (Stream<Path> listing = Files.list(dir)) {
            children = listing.filter(Files::isDirectory).toList();
        } catch (NoSuchFileException | NotDirectoryException gone) {
            return;
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof NoSuchFileException) {
                return;
            }
            throw new CgroupException("cannot list " + dir + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new CgroupException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        into.add(dir);
        children.forEach(child -> collect(child, into));
    }
}
