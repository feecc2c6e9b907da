package io.keelson.controlplane.gateway;

import io.grpc.ManagedChannel;
import io.keelson.controlplane.v1.DeploymentMode;

import java.util.Optional;

/**
 * How a system is reached. Embedded and remote systems differ only in their channel, so the
 * gateway's routing, auth and audit code is the same in both modes.
 *
 * @param address "in-process:&lt;name&gt;", a gRPC target such as "host:port", or "nodes:host:port[,host:port...]" for a
 *                system with an instance per node; empty when not deployed
 * @param channel the one instance's channel (empty per node and when not deployed)
 * @param nodes   the instances by node, for a system with one per node
 */
public record SystemRoute(KnownSystem system, DeploymentMode mode, String address, Optional<ManagedChannel> channel,
                          Optional<NodeDirectory> nodes) {

    public static SystemRoute notDeployed(KnownSystem system) {
        return new SystemRoute(system, DeploymentMode.DEPLOYMENT_MODE_NOT_DEPLOYED, "", Optional.empty(), Optional.empty());
    }

    /** One instance behind one channel. */
    static SystemRoute single(KnownSystem system, DeploymentMode mode, String address, ManagedChannel channel) {
        return new SystemRoute(system, mode, address, Optional.of(channel), Optional.empty());
    }

    /** One instance per node, found by {@code nodes} (address {@code nodes:host:port[,...]}). */
    static SystemRoute perNode(KnownSystem system, String address, NodeDirectory nodes) {
        return new SystemRoute(system, DeploymentMode.DEPLOYMENT_MODE_REMOTE, address, Optional.empty(), Optional.of(nodes));
    }

    public boolean deployed() {
        return channel.isPresent() || nodes.isPresent();
    }

    public String name() {
        return system.name();
    }
}
