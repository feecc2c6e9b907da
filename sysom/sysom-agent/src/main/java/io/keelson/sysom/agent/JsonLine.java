package io.keelson.sysom.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** One line of the agent's JSON output, its keys in the order given (paths and reasons escaped as JSON needs). */
final class JsonLine {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonLine() {
    }

    static String of(Object... keysAndValues) {
        Map<String, Object> line = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            line.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        try {
            return JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
