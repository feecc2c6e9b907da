package io.keelson.acrfence.core.fence;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/** The key the fence makes idempotency keys with: made once, kept beside the journal, readable by its owner alone. */
public final class FenceKey {

    private FenceKey() {
    }

    public static byte[] loadOrCreate(Path dir) {
        Path file = dir.resolve("fence.key");
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(dir);
                byte[] key = new byte[32];
                new SecureRandom().nextBytes(key);
                Path tmp = Files.createTempFile(dir, "fence", ".key", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.write(tmp, key);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the fence key " + file + ": " + e.getMessage(), e);
        }
    }
}
