package io.keelson.controlplane.gateway;

import io.grpc.HandlerRegistry;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.keelson.common.v1.ErrorReason;
import io.keelson.common.grpc.GrpcErrors;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The gateway's view of the routed systems: for every service of every known system, a service
 * definition with the same name and schema (so reflection describes it) whose methods relay bytes to
 * the system's route. Methods nobody declared land in {@link #fallback()}, which answers
 * UNIMPLEMENTED naming the system.
 */
public final class RoutedServices {

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private final SystemRouter router;

    public RoutedServices(SystemRouter router) {
        this.router = router;
    }

    public List<ServerServiceDefinition> definitions() {
        List<ServerServiceDefinition> out = new ArrayList<>();
        for (SystemRoute route : router.routes()) {
            for (ServiceDescriptor service : route.system().services()) {
                out.add(relayOf(service, route));
            }
        }
        return out;
    }

    private static ServerServiceDefinition relayOf(ServiceDescriptor service, SystemRoute route) {
        List<MethodDescriptor<byte[], byte[]>> methods = new ArrayList<>();
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(service.getName())
                .setSchemaDescriptor(service.getSchemaDescriptor());
        for (MethodDescriptor<?, ?> m : service.getMethods()) {
            MethodDescriptor<byte[], byte[]> raw = MethodDescriptor.<byte[], byte[]>newBuilder(BYTES, BYTES)
                    .setFullMethodName(m.getFullMethodName())
                    .setType(m.getType())
                    .setSchemaDescriptor(m.getSchemaDescriptor())
                    .build();
            methods.add(raw);
            descriptor.addMethod(raw);
        }
        ServerServiceDefinition.Builder definition = ServerServiceDefinition.builder(descriptor.build());
        for (MethodDescriptor<byte[], byte[]> raw : methods) {
            definition.addMethod(raw, new ForwardingHandler(route, raw));
        }
        return definition.build();
    }

    /** Answers every method that no registered service declares. */
    public HandlerRegistry fallback() {
        return new HandlerRegistry() {
            @Override
            public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
                MethodDescriptor<byte[], byte[]> unknown = MethodDescriptor.<byte[], byte[]>newBuilder(BYTES, BYTES)
                        .setFullMethodName(methodName)
                        .setType(MethodDescriptor.MethodType.UNKNOWN)
                        .build();
                return ServerMethodDefinition.create(unknown, unknownMethod(methodName));
            }
        };
    }

    private ServerCallHandler<byte[], byte[]> unknownMethod(String methodName) {
        String service = MethodDescriptor.extractFullServiceName(methodName);
        Optional<SystemRoute> route = router.catalog().ownerOf(service == null ? "" : service)
                .flatMap(system -> router.route(system.name()));
        ErrorReason reason = route.filter(r -> !r.deployed()).isPresent()
                ? ErrorReason.ERROR_REASON_SYSTEM_NOT_DEPLOYED : ErrorReason.ERROR_REASON_UNKNOWN_METHOD;
        String message = route.map(r -> !r.deployed()
                        ? "system " + r.name() + " is not deployed in this platform (no route for " + methodName + ")"
                        : "system " + r.name() + " has no method " + methodName)
                .orElse("no Keelson system serves " + methodName);
        return (ServerCall<byte[], byte[]> call, io.grpc.Metadata headers) -> {
            StatusRuntimeException e = GrpcErrors.of(Status.Code.UNIMPLEMENTED, reason, message);
            call.close(e.getStatus(), e.getTrailers());
            return new ServerCall.Listener<>() {
            };
        };
    }
}
