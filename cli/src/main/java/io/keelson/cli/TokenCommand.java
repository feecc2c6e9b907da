package io.keelson.cli;

import com.google.protobuf.MessageOrBuilder;
import io.keelson.common.v1.Role;
import io.keelson.controlplane.v1.ControlPlaneServiceGrpc;
import io.keelson.controlplane.v1.CreateApiTokenRequest;
import io.keelson.controlplane.v1.ListApiTokensRequest;
import io.keelson.controlplane.v1.RevokeApiTokenRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.List;

/** API tokens (an admin's): create, list, revoke. */
@Command(name = "token", mixinStandardHelpOptions = true, description = "API tokens: create, list, revoke (admin).", subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class,
        TokenCommand.Revoke.class})
final class TokenCommand {

    /** The roles a token may have, as the command line spells them. */
    enum RoleName { VIEWER, OPERATOR, ADMIN }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Issues a token; its secret is shown once.")
    static final class Create extends GatewayCall {
        @Option(names = "--name", required = true, description = "who or what the token is for")
        String name;
        @Option(names = "--role", required = true, description = "viewer, operator or admin")
        RoleName role;
        @Option(names = "--scope", split = ",", description = "systems it may act on (default: all, *)")
        List<String> scopes = List.of("*");
        @Option(names = "--ttl", description = "how long it lives, ISO-8601 (e.g. PT24H); default: no expiry")
        Duration ttl;

        @Override
        MessageOrBuilder call(Gateway gateway) {
            CreateApiTokenRequest.Builder b = CreateApiTokenRequest.newBuilder().setName(name).setRole(Role.valueOf("ROLE_" + role.name()))
                    .addAllScopes(scopes);
            if (ttl != null) {
                b.setTtl(com.google.protobuf.Duration.newBuilder().setSeconds(ttl.getSeconds()));
            }
            return gateway.stub(ControlPlaneServiceGrpc::newBlockingStub).createApiToken(b.build());
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every token: name, role, scopes, state.")
    static final class ListTokens extends GatewayCall {
        @Override
        MessageOrBuilder call(Gateway gateway) {
            return gateway.stub(ControlPlaneServiceGrpc::newBlockingStub).listApiTokens(ListApiTokensRequest.getDefaultInstance());
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revokes a token at once.")
    static final class Revoke extends GatewayCall {
        @Parameters(paramLabel = "TOKEN_ID", description = "the token's id (from `keelson token list`)")
        String id;

        @Override
        MessageOrBuilder call(Gateway gateway) {
            return gateway.stub(ControlPlaneServiceGrpc::newBlockingStub).revokeApiToken(RevokeApiTokenRequest.newBuilder().setId(id)
                    .build());
        }
    }
}
