package io.keelson.sysom.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The operator token the node agent sends with. From a file it is read again whenever asked, so a Secret created or
 * rotated after the agent started (the kubelet updates the mounted file) is taken up without a restart; while the
 * file is missing or empty the agent waits, saying so once.
 */
final class TokenSource {

    private final Optional<Path> file;
    private final String fixed;
    private final Consumer<String> out;
    private String current = "";
    private boolean toldWaiting;

    private TokenSource(Optional<Path> file, String fixed, Consumer<String> out) {
        this.file = file;
        this.fixed = fixed;
        this.out = out;
    }

    static TokenSource file(Path file, Consumer<String> out) {
        return new TokenSource(Optional.of(file), "", out);
    }

    static TokenSource fixed(String token) {
        return new TokenSource(Optional.empty(), token, line -> { });
    }

    /** The token, when it is there and not the one returned before. */
    Optional<String> changed() throws IOException {
        String token = fixed;
        if (file.isPresent()) {
            try {
                token = Files.readString(file.get()).strip();
            } catch (NoSuchFileException e) {
                token = "";
            }
        }
        if (token.isEmpty()) {
            if (!toldWaiting) {
                out.accept(JsonLine.of("waiting_for_token", file.map(Path::toString).orElse("KEELSON_TOKEN")));
                toldWaiting = true;
            }
            return Optional.empty();
        }
        toldWaiting = false;
        if (token.equals(current)) {
            return Optional.empty();
        }
        current = token;
        return Optional.of(token);
    }
}
