package io.keelson.controlplane.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/operations.md documents every key KeelsonConfig declares, so the reference cannot drift from the code. */
class ConfigDocsTest {

    @Test
    void everyDeclaredKeyIsDocumented() throws IOException {
        String docs = Files.readString(Path.of("../docs/operations.md"));
        List<String> keys = keysOf(KeelsonConfig.class, "keelson");

        assertThat(keys).contains("keelson.home", "keelson.gateway.port", "keelson.systems.<sys>.address");
        for (String key : keys) {
            String lastSegment = key.substring(key.lastIndexOf('.') + 1);
            assertThat(docs).as("docs/operations.md documents " + key).containsAnyOf("`" + key + "`", "`" + lastSegment + "`");
        }
    }

    /** The keys SmallRye derives from a mapping interface: kebab-case method names, nested groups, map keys. */
    private static List<String> keysOf(Class<?> mapping, String prefix) {
        List<String> keys = new ArrayList<>();
        for (Method m : mapping.getDeclaredMethods()) {
            if (m.isDefault() || m.isSynthetic()) {
                continue;
            }
            String key = prefix + "." + kebab(m.getName());
            Class<?> type = m.getReturnType();
            if (Map.class.isAssignableFrom(type)) {
                Class<?> value = (Class<?>) ((ParameterizedType) m.getGenericReturnType()).getActualTypeArguments()[1];
                keys.addAll(keysOf(value, key + ".<sys>"));
            } else if (type.isInterface() && type.getEnclosingClass() == KeelsonConfig.class) {
                keys.addAll(keysOf(type, key));
            } else {
                keys.add(key);
            }
        }
        return keys;
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase();
    }
}
