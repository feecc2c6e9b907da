package io.keelson.agentcgroup.core.sandbox;

import org.junit.jupiter.api.Test;

import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResourceHintTest {

    @Test
    void readsAgentCgroupsHints() {
        assertThat(ResourceHint.memoryLimit("memory:low", "h")).isEqualTo(OptionalLong.of(256L << 20));
        assertThat(ResourceHint.memoryLimit(" Memory:High ", "h")).isEmpty();
        assertThat(ResourceHint.memoryLimit("memory:2g", "h")).isEqualTo(OptionalLong.of(2L << 30));
        assertThat(ResourceHint.memoryLimit("memory:1.5g", "h")).isEqualTo(OptionalLong.of(3L << 29));
        assertThat(ResourceHint.memoryLimit("memory:512m", "h")).isEqualTo(OptionalLong.of(512L << 20));
        for (String bad : new String[]{"memory:", "memory:2t", "cpu:high", "memory:-1g", "memory:9999999g"}) {
            assertThatThrownBy(() -> ResourceHint.memoryLimit(bad, "resource_hint")).isInstanceOfSatisfying(SandboxException.class,
                    e -> assertThat(e.field()).isEqualTo("resource_hint"));
        }
    }

    @Test
    void commandsResolveOnlyToAllowedProgramsOnTheOperatorsPath() {
        CommandPolicy policy = new CommandPolicy(java.util.Set.of("sh", "nonexistent-tool"), CommandPolicy.DEFAULT_SEARCH_PATH);
        assertThat(policy.resolve(java.util.List.of("sh", "-c", "true"))).isInstanceOfSatisfying(CommandPolicy.Resolution.Allowed.class,
                a -> assertThat(a.argv().get(0)).endsWith("/sh").startsWith("/"));
        assertThat(policy.resolve(java.util.List.of("../sh"))).isInstanceOf(CommandPolicy.Resolution.Refused.class);
        assertThat(policy.resolve(java.util.List.of("rm"))).isInstanceOf(CommandPolicy.Resolution.Refused.class);
        assertThat(policy.resolve(java.util.List.of())).isInstanceOf(CommandPolicy.Resolution.Refused.class);
        assertThat(policy.resolve(java.util.List.of("nonexistent-tool"))).isInstanceOfSatisfying(CommandPolicy.Resolution.Refused.class,
                r -> assertThat(r.reason()).contains("not installed"));
        assertThatThrownBy(() -> new CommandPolicy(java.util.Set.of("/bin/sh"), CommandPolicy.DEFAULT_SEARCH_PATH))
                .hasMessageContaining("bare program name");
    }
}
