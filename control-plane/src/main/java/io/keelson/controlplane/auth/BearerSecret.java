package io.keelson.controlplane.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The bearer string handed to a user once: {@code kt_<id>_<secret>}. The id locates the stored
 * token; the secret is checked against its SHA-256. A plain hash suffices because the secret is
 * 256 random bits: there is nothing to brute-force that a slow hash would protect.
 */
public record BearerSecret(String tokenId, String secret) {

    private static final String PREFIX = "kt_";
    private static final Pattern ID = Pattern.compile("[a-z2-7]{16}");
    private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    public static BearerSecret generate(SecureRandom random) {
        var id = new StringBuilder(16);
        for (int i = 0; i < 16; i++) {
            id.append(BASE32[random.nextInt(BASE32.length)]);
        }
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        return new BearerSecret(id.toString(), Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
    }

    /** Parses a bearer string; empty when it is not of the Keelson form. */
    public static Optional<BearerSecret> parse(String bearer) {
        if (bearer == null || !bearer.startsWith(PREFIX) || bearer.length() != PREFIX.length() + 16 + 1 + 43) {
            return Optional.empty();
        }
        String id = bearer.substring(PREFIX.length(), PREFIX.length() + 16);
        String secret = bearer.substring(PREFIX.length() + 17);
        if (bearer.charAt(PREFIX.length() + 16) != '_' || !ID.matcher(id).matches() || !SECRET.matcher(secret).matches()) {
            return Optional.empty();
        }
        return Optional.of(new BearerSecret(id, secret));
    }

    public static boolean isTokenId(String id) {
        return id != null && ID.matcher(id).matches();
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
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    @Override
    public String toString() {
        return "BearerSecret[" + tokenId + ", secret hidden]";
    }
}
