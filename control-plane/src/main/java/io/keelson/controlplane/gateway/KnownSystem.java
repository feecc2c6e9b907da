package io.keelson.controlplane.gateway;

import io.grpc.ServiceDescriptor;

import java.util.List;

/**
 * A system the platform knows how to route to.
 *
 * @param services its gRPC services, from the generated stubs in {@code proto/}; empty while the
 *                 system's contract is not written yet (calls then answer UNIMPLEMENTED)
 */
public record KnownSystem(String name, String description, List<ServiceDescriptor> services) {

    public KnownSystem {
        services = List.copyOf(services);
    }

    /** The proto package prefix every service of this system lives under. */
    public String packagePrefix() {
        return "keelson." + name + ".";
    }
}
