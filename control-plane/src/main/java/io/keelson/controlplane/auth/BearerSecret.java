package io.keelson.controlplane.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The bearer string handed to a user once: {@code kt_<id>_<secret>}. The id locates the stored
 * token; the secret is checked against its SHA-256. A plain hash suffices because the secret is
 * 256 random bits: there is nothing to brute-force that a slow hash would protect.
 */
public record BearerSecret(String tokenId, String secret) {

    private static final String PREFIX = "kt_";
    private static final int ID_LENGTH = 16;
    private static final int SECRET_LENGTH = 43;
    // Checked on every call, so by hand rather than with a regex.
    private static final String ID_CHARS = "abcdefghijklmnopqrstuvwxyz234567";
    private static final String SECRET_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    });

    public static BearerSecret generate(SecureRandom random) {
        var id = new StringBuilder(ID_LENGTH);
        for (int i = 0; i < ID_LENGTH; i++) {
            id.append(ID_CHARS.charAt(random.nextInt(ID_CHARS.length())));
        }
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        return new BearerSecret(id.toString(), Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
    }

    /** Parses a bearer string; empty when it is not of the Keelson form. */
    public static Optional<BearerSecret> parse(String bearer) {
        int idStart = PREFIX.length();
        int secretStart = idStart + ID_LENGTH + 1;
        if (bearer == null || bearer.length() != secretStart + SECRET_LENGTH || !bearer.startsWith(PREFIX)
                || bearer.charAt(secretStart - 1) != '_'
                || !allIn(bearer, idStart, secretStart - 1, ID_CHARS) || !allIn(bearer, secretStart, bearer.length(), SECRET_CHARS)) {
            return Optional.empty();
        }
        return Optional.of(new BearerSecret(bearer.substring(idStart, secretStart - 1), bearer.substring(secretStart)));
    }

    public static boolean isTokenId(String id) {
        return id != null && id.length() == ID_LENGTH && allIn(id, 0, ID_LENGTH, ID_CHARS);
    }

    private static boolean allIn(String s, int from, int to, String alphabet) {
        for (int i = from; i < to; i++) {
            if (alphabet.indexOf(s.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    public String bearer() {
        return PREFIX + tokenId + "_" + secret;
    }

    public String hash() {
        return HexFormat.of().formatHex(sha256(secret));
    }

    /** Constant-time comparison against a stored hash. */
    public boolean matches(String storedHash) {
        return MessageDigest.isEqual(hash().getBytes(StandardCharsets.US_ASCII), storedHash.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] sha256(String value) {
        return SHA_256.get().digest(value.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public String toString() {
        return "BearerSecret[" + tokenId + ", secret hidden]";
    }
}
