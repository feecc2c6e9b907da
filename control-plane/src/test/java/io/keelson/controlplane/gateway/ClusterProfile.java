package io.keelson.controlplane.gateway;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.List;

/** Runs the gateway tests with the echo system as a separate process (cluster mode). */
public class ClusterProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(RemoteEchoResource.class));
    }
}
