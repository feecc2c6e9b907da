package io.keelson.cli;

import com.google.protobuf.MessageOrBuilder;
import io.keelson.controlplane.v1.ControlPlaneServiceGrpc;
import io.keelson.controlplane.v1.GetSystemHealthRequest;
import io.keelson.controlplane.v1.ListSystemsRequest;
import io.keelson.controlplane.v1.ListSystemsResponse;
import io.keelson.controlplane.v1.SystemInfo;
import io.keelson.controlplane.v1.WhoAmIRequest;
import picocli.CommandLine.Command;

/** The platform at a glance: who the token is, and every system with its deployment and health. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Who you are, and every system: how it is deployed and whether it serves.")
final class StatusCommand extends GatewayCall {

    @Override
    MessageOrBuilder call(Gateway gateway) {
        var controlPlane = gateway.stub(ControlPlaneServiceGrpc::newBlockingStub);
        var token = controlPlane.whoAmI(WhoAmIRequest.getDefaultInstance()).getToken();
        root().err().println("signed in as " + token.getName() + " (" + token.getRole().name().replace("ROLE_", "").toLowerCase(java.util.Locale.ROOT)
                + ")");
        ListSystemsResponse.Builder systems = controlPlane.listSystems(ListSystemsRequest.getDefaultInstance()).toBuilder();
        for (SystemInfo.Builder s : systems.getSystemsBuilderList()) {
            var health = controlPlane.getSystemHealth(GetSystemHealthRequest.newBuilder().setSystem(s.getName()).build());
            s.setDescription(health.getState().name().replace("SERVING_STATE_", "").toLowerCase(java.util.Locale.ROOT));
        }
        return systems;
    }
}
