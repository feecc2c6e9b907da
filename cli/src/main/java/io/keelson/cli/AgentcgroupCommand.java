package io.keelson.cli;

import com.google.protobuf.MessageOrBuilder;
import io.keelson.agentcgroup.v1.AgentCgroupServiceGrpc;
import io.keelson.agentcgroup.v1.GetSessionUsageRequest;
import io.keelson.agentcgroup.v1.ListSessionsRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "agentcgroup", mixinStandardHelpOptions = true, description = "Agent sandboxes: a session's usage and its tool calls.",
        subcommands = {AgentcgroupCommand.Sessions.class, AgentcgroupCommand.Usage.class})
final class AgentcgroupCommand {

    @Command(name = "sessions", mixinStandardHelpOptions = true, description = "Every open session with its memory now, the live policy and the backend.")
    static final class Sessions extends GatewayCall {
        @Option(names = "--closed", description = "also this many of the most recently closed sessions, where the service keeps them "
                + "(PostgreSQL, cluster mode; 0..1000, default 0)")
        int closed;

        @Override
        MessageOrBuilder call(Gateway gateway) {
            if (closed < 0 || closed > 1000) {
                throw new KeelsonCli.UsageError("--closed: 0..1000, was " + closed);
            }
            return gateway.stub(AgentCgroupServiceGrpc::newBlockingStub).listSessions(ListSessionsRequest.newBuilder().setClosedLimit(closed).build());
        }
    }

    @Command(name = "usage", mixinStandardHelpOptions = true, description = "A session's memory and CPU, and its recent tool calls with their verdicts.")
    static final class Usage extends GatewayCall {
        @Parameters(paramLabel = "SESSION")
        String session;

        @Override
        MessageOrBuilder call(Gateway gateway) {
            return gateway.stub(AgentCgroupServiceGrpc::newBlockingStub).getSessionUsage(GetSessionUsageRequest.newBuilder().setSessionId(session).build());
        }
    }
}
