package io.keelson.cli;

import com.google.protobuf.MessageOrBuilder;
import io.keelson.sysom.v1.DiagnoseRequest;
import io.keelson.sysom.v1.ListJobsRequest;
import io.keelson.sysom.v1.RunFaultBenchmarkRequest;
import io.keelson.sysom.v1.SysomServiceGrpc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sysom", mixinStandardHelpOptions = true, description = "Training-fleet diagnosis: jobs, a job's diagnosis, the XFault benchmark.",
        subcommands = {SysomCommand.Jobs.class, SysomCommand.Diagnose.class, SysomCommand.Benchmark.class})
final class SysomCommand {

    @Command(name = "jobs", mixinStandardHelpOptions = true, description = "Jobs reporting steps: world size, complete steps, running / waiting / hung.")
    static final class Jobs extends GatewayCall {
        @Override
        MessageOrBuilder call(Gateway gateway) {
            return gateway.stub(SysomServiceGrpc::newBlockingStub).listJobs(ListJobsRequest.getDefaultInstance());
        }
    }

    @Command(name = "diagnose", mixinStandardHelpOptions = true, description = "The layered diagnosis of a job's latest steps, with each finding's evidence.")
    static final class Diagnose extends GatewayCall {
        @Parameters(paramLabel = "JOB")
        String job;
        @Option(names = "--window", description = "steps to look at (3..64; default 4)")
        int window;

        @Override
        MessageOrBuilder call(Gateway gateway) {
            return gateway.stub(SysomServiceGrpc::newBlockingStub).diagnose(DiagnoseRequest.newBuilder().setJob(job).setWindowSteps(window).build());
        }
    }

    @Command(name = "benchmark", mixinStandardHelpOptions = true, description = "XFault: the layered diagnosis and a step-time threshold on simulated faults.")
    static final class Benchmark extends GatewayCall {
        @Option(names = "--ranks", description = "dp,tp,pp (default 8,4,2)", split = ",")
        int[] ranks = {8, 4, 2};
        @Option(names = "--seeds", description = "scenarios per fault and slowdown (1..5; default 1)")
        int seeds = 1;

        @Override
        MessageOrBuilder call(Gateway gateway) {
            if (ranks.length != 3) {
                throw new KeelsonCli.UsageError("--ranks: three numbers, dp,tp,pp");
            }
            try (Progress p = Progress.show("running XFault", root().err())) {
                return gateway.stub(SysomServiceGrpc::newBlockingStub, 600).runFaultBenchmark(RunFaultBenchmarkRequest.newBuilder().setDp(ranks[0])
                        .setTp(ranks[1]).setPp(ranks[2]).setSeeds(seeds).build());
            }
        }
    }
}
