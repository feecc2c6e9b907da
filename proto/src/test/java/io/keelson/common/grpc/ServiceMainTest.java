package io.keelson.common.grpc;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceMainTest {

    @Test
    void theHealthPortIsOptionalAndABadOneIsRefusedNamingIt() {
        assertThat(ServiceMain.healthPort(Map.of())).isEmpty();
        assertThat(ServiceMain.healthPort(Map.of("KEELSON_HEALTH_PORT", "8081"))).isEqualTo(OptionalInt.of(8081));
        assertThatThrownBy(() -> ServiceMain.healthPort(Map.of("KEELSON_HEALTH_PORT", "http")))
                .hasMessageContaining("KEELSON_HEALTH_PORT").hasMessageContaining("'http'");
        assertThatThrownBy(() -> ServiceMain.healthPort(Map.of("KEELSON_HEALTH_PORT", "70000"))).hasMessageContaining("KEELSON_HEALTH_PORT");
    }
}
