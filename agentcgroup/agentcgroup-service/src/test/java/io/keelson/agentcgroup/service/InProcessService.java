package io.keelson.agentcgroup.service;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.keelson.agentcgroup.v1.AgentCgroupServiceGrpc;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The agentcgroup system served in-process for a test, with a blocking stub; close it after the test. */
record InProcessService(AgentCgroupSystem system, Server server, ManagedChannel channel) implements AutoCloseable {

    static InProcessService start(Path home) throws IOException {
        return start(home, CgroupBackend.AUTO);
    }

    static InProcessService start(Path home, CgroupBackend cgroups) throws IOException {
        return serve(AgentCgroupSystem.start(home, AgentCgroupSystem.DEFAULT_ALLOWED_COMMANDS, cgroups));
    }

    static InProcessService serve(AgentCgroupSystem system) throws IOException {
        String name = InProcessServerBuilder.generateName();
        Server server = InProcessServerBuilder.forName(name).addService(system.service()).build().start();
        return new InProcessService(system, server, InProcessChannelBuilder.forName(name).build());
    }

    AgentCgroupServiceGrpc.AgentCgroupServiceBlockingStub stub() {
        return AgentCgroupServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        channel.shutdownNow();
        server.shutdownNow();
        system.close();
    }
}
