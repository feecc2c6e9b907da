package io.keelson.acrfence.core.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.erdtman.jcs.JsonCanonicalizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * RFC 8785 (JCS) canonical JSON: sorted keys, no whitespace, ECMAScript number and string forms, so equal JSON
 * values give equal bytes whatever their spelling, and hashes over them are stable.
 */
public final class CanonicalJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private CanonicalJson() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Parses a JSON text; the error names the position. */
    public static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage() + " at " + e.getLocation().offsetDescription(), e);
        }
    }

    /** The canonical UTF-8 bytes of an object or array. */
    public static byte[] bytes(JsonNode value) {
        try {
            return new JsonCanonicalizer(MAPPER.writeValueAsString(value)).getEncodedUTF8();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot canonicalise JSON: " + e.getMessage(), e);
        }
    }

    public static String text(JsonNode value) {
        return new String(bytes(value), StandardCharsets.UTF_8);
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
