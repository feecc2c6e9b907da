package io.keelson.cli;

import com.google.protobuf.MessageOrBuilder;
import io.keelson.acrfence.v1.AcrFenceServiceGrpc;
import io.keelson.acrfence.v1.ListEffectsRequest;
import io.keelson.acrfence.v1.ListToolsRequest;
import io.keelson.acrfence.v1.VerifyChainRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "acrfence", mixinStandardHelpOptions = true, description = "The effect fence: tools, a run's effect journal, the journal's hash chain.",
        subcommands = {AcrfenceCommand.Tools.class, AcrfenceCommand.Effects.class, AcrfenceCommand.Verify.class})
final class AcrfenceCommand {

    @Command(name = "tools", mixinStandardHelpOptions = true, description = "Registered tools and their effect classes.")
    static final class Tools extends GatewayCall {
        @Override
        MessageOrBuilder call(Gateway gateway) {
            return gateway.stub(AcrFenceServiceGrpc::newBlockingStub).listTools(ListToolsRequest.getDefaultInstance());
        }
    }

    @Command(name = "effects", mixinStandardHelpOptions = true, description = "A run's journal: every effect with its status and branch.")
    static final class Effects extends GatewayCall {
        @Parameters(paramLabel = "RUN")
        String run;

        @Override
        MessageOrBuilder call(Gateway gateway) {
            return gateway.stub(AcrFenceServiceGrpc::newBlockingStub).listEffects(ListEffectsRequest.newBuilder().setRunId(run).build());
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true, description = "Checks the journal's hash chain; names the first record that was changed or lost.")
    static final class Verify extends GatewayCall {
        @Override
        MessageOrBuilder call(Gateway gateway) {
            return gateway.stub(AcrFenceServiceGrpc::newBlockingStub).verifyChain(VerifyChainRequest.getDefaultInstance());
        }
    }
}
