package io.keelson.common.docs;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.DescriptorProtos.SourceCodeInfo;
import com.google.protobuf.ExtensionRegistry;
import io.keelson.common.v1.Access;
import io.keelson.common.v1.CommonProto;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Writes {@code docs/api.md} from the contracts themselves: the descriptor set protoc writes at build time, with the
 * comments in the {@code .proto} files - every service, RPC (with the role it needs), message, field and enum.
 * {@code ApiDocsTest} fails when the committed file is not what this writes; {@code ./keelson docs} rewrites it.
 */
public final class ApiDocs {

    static final Path DESCRIPTORS = Path.of("target/generated-resources/protobuf/descriptor-sets/keelson.protoset");

    private ApiDocs() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "../docs/api.md");
        Files.writeString(out, render(Files.readAllBytes(DESCRIPTORS)));
        System.out.println("wrote " + out.toAbsolutePath().normalize());
    }

    static String render(byte[] descriptorSet) throws IOException {
        ExtensionRegistry registry = ExtensionRegistry.newInstance();
        CommonProto.registerAllExtensions(registry);
        FileDescriptorSet set = FileDescriptorSet.parseFrom(descriptorSet, registry);
        StringBuilder md = new StringBuilder(HEADER);
        List<FileDescriptorProto> files = set.getFileList().stream().filter(f -> f.getPackage().startsWith("keelson."))
                .sorted(java.util.Comparator.comparing(FileDescriptorProto::getName)).toList();
        md.append("## Contents\n\n");
        for (FileDescriptorProto f : files) {
            md.append("- [`").append(f.getPackage()).append("`](#").append(f.getPackage().replace(".", "")).append(") — ")
                    .append(f.getServiceList().stream().map(ServiceDescriptorProto::getName).collect(Collectors.joining(", ")))
                    .append(f.getServiceCount() == 0 ? "shared types" : "").append('\n');
        }
        md.append('\n');
        for (FileDescriptorProto f : files) {
            Comments comments = new Comments(f.getSourceCodeInfo());
            md.append("## ").append(f.getPackage()).append("\n\n`").append(f.getName()).append("`\n\n");
            block(md, comments.at(List.of(12))); // the package statement's comment
            for (int s = 0; s < f.getServiceCount(); s++) {
                ServiceDescriptorProto service = f.getService(s);
                md.append("### service ").append(service.getName()).append("\n\n");
                block(md, comments.at(List.of(6, s)));
                md.append("| RPC | request → response | role | what it does |\n|---|---|---|---|\n");
                for (int m = 0; m < service.getMethodCount(); m++) {
                    var method = service.getMethod(m);
                    Access access = method.getOptions().getExtension(CommonProto.access);
                    md.append("| `").append(method.getName()).append("` | ").append(method.getClientStreaming() ? "stream " : "")
                            .append(simple(method.getInputType())).append(" → ").append(method.getServerStreaming() ? "stream " : "")
                            .append(simple(method.getOutputType())).append(" | ").append(role(access)).append(" | ")
                            .append(cell(comments.at(List.of(6, s, 2, m)))).append(" |\n");
                }
                md.append('\n');
            }
            for (int i = 0; i < f.getMessageTypeCount(); i++) {
                message(md, f.getMessageType(i), f.getMessageType(i).getName(), comments, List.of(4, i));
            }
            for (int i = 0; i < f.getEnumTypeCount(); i++) {
                enumeration(md, f.getEnumType(i), f.getEnumType(i).getName(), comments, List.of(5, i));
            }
        }
        return md.toString();
    }

    private static void message(StringBuilder md, DescriptorProto m, String name, Comments comments, List<Integer> path) {
        if (m.getOptions().getMapEntry()) {
            return;
        }
        md.append("#### message ").append(name).append("\n\n");
        block(md, comments.at(path));
        if (m.getFieldCount() > 0) {
            md.append("| field | type | meaning |\n|---|---|---|\n");
            for (int i = 0; i < m.getFieldCount(); i++) {
                FieldDescriptorProto field = m.getField(i);
                md.append("| `").append(field.getName()).append("` | ").append(type(field, m)).append(" | ")
                        .append(cell(comments.at(concat(path, 2, i)))).append(" |\n");
            }
            md.append('\n');
        }
        for (int i = 0; i < m.getNestedTypeCount(); i++) {
            message(md, m.getNestedType(i), name + "." + m.getNestedType(i).getName(), comments, concat(path, 3, i));
        }
        for (int i = 0; i < m.getEnumTypeCount(); i++) {
            enumeration(md, m.getEnumType(i), name + "." + m.getEnumType(i).getName(), comments, concat(path, 4, i));
        }
    }

    private static void enumeration(StringBuilder md, EnumDescriptorProto e, String name, Comments comments, List<Integer> path) {
        md.append("#### enum ").append(name).append("\n\n");
        block(md, comments.at(path));
        md.append("| value | number | meaning |\n|---|---|---|\n");
        for (int i = 0; i < e.getValueCount(); i++) {
            md.append("| `").append(e.getValue(i).getName()).append("` | ").append(e.getValue(i).getNumber()).append(" | ")
                    .append(cell(comments.at(concat(path, 2, i)))).append(" |\n");
        }
        md.append('\n');
    }

    private static String type(FieldDescriptorProto f, DescriptorProto owner) {
        String base = switch (f.getType()) {
            case TYPE_MESSAGE, TYPE_ENUM -> simple(f.getTypeName());
            default -> f.getType().name().substring(5).toLowerCase(Locale.ROOT);
        };
        if (f.getType() == FieldDescriptorProto.Type.TYPE_MESSAGE) {
            String entry = f.getTypeName().substring(f.getTypeName().lastIndexOf('.') + 1);
            for (DescriptorProto nested : owner.getNestedTypeList()) {
                if (nested.getName().equals(entry) && nested.getOptions().getMapEntry()) {
                    return "map&lt;" + type(nested.getField(0), nested) + ", " + type(nested.getField(1), nested) + "&gt;";
                }
            }
        }
        if (f.getLabel() == FieldDescriptorProto.Label.LABEL_REPEATED) {
            return "repeated " + base;
        }
        return f.getProto3Optional() ? "optional " + base : base;
    }

    private static String simple(String typeName) {
        return typeName.startsWith(".keelson.") ? typeName.substring(typeName.indexOf('.', typeName.indexOf('.', 9) + 1) + 1)
                : typeName.startsWith(".") ? typeName.substring(1) : typeName;
    }

    private static String role(Access access) {
        return switch (access) {
            case ACCESS_READ -> "viewer";
            case ACCESS_ADMIN -> "admin";
            default -> "operator";
        };
    }

    private static void block(StringBuilder md, String comment) {
        if (!comment.isEmpty()) {
            md.append(comment.strip()).append("\n\n");
        }
    }

    private static String cell(String comment) {
        return comment.strip().replace("|", "\\|").replaceAll("\\s*\\n\\s*", " ");
    }

    private static List<Integer> concat(List<Integer> path, int... more) {
        return java.util.stream.Stream.concat(path.stream(), IntStream.of(more).boxed()).toList();
    }

    /** The comments protoc kept, by descriptor path: leading ones, then trailing ones. */
    private static final class Comments {
        private final Map<List<Integer>, String> byPath = new HashMap<>();

        Comments(SourceCodeInfo info) {
            for (SourceCodeInfo.Location l : info.getLocationList()) {
                String text = (l.getLeadingComments() + " " + l.getTrailingComments()).strip();
                if (!text.isEmpty()) {
                    byPath.merge(l.getPathList(), text, (a, b) -> a);
                }
            }
        }

        String at(List<Integer> path) {
            return byPath.getOrDefault(path, "");
        }
    }

    private static final String HEADER = """
            # Keelson API

            Generated from the `.proto` contracts in `proto/src/main/proto` and their comments (`ApiDocs`; `./keelson docs`
            rewrites this file, and a test fails when it is stale). Every call goes through the control plane's gateway
            (default `localhost:9000`) with an API token: `authorization: Bearer <token>`. The role column is the least
            role a token needs; a token's scopes must also include the system. Errors are gRPC statuses with
            `google.rpc.ErrorInfo` (domain `keelson.io`, reason an `ErrorReason`) and, for bad input, `google.rpc.BadRequest`
            naming every bad field. Every reply that concerns a backend says which one served it (`Backend`).
            agentcgroup and schedcp run an instance per node in a cluster: a call to them names its node in the
            `keelson-node` header (the CLI's `--node`; `ListSystems` lists the nodes); with one node, or embedded, it
            may leave it out, and with several it is refused `FAILED_PRECONDITION` (`ERROR_REASON_NODE_REQUIRED`).

            ## Calling it

            The gateway serves gRPC server reflection, so generic clients need no `.proto` files:

            ```sh
            grpcurl -plaintext -H "authorization: Bearer $KEELSON_TOKEN" localhost:9000 list
            grpcurl -plaintext -H "authorization: Bearer $KEELSON_TOKEN" localhost:9000 keelson.wio.v1.WioService/ListActors
            ```

            Python (`pip install grpcio grpcio-tools`, stubs generated from `proto/src/main/proto`):

            ```python
            import grpc
            from keelson.controlplane.v1 import controlplane_pb2, controlplane_pb2_grpc
            channel = grpc.insecure_channel("localhost:9000")
            stub = controlplane_pb2_grpc.ControlPlaneServiceStub(channel)
            systems = stub.ListSystems(controlplane_pb2.ListSystemsRequest(), metadata=[("authorization", "Bearer " + token)])
            ```

            Go (`protoc --go_out=. --go-grpc_out=.` over the same files):

            ```go
            conn, _ := grpc.NewClient("localhost:9000", grpc.WithTransportCredentials(insecure.NewCredentials()))
            ctx := metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer "+token)
            systems, err := controlplanev1.NewControlPlaneServiceClient(conn).ListSystems(ctx, &controlplanev1.ListSystemsRequest{})
            ```

            Or the command line: `./keelson cli status` (`cli/README.md`).

            """;
}
