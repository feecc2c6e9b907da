package io.keelson.controlplane.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes the bootstrap admin token where only its owner can read it (mode 0600), atomically. */
final class AdminTokenFile {

    static final String NAME = "admin-token";

    private AdminTokenFile() {
    }

    static Path write(Path home, String bearer) {
        try {
            Files.createDirectories(home);
            Path tmp = Files.createTempFile(home, NAME, ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, bearer + "\n", StandardCharsets.US_ASCII);
            Path target = home.resolve(NAME);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the admin token under " + home, e);
        }
    }
}
