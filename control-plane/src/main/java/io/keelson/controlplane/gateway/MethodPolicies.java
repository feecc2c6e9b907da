package io.keelson.controlplane.gateway;

import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import io.keelson.controlplane.auth.Access;
import io.keelson.controlplane.auth.MethodPolicy;
import io.keelson.controlplane.v1.ControlPlaneServiceGrpc;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The policy of every method the gateway serves, read from the {@code keelson.common.v1.access}
 * option in each method's descriptor. A method the gateway does not know still needs a valid token
 * before the caller is told it does not exist, so probing reveals nothing to strangers.
 */
public final class MethodPolicies {

    private final Map<String, MethodPolicy> byMethod = new HashMap<>();
    private final SystemCatalog catalog;

    public MethodPolicies(SystemCatalog catalog) {
        this.catalog = catalog;
        addService(ControlPlaneServiceGrpc.getServiceDescriptor(), SystemCatalog.CONTROL_PLANE);
        for (KnownSystem system : catalog.systems()) {
            for (ServiceDescriptor service : system.services()) {
                addService(service, system.name());
            }
        }
        for (ServiceDescriptor protocol : List.of(HealthGrpc.getServiceDescriptor(),
                io.grpc.reflection.v1.ServerReflectionGrpc.getServiceDescriptor(),
                io.grpc.reflection.v1alpha.ServerReflectionGrpc.getServiceDescriptor())) {
            for (MethodDescriptor<?, ?> m : protocol.getMethods()) {
                byMethod.put(m.getFullMethodName(), new MethodPolicy(SystemCatalog.GATEWAY, Access.READ, false));
            }
        }
    }

    /** Whether a contract declares this method (as opposed to a name a client made up). */
    public boolean isDeclared(String fullMethodName) {
        return byMethod.containsKey(fullMethodName);
    }

    public MethodPolicy policyOf(String fullMethodName) {
        MethodPolicy known = byMethod.get(fullMethodName);
        if (known != null) {
            return known;
        }
        String service = MethodDescriptor.extractFullServiceName(fullMethodName);
        String system = service == null ? "unknown" : catalog.ownerOf(service).map(KnownSystem::name).orElse("unknown");
        return new MethodPolicy(system, Access.READ, false);
    }

    private void addService(ServiceDescriptor service, String system) {
        for (MethodDescriptor<?, ?> m : service.getMethods()) {
            Access access = accessOf(m);
            // Reading the control plane (systems, identity) is open to every valid token; its admin
            // methods and every system method need the token's scopes to name the system.
            boolean scoped = !(system.equals(SystemCatalog.CONTROL_PLANE) && access == Access.READ);
            byMethod.put(m.getFullMethodName(), new MethodPolicy(system, access, scoped));
        }
    }

    static Access accessOf(MethodDescriptor<?, ?> method) {
        if (method.getSchemaDescriptor() instanceof ProtoMethodDescriptorSupplier supplier) {
            return Access.declaredBy(supplier.getMethodDescriptor());
        }
        return Access.WRITE;
    }
}
