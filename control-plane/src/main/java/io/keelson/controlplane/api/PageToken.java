package io.keelson.controlplane.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Opaque page tokens: base64url of {@code <kind>:<position>}. The kind stops a token of one list
 * from being replayed against another.
 */
final class PageToken {

    private PageToken() {
    }

    static String encode(String kind, String position) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((kind + ":" + position).getBytes(StandardCharsets.UTF_8));
    }

    /** The position inside {@code token}; empty when the token is malformed or of another kind. */
    static Optional<String> decode(String kind, String token) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            return raw.startsWith(kind + ":") ? Optional.of(raw.substring(kind.length() + 1)) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
