package io.keelson.agentcgroup.service;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AgentCgroupServerTest {

    @Test
    void theNodeIsTheOneNamedElseTheKernelsHostNameWithoutAskingDns() {
        assertThat(AgentCgroupServer.nodeName(Map.of("KEELSON_NODE_NAME", "gpu-node-7"))).isEqualTo("gpu-node-7");
        assertThat(AgentCgroupServer.nodeName(Map.of("KEELSON_NODE_NAME", " "))).isNotBlank().isNotEqualTo(" ");
        assertThat(AgentCgroupServer.nodeName(Map.of())).isNotBlank();
    }
}
