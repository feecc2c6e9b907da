package io.keelson.cli;

import com.google.protobuf.MessageOrBuilder;
import io.keelson.schedcp.v1.ListSchedulersRequest;
import io.keelson.schedcp.v1.ListWorkloadsRequest;
import io.keelson.schedcp.v1.SchedCpServiceGrpc;
import io.keelson.schedcp.v1.SimulateRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "schedcp", mixinStandardHelpOptions = true, description = "Linux schedulers: the catalogue, workloads, the scheduler simulator.",
        subcommands = {SchedcpCommand.Schedulers.class, SchedcpCommand.Workloads.class, SchedcpCommand.Simulate.class})
final class SchedcpCommand {

    @Command(name = "schedulers", mixinStandardHelpOptions = true, description = "The scx catalogue and the schedulers agents created.")
    static final class Schedulers extends GatewayCall {
        @Option(names = "--query", description = "text in the name, description or use cases")
        String query = "";
        @Option(names = "--production-ready", description = "only production-ready ones")
        boolean productionReady;

        @Override
        MessageOrBuilder call(Gateway gateway) {
            ListSchedulersRequest.Builder b = ListSchedulersRequest.newBuilder().setQuery(query);
            if (productionReady) {
                b.setProductionReady(true);
            }
            return gateway.stub(SchedCpServiceGrpc::newBlockingStub).listSchedulers(b.build());
        }
    }

    @Command(name = "workloads", mixinStandardHelpOptions = true, description = "Workload profiles.")
    static final class Workloads extends GatewayCall {
        @Override
        MessageOrBuilder call(Gateway gateway) {
            return gateway.stub(SchedCpServiceGrpc::newBlockingStub).listWorkloads(ListWorkloadsRequest.getDefaultInstance());
        }
    }

    @Command(name = "simulate", mixinStandardHelpOptions = true, description = "Runs a policy on a demonstration workload in the scheduler simulator.")
    static final class Simulate extends GatewayCall {
        @Option(names = "--policy", required = true, description = "fifo, fair, edf, sjf or ljf")
        String policy;
        @Option(names = "--workload", description = "batch (default), latency or starvation-probe")
        String workload = "batch";
        @Option(names = "--cpus", description = "1..256 (default 2)")
        int cpus = 2;

        @Override
        MessageOrBuilder call(Gateway gateway) {
            try (Progress p = Progress.show("simulating", root().err())) {
                return gateway.stub(SchedCpServiceGrpc::newBlockingStub, 300).simulate(SimulateRequest.newBuilder().setBuiltin(policy)
                        .setWorkload(workload).setCpus(cpus).build());
            }
        }
    }
}
