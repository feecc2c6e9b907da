package io.keelson.controlplane.gateway;

import io.grpc.ManagedChannel;
import io.keelson.controlplane.v1.DeploymentMode;

import java.util.Optional;

/**
 * How a system is reached. Embedded and remote systems differ only in their channel, so the
 * gateway's routing, auth and audit code is the same in both modes.
 *
 * @param address "in-process:&lt;name&gt;" or a gRPC target such as "host:port"; empty when not deployed
 */
public record SystemRoute(KnownSystem system, DeploymentMode mode, String address, Optional<ManagedChannel> channel) {

    public static SystemRoute notDeployed(KnownSystem system) {
        return new SystemRoute(system, DeploymentMode.DEPLOYMENT_MODE_NOT_DEPLOYED, "", Optional.empty());
    }

    public String name() {
        return system.name();
    }
}
