package io.keelson.schedcp.service;

import com.google.rpc.BadRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.keelson.common.v1.Backend;
import io.keelson.schedcp.core.monitor.SystemMonitor;
import io.keelson.schedcp.core.testing.StandInSchedulers;
import io.keelson.schedcp.v1.AddWorkloadHistoryRequest;
import io.keelson.schedcp.v1.CreateAndVerifySchedulerRequest;
import io.keelson.schedcp.v1.CreateAndVerifySchedulerResponse;
import io.keelson.schedcp.v1.CreateWorkloadRequest;
import io.keelson.schedcp.v1.Execution;
import io.keelson.schedcp.v1.ExecutionRef;
import io.keelson.schedcp.v1.ListSchedulersRequest;
import io.keelson.schedcp.v1.MonitorSystemRequest;
import io.keelson.schedcp.v1.MonitorSystemResponse;
import io.keelson.schedcp.v1.RunCanaryRequest;
import io.keelson.schedcp.v1.RunCanaryResponse;
import io.keelson.schedcp.v1.RunSchedulerRequest;
import io.keelson.schedcp.v1.SchedCpServiceGrpc;
import io.keelson.schedcp.v1.SimulateRequest;
import io.keelson.schedcp.v1.SimulateResponse;
import io.keelson.schedcp.v1.WorkloadHistory;
import io.keelson.schedcp.v1.WorkloadRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class SchedCpGrpcServiceTest {

    @TempDir
    Path dir;
    private SchedCpSystem system;
    private Server server;
    private ManagedChannel channel;
    private SchedCpServiceGrpc.SchedCpServiceBlockingStub stub;

    @BeforeEach
    void start() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        StandInSchedulers.install(bin, "scx_rusty");
        system = SchedCpSystem.start(dir.resolve("state"), bin);
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor().addService(system.service()).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        stub = SchedCpServiceGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
        system.close();
    }

    private static List<String> fields(StatusRuntimeException e) {
        return StatusProto.fromThrowable(e).getDetailsList().stream().filter(a -> a.is(BadRequest.class)).flatMap(a -> {
            try {
                return a.unpack(BadRequest.class).getFieldViolationsList().stream();
            } catch (com.google.protobuf.InvalidProtocolBufferException x) {
                throw new IllegalStateException(x);
            }
        }).map(BadRequest.FieldViolation::getField).toList();
    }

    private static Status.Code code(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
        return Status.Code.OK;
    }

    @Test
    void aSchedulerRunsIntoAWorkloadsHistoryAndEveryReplyNamesItsBackend() {
        assertThat(stub.listSchedulers(ListSchedulersRequest.newBuilder().setQuery("gaming").setProductionReady(true).build()).getSchedulersList())
                .extracting(s -> s.getName()).contains("scx_lavd");
        String workload = stub.createWorkload(CreateWorkloadRequest.newBuilder().setDescription("schbench, 2 CPUs").build()).getWorkloadId();
        Execution run = stub.runScheduler(RunSchedulerRequest.newBuilder().setName("scx_rusty").addArgs("--slice-us-underutil").addArgs("20000").build());
        assertThat(run.getStatus()).isEqualTo("running");
        assertThat(run.getBackend()).isEqualTo(Backend.BACKEND_KERNEL_UNSUPPORTED); // no sched_ext here: nothing was loaded
        assertThat(run.getLoaded()).isFalse();
        assertThat(code(() -> stub.runScheduler(RunSchedulerRequest.newBuilder().setName("scx_rusty").build()))).isEqualTo(Status.Code.FAILED_PRECONDITION);
        var catalogue = stub.listSchedulers(ListSchedulersRequest.getDefaultInstance());
        assertThat(catalogue.getRunning().getExecutionId()).isEqualTo(run.getExecutionId());
        assertThat(catalogue.getBackend()).isEqualTo(Backend.BACKEND_KERNEL_UNSUPPORTED);
        assertThat(catalogue.getSchedExtSupported()).isFalse();
        ExecutionRef ref = ExecutionRef.newBuilder().setExecutionId(run.getExecutionId()).build();
        await().atMost(Duration.ofSeconds(10)).until(() -> stub.getExecutionStatus(ref).getOutput().contains("attached with --slice-us-underutil 20000"));
        assertThat(stub.stopScheduler(ref).getStatus()).isEqualTo("stopped");
        assertThat(stub.listSchedulers(ListSchedulersRequest.getDefaultInstance()).hasRunning()).isFalse();

        stub.addWorkloadHistory(AddWorkloadHistoryRequest.newBuilder().setWorkloadId(workload).setExecutionId(run.getExecutionId())
                .setResultDescription("p99 19.1 ms against 40.3 ms").putMetrics("p99_ms", 19.1).build());
        WorkloadHistory history = stub.getWorkloadHistory(WorkloadRef.newBuilder().setWorkloadId(workload).build());
        assertThat(history.getHistoryList()).singleElement().satisfies(h -> {
            assertThat(h.getSchedulerName()).isEqualTo("scx_rusty");
            assertThat(h.getArgsList()).containsExactly("--slice-us-underutil", "20000");
            assertThat(h.getMetricsMap()).containsEntry("p99_ms", 19.1);
        });
    }

    @Test
    void theSimulatorAndTheCanaryAnswerFromTheSimulatedBackend() {
        SimulateResponse ljf = stub.simulate(SimulateRequest.newBuilder().setBuiltin("ljf").setWorkload("batch").build());
        assertThat(ljf.getMakespanSeconds()).isEqualTo(25.0);
        assertThat(ljf.getBackend()).isEqualTo(Backend.BACKEND_SCHED_SIMULATED);
        SimulateResponse mine = stub.simulate(SimulateRequest.newBuilder().setSource("policy mine\norder by work asc\nslice to-completion\n")
                .setWorkload("starvation-probe").build());
        assertThat(mine.getLongestWaitTask()).isZero();
        assertThat(mine.getLongestWaitSeconds()).isGreaterThan(30);

        RunCanaryResponse canary = stub.runCanary(RunCanaryRequest.newBuilder().setKnownGood("fair").setCandidateBuiltin("fifo").build());
        assertThat(canary.getPromoted()).isFalse();
        assertThat(canary.getRunning()).isEqualTo("fair");
        assertThat(canary.getWindowsList()).hasSize(1);

        CreateAndVerifySchedulerResponse starving = stub.createAndVerifyScheduler(CreateAndVerifySchedulerRequest.newBuilder().setName("scx_agent_sjf")
                .setDescription("shortest first").setSourceCode("policy sjf\norder by work\nslice to-completion\n").build());
        assertThat(starving.getAccepted()).isFalse();
        assertThat(starving.getStages(1).getDetail()).contains("task 0 (long)");
        assertThat(starving.getBackend()).isEqualTo(Backend.BACKEND_SCHED_SIMULATED);
    }

    @Test
    void bpfSourceIsVerifiedAgainstTheKernelItMeetsAndTheReplySaysWhichKernelThatWas() {
        CreateAndVerifySchedulerResponse bpf = stub.createAndVerifyScheduler(CreateAndVerifySchedulerRequest.newBuilder().setName("scx_agent_fifo")
                .setDescription("a FIFO").setSourceCode("s32 BPF_STRUCT_OPS(fifo_init) { return 0; }\nSCX_OPS_DEFINE(fifo_ops, .init = (void *)fifo_init);\n").build());
        boolean schedExt = Files.isDirectory(Path.of("/sys/kernel/sched_ext"));
        if (bpf.getStages(0).getVerdict().equals("skipped")) { // no clang here: nothing stops it before the kernel stage
            assertThat(bpf.getStagesList()).filteredOn(s -> s.getStage().equals("kernel")).singleElement()
                    .satisfies(s -> assertThat(s.getVerdict()).as("nothing compiled, nothing loaded").isEqualTo(schedExt ? "skipped" : "kernel-unsupported"));
        }
        assertThat(bpf.getBackend()).isEqualTo(schedExt ? Backend.BACKEND_SCHED_EXT : Backend.BACKEND_KERNEL_UNSUPPORTED);
    }

    @Test
    void theSystemMonitorSamplesThisHostUntilStoppedAndCapsItsSessions() throws Exception {
        MonitorSystemResponse started = stub.monitorSystem(MonitorSystemRequest.newBuilder().setCommand("start").build());
        assertThat(started.getStatus()).isEqualTo("started");
        assertThat(started.getBackend()).isEqualTo(Backend.BACKEND_HOST_COUNTERS);
        Thread.sleep(1_200);
        MonitorSystemResponse stopped = stub.monitorSystem(MonitorSystemRequest.newBuilder().setCommand("stop").setSessionId(started.getSessionId()).build());
        assertThat(stopped.getStatus()).isEqualTo("stopped");
        assertThat(stopped.getSummary().getSampleCount()).isGreaterThanOrEqualTo(3); // first, at least one a second, last
        assertThat(stopped.getSummary().getMemoryAvgUsedMb()).isPositive();
        assertThat(stopped.getSummary().getSchedstat()).isEqualTo(Files.exists(Path.of("/proc/schedstat")));
        assertThat(stopped.getSummary().getMostDelayedCount()).isBetween(0, 5); // who waited on an idle host is luck; see SystemMonitorTest
        assertThat(code(() -> stub.monitorSystem(MonitorSystemRequest.newBuilder().setCommand("stop").setSessionId(started.getSessionId()).build())))
                .isEqualTo(Status.Code.NOT_FOUND);

        for (int i = 0; i < SystemMonitor.MAX_SESSIONS; i++) {
            stub.monitorSystem(MonitorSystemRequest.newBuilder().setCommand("start").build());
        }
        assertThat(code(() -> stub.monitorSystem(MonitorSystemRequest.newBuilder().setCommand("start").build()))).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThatThrownBy(() -> stub.monitorSystem(MonitorSystemRequest.newBuilder().setCommand("pause").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(fields(e)).containsExactly("command"));
        assertThatThrownBy(() -> stub.monitorSystem(MonitorSystemRequest.newBuilder().setCommand("stop").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(fields(e)).containsExactly("session_id"));
    }

    @Test
    void aCanaryDeploymentMeasuresTheKnownGoodAndTheCandidateOnThisHost() {
        var reply = stub.deployCanary(io.keelson.schedcp.v1.DeployCanaryRequest.newBuilder()
                .setKnownGood(io.keelson.schedcp.v1.SchedulerSpec.newBuilder().setName("scx_rusty"))
                .setCandidate(io.keelson.schedcp.v1.SchedulerSpec.newBuilder().setName("scx_rusty").addArgs("--slice-us-overutil").addArgs("500"))
                .setWindows(1).setSeconds(1).setTolerance(10).build());
        // no sched_ext here: the stand-in processes change nothing, so with a wide tolerance the candidate holds
        assertThat(reply.getBackend()).isEqualTo(Backend.BACKEND_KERNEL_UNSUPPORTED);
        assertThat(reply.getStepsList()).extracting(s -> s.getPhase()).containsExactly("baseline", "candidate started", "window 0", "promoted");
        assertThat(reply.getMetric()).isEqualTo("wakeup-p99-us");
        assertThat(reply.getSteps(0).hasValue()).isTrue();
        assertThat(reply.getSteps(1).hasValue()).isFalse();
        assertThat(reply.getPromoted()).isTrue();
        assertThat(stub.getExecutionStatus(ExecutionRef.newBuilder().setExecutionId(reply.getRunningExecutionId()).build()).getArgsList())
                .containsExactly("--slice-us-overutil", "500");
        assertThatThrownBy(() -> stub.deployCanary(io.keelson.schedcp.v1.DeployCanaryRequest.newBuilder().setWindows(50).setMetric("vibes").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(fields(e))
                        .containsExactly("known_good.name", "candidate.name", "metric", "windows"));
    }

    @Test
    void aCanaryCanWatchTheBatchMakespanInstead() {
        var reply = stub.deployCanary(io.keelson.schedcp.v1.DeployCanaryRequest.newBuilder()
                .setKnownGood(io.keelson.schedcp.v1.SchedulerSpec.newBuilder().setName("scx_rusty"))
                .setCandidate(io.keelson.schedcp.v1.SchedulerSpec.newBuilder().setName("scx_rusty").addArgs("--fifo"))
                .setMetric("batch-makespan").setUnitMs(10).setWindows(1).setTolerance(10).build());
        assertThat(reply.getMetric()).isEqualTo("batch-makespan-ms");
        // 40 real jobs, the long one ten short ones' CPU: the makespan is at least the long job's 100 ms of work
        assertThat(reply.getStepsList()).filteredOn(s -> s.hasValue()).extracting(s -> s.getValue()).hasSize(2).allSatisfy(ms -> assertThat(ms).isGreaterThan(50));
        assertThat(reply.getPromoted()).isTrue();
    }

    @Test
    void demonstrationWorkloadsRunAsRealProcessesOnThisHost() {
        var batch = stub.profileWorkload(io.keelson.schedcp.v1.ProfileWorkloadRequest.newBuilder().setWorkload("batch").setAdmission("longest-first")
                .setUnitMs(10).build());
        assertThat(batch.getBackend()).isEqualTo(Backend.BACKEND_HOST_PROCESSES);
        assertThat(batch.getJobs()).isEqualTo(40);
        assertThat(batch.getMakespanSeconds()).isPositive();
        var latency = stub.profileWorkload(io.keelson.schedcp.v1.ProfileWorkloadRequest.newBuilder().setWorkload("latency").setHogs(1).setThreads(2)
                .setSeconds(1).build());
        assertThat(latency.getWakeups()).isPositive();
        assertThat(latency.getP99LatenessUs()).isGreaterThanOrEqualTo(latency.getP50LatenessUs());
        assertThatThrownBy(() -> stub.profileWorkload(io.keelson.schedcp.v1.ProfileWorkloadRequest.newBuilder().setWorkload("make -j").setUnitMs(5).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(fields(e)).containsExactly("workload", "unit_ms"));
    }

    @Test
    void aWorkloadCommandTheOperatorInstalledIsProfiledByName() throws Exception {
        Path commands = Files.createDirectories(dir.resolve("state").resolve(io.keelson.schedcp.core.SchedCp.WORKLOAD_COMMANDS));
        Files.writeString(commands.resolve("compile"), "#!/bin/sh\nawk 'BEGIN{for(i=0;i<200000;i++);}'; echo built \"$@\"\n");
        commands.resolve("compile").toFile().setExecutable(true);

        var profile = stub.profileWorkload(io.keelson.schedcp.v1.ProfileWorkloadRequest.newBuilder().setWorkload("command").setCommand("compile")
                .addArgs("-j2").setRuns(4).build());
        assertThat(profile.getBackend()).isEqualTo(Backend.BACKEND_HOST_PROCESSES);
        assertThat(profile.getCommandRuns().getRuns()).isEqualTo(4);
        assertThat(profile.getCommandRuns().getFailedRuns()).isZero();
        assertThat(profile.getCommandRuns().getP99Ms()).isGreaterThanOrEqualTo(profile.getCommandRuns().getP50Ms()).isPositive();
        assertThat(profile.getCommandRuns().getLastOutput()).isEqualTo("built -j2\n");
        assertThat(profile.getMakespanSeconds()).isPositive();

        assertThat(code(() -> stub.profileWorkload(io.keelson.schedcp.v1.ProfileWorkloadRequest.newBuilder().setWorkload("command")
                .setCommand("rm").build()))).isEqualTo(Status.Code.NOT_FOUND);
        assertThatThrownBy(() -> stub.profileWorkload(io.keelson.schedcp.v1.ProfileWorkloadRequest.newBuilder().setWorkload("command")
                .setCommand("/bin/rm").build())).isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(fields(e)).containsExactly("command"));
        assertThatThrownBy(() -> stub.profileWorkload(io.keelson.schedcp.v1.ProfileWorkloadRequest.newBuilder().setWorkload("command").setRuns(5000)
                .build())).isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(fields(e)).containsExactly("command", "runs"));
    }

    @Test
    void badInputIsRefusedWithTheFieldOrTheStatusThatFits() {
        assertThatThrownBy(() -> stub.runScheduler(RunSchedulerRequest.newBuilder().setName("../../bin/sh").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(fields(e)).containsExactly("name"));
        assertThat(code(() -> stub.getExecutionStatus(ExecutionRef.newBuilder().setExecutionId("exec-nope").build()))).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(code(() -> stub.getWorkloadHistory(WorkloadRef.newBuilder().setWorkloadId("wl-nope").build()))).isEqualTo(Status.Code.NOT_FOUND);
        assertThatThrownBy(() -> stub.simulate(SimulateRequest.newBuilder().setSource("policy x\norder by nothing\n").setWorkload("batch").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(fields(e)).containsExactly("source");
                    assertThat(e.getStatus().getDescription()).isNotNull();
                });
        assertThatThrownBy(() -> stub.simulate(SimulateRequest.newBuilder().setBuiltin("lottery").setWorkload("nope").setCpus(999).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(fields(e)).containsExactly("cpus"));
        assertThatThrownBy(() -> stub.runCanary(RunCanaryRequest.newBuilder().setKnownGood("x").setWindows(99).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(fields(e)).containsExactly("windows", "known_good", "candidate"));
        assertThatThrownBy(() -> stub.createAndVerifyScheduler(CreateAndVerifySchedulerRequest.newBuilder().setName("scx_x").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(fields(e)).containsExactly("source_code", "description"));
    }
}
