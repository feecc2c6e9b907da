package io.keelson.controlplane.console;

import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.protobuf.ProtoServiceDescriptorSupplier;
import io.grpc.protobuf.ProtoUtils;
import io.keelson.controlplane.auth.Access;
import io.keelson.controlplane.gateway.KnownSystem;
import io.keelson.controlplane.gateway.SystemCatalog;
import io.keelson.controlplane.v1.ControlPlaneServiceGrpc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every RPC of the public API, found by {@code service/method}, with its schema and the access its contract
 * declares, and the JSON mapping of its messages (proto3 JSON, as grpc-gateway and Envoy transcode it).
 */
final class RpcCatalog {

    /** One RPC, callable with messages built from its schema rather than from generated classes. */
    record Rpc(Descriptors.MethodDescriptor schema, MethodDescriptor<DynamicMessage, DynamicMessage> method, Access access) {

        String fullName() {
            return method.getFullMethodName();
        }
    }

    private final Map<String, Rpc> byName;
    private final JsonFormat.Parser parser;
    private final JsonFormat.Printer printer;

    private RpcCatalog(List<Rpc> rpcs) {
        this.byName = rpcs.stream().collect(Collectors.toUnmodifiableMap(Rpc::fullName, Function.identity()));
        JsonFormat.TypeRegistry.Builder types = JsonFormat.TypeRegistry.newBuilder();
        rpcs.forEach(r -> types.add(r.schema().getInputType()).add(r.schema().getOutputType()));
        JsonFormat.TypeRegistry registry = types.build();
        this.parser = JsonFormat.parser().usingTypeRegistry(registry);
        this.printer = JsonFormat.printer().usingTypeRegistry(registry).omittingInsignificantWhitespace()
                .alwaysPrintFieldsWithNoPresence();
    }

    /** The control plane's own API and every system's, deployed or not (a call to one not deployed says so). */
    static RpcCatalog of(SystemCatalog catalog) {
        List<ServiceDescriptor> services = new ArrayList<>();
        services.add(ControlPlaneServiceGrpc.getServiceDescriptor());
        for (KnownSystem system : catalog.systems()) {
            services.addAll(system.services());
        }
        List<Rpc> rpcs = new ArrayList<>();
        for (ServiceDescriptor service : services) {
            if (service.getSchemaDescriptor() instanceof ProtoServiceDescriptorSupplier supplier) {
                for (Descriptors.MethodDescriptor m : supplier.getServiceDescriptor().getMethods()) {
                    rpcs.add(new Rpc(m, dynamic(m), Access.declaredBy(m)));
                }
            }
        }
        return new RpcCatalog(rpcs);
    }

    private static MethodDescriptor<DynamicMessage, DynamicMessage> dynamic(Descriptors.MethodDescriptor m) {
        MethodDescriptor.MethodType type = m.isClientStreaming()
                ? (m.isServerStreaming() ? MethodDescriptor.MethodType.BIDI_STREAMING : MethodDescriptor.MethodType.CLIENT_STREAMING)
                : (m.isServerStreaming() ? MethodDescriptor.MethodType.SERVER_STREAMING : MethodDescriptor.MethodType.UNARY);
        return MethodDescriptor.<DynamicMessage, DynamicMessage>newBuilder()
                .setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(m.getService().getFullName(), m.getName()))
                .setRequestMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(m.getInputType())))
                .setResponseMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(m.getOutputType())))
                .build();
    }

    Optional<Rpc> find(String service, String method) {
        return Optional.ofNullable(byName.get(service + "/" + method));
    }

    /** The request from its JSON form; unknown fields and wrong types are refused with the parser's reason. */
    DynamicMessage request(Rpc rpc, String json) throws InvalidProtocolBufferException {
        DynamicMessage.Builder b = DynamicMessage.newBuilder(rpc.schema().getInputType());
        parser.merge(json == null || json.isBlank() ? "{}" : json, b);
        return b.build();
    }

    String json(MessageOrBuilder message) {
        try {
            return printer.print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a message of the API has no JSON form: " + e.getMessage(), e);
        }
    }
}
