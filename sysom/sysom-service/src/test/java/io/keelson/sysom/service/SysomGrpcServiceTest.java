package io.keelson.sysom.service;

import com.google.protobuf.ByteString;
import com.google.rpc.BadRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.keelson.common.events.InProcessEventBus;
import io.keelson.common.grpc.SingleResponse;
import io.keelson.common.v1.Backend;
import io.keelson.sysom.agent.StepReports;
import io.keelson.sysom.core.timeline.RankStep;
import io.keelson.sysom.core.xfault.ClusterSimulator;
import io.keelson.sysom.core.xfault.Fault;
import io.keelson.sysom.core.xfault.KernelProfile;
import io.keelson.sysom.core.xfault.Topology;
import io.keelson.sysom.v1.AnalyzeFlightRecorderRequest;
import io.keelson.sysom.v1.AnalyzeFlightRecorderResponse;
import io.keelson.sysom.v1.DiagnoseRequest;
import io.keelson.sysom.v1.DiagnoseResponse;
import io.keelson.sysom.v1.ExportProfileRequest;
import io.keelson.sysom.v1.ExportRequest;
import io.keelson.sysom.v1.ExportResponse;
import io.keelson.sysom.v1.FaultClass;
import io.keelson.sysom.v1.GetBreakdownRequest;
import io.keelson.sysom.v1.GetBreakdownResponse;
import io.keelson.sysom.v1.JobState;
import io.keelson.sysom.v1.Layer;
import io.keelson.sysom.v1.ListJobsRequest;
import io.keelson.sysom.v1.RankDump;
import io.keelson.sysom.v1.RunFaultBenchmarkRequest;
import io.keelson.sysom.v1.RunFaultBenchmarkResponse;
import io.keelson.sysom.v1.StepReport;
import io.keelson.sysom.v1.StreamEventsResponse;
import io.keelson.sysom.v1.SysomServiceGrpc;
import io.keelson.sysom.v1.WatchDiagnosesRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SysomGrpcServiceTest {

    private static final Topology TOPOLOGY = new Topology(8, 4, 2);
    private InProcessEventBus bus;
    private SysomSystem system;
    private Server server;
    private ManagedChannel channel;
    private SysomServiceGrpc.SysomServiceBlockingStub stub;
    private SysomServiceGrpc.SysomServiceStub async;

    @BeforeEach
    void start() throws Exception {
        bus = new InProcessEventBus();
        system = SysomSystem.start(bus);
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).addService(system.service()).build().start();
        channel = InProcessChannelBuilder.forName(name).build();
        stub = SysomServiceGrpc.newBlockingStub(channel);
        async = SysomServiceGrpc.newStub(channel);
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
        system.close();
    }

    /** A node agent's stream: every rank's report of {@code steps} steps of a simulated job. */
    private StreamEventsResponse stream(String job, List<Fault> faults, int steps, List<StepReport> extra) throws Exception {
        ClusterSimulator sim = new ClusterSimulator(ClusterSimulator.Config.of(TOPOLOGY, KernelProfile.bundled(), 3), faults);
        SingleResponse<StreamEventsResponse> reply = new SingleResponse<>();
        StreamObserver<StepReport> in = async.streamEvents(reply);
        for (int s = 0; s < steps; s++) {
            for (RankStep step : sim.step()) {
                in.onNext(StepReports.of(job, TOPOLOGY.ranks(), step));
            }
        }
        extra.forEach(in::onNext);
        in.onCompleted();
        return reply.get(30);
    }

    @Test
    void aStreamedJobIsListedBrokenDownAndItsStragglerDiagnosedWithTheEvidence() throws Exception {
        List<String> rank13 = new java.util.concurrent.CopyOnWriteArrayList<>();
        bus.subscribe("keelson.sysom.step-reports", "llm-7b/13", e -> rank13.add(e.key()));
        StreamEventsResponse streamed = stream("llm-7b", List.of(new Fault.GpuStraggler(13, 0.25, 2)), 8, List.of());
        assertThat(streamed.getAccepted()).isEqualTo(8L * TOPOLOGY.ranks());
        assertThat(rank13).as("rank 13's reports on the bus, keyed job/rank").hasSize(8);
        assertThat(streamed.getRejected()).isZero();

        assertThat(stub.listJobs(ListJobsRequest.getDefaultInstance()).getJobsList()).singleElement().satisfies(j -> {
            assertThat(j.getJob()).isEqualTo("llm-7b");
            assertThat(j.getWorldSize()).isEqualTo(64);
            assertThat(j.getCompleteSteps()).isEqualTo(8);
            assertThat(j.getState()).isEqualTo(JobState.JOB_STATE_RUNNING);
        });

        GetBreakdownResponse breakdown = stub.getBreakdown(GetBreakdownRequest.newBuilder().setJob("llm-7b").setWindowSteps(4).build());
        assertThat(breakdown.getFromStep()).isEqualTo(4);
        assertThat(breakdown.getToStep()).isEqualTo(7);
        assertThat(breakdown.getRanksList()).hasSize(64);
        assertThat(breakdown.getRanks(13).getBusyMicros() / breakdown.getRanks(12).getBusyMicros()).isBetween(1.15, 1.35);
        assertThat(breakdown.getRanks(12).getInCollectivesMicros()).isGreaterThan(breakdown.getRanks(13).getInCollectivesMicros());
        // the others wait for the straggler inside their collectives; it waits less than any of them
        assertThat(breakdown.getRanksList()).filteredOn(r -> r.getRank() != 13)
                .allSatisfy(r -> assertThat(r.getWaitMicros()).isGreaterThan(breakdown.getRanks(13).getWaitMicros()));
        assertThat(breakdown.getRanks(12).getWaitMicros() + breakdown.getRanks(12).getTransferMicros())
                .isCloseTo(breakdown.getRanks(12).getInCollectivesMicros(), org.assertj.core.api.Assertions.withinPercentage(10));
        // every rank sends to its ring successor in each of its communicators
        assertThat(breakdown.getEdgesList()).hasSizeGreaterThanOrEqualTo(64).allSatisfy(e -> {
            assertThat(e.getFromRank()).isNotEqualTo(e.getToRank());
            assertThat(e.getCollectives()).isPositive();
            assertThat(e.getBusGigabytesPerSecond()).isPositive();
        });

        GetBreakdownResponse one = stub.getBreakdown(GetBreakdownRequest.newBuilder().setJob("llm-7b").setWindowSteps(4).setRank(13).build());
        assertThat(one.getRanksList()).singleElement().isEqualTo(breakdown.getRanks(13));
        assertThat(one.getEdgesList()).isNotEmpty().allSatisfy(e -> assertThat(List.of(e.getFromRank(), e.getToRank())).contains(13));
        assertThatThrownBy(() -> stub.getBreakdown(GetBreakdownRequest.newBuilder().setJob("llm-7b").setRank(64).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(fields(e)).containsExactly("rank"));

        DiagnoseResponse diagnosis = stub.diagnose(DiagnoseRequest.newBuilder().setJob("llm-7b").build());
        assertThat(diagnosis.getBackend()).isEqualTo(Backend.BACKEND_OFFLINE_ANALYSIS);
        assertThat(diagnosis.getFindingsList()).singleElement().satisfies(f -> {
            assertThat(f.getRank()).isEqualTo(13);
            assertThat(f.getFaultClass()).isEqualTo(FaultClass.FAULT_CLASS_GPU_STRAGGLER);
            assertThat(f.getLayer()).isEqualTo(Layer.LAYER_L2_KERNELS);
            assertThat(f.getEvidenceList()).extracting(e -> e.getLayer())
                    .contains(Layer.LAYER_L0_STEP_TIME, Layer.LAYER_L1_COLLECTIVES, Layer.LAYER_L2_KERNELS);
        });
    }

    @Test
    void badReportsAreCountedNamedAndSkippedWhileTheRestIsKept() throws Exception {
        StepReport good = StepReport.newBuilder().setJob("j").setRank(0).setWorldSize(2).setStep(0).setStartMicros(0).setEndMicros(10).build();
        List<StepReport> bad = List.of(
                good.toBuilder().setRank(5).build(),
                good.toBuilder().setWorldSize(3).setRank(1).build(),
                good.toBuilder().setStartMicros(Double.NaN).build(),
                good.toBuilder().setJob("no spaces allowed").build(),
                good.toBuilder().setEndMicros(-1).build());
        SingleResponse<StreamEventsResponse> reply = new SingleResponse<>();
        StreamObserver<StepReport> in = async.streamEvents(reply);
        in.onNext(good);
        bad.forEach(in::onNext);
        in.onNext(good.toBuilder().setRank(1).build());
        in.onCompleted();
        StreamEventsResponse r = reply.get(10);
        assertThat(r.getAccepted()).isEqualTo(2);
        assertThat(r.getRejected()).isEqualTo(5);
        assertThat(r.getRejectionsList()).extracting(x -> x.getIndex() + ":" + x.getField())
                .containsExactly("1:rank", "2:world_size", "3:start_micros", "4:job", "5:end_micros");
        assertThat(stub.listJobs(ListJobsRequest.getDefaultInstance()).getJobs(0).getCompleteSteps()).isEqualTo(1);
    }

    @Test
    void watchingAJobStreamsEachStepsDiagnosisAndNamesTheRankAHangWaitsFor() throws Exception {
        stream("train", List.of(), 3, List.of()); // the job must exist before it can be watched
        Iterator<DiagnoseResponse> updates = stub.withDeadlineAfter(30, TimeUnit.SECONDS)
                .watchDiagnoses(WatchDiagnosesRequest.newBuilder().setJob("train").build());
        assertThat(updates.next().getFindingsList()).isEmpty();
        CompletableFuture<Void> agent = CompletableFuture.runAsync(() -> {
            try {
                stream("train", List.of(new Fault.CollectiveHang(37, 5)), 6, List.of());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        List<DiagnoseResponse> seen = new ArrayList<>();
        while (seen.isEmpty() || seen.get(seen.size() - 1).getFindingsCount() == 0) {
            seen.add(updates.next());
        }
        agent.get(30, TimeUnit.SECONDS);
        assertThat(seen.get(seen.size() - 1).getFindingsList()).singleElement().satisfies(f -> {
            assertThat(f.getRank()).isEqualTo(37);
            assertThat(f.getFaultClass()).isEqualTo(FaultClass.FAULT_CLASS_COLLECTIVE_HANG);
        });
        assertThat(stub.listJobs(ListJobsRequest.getDefaultInstance()).getJobs(0).getState()).isEqualTo(JobState.JOB_STATE_HUNG);
    }

    @Test
    void aWindowExportsAsAChromeTraceAndItsStacksAsAPprofProfile() throws Exception {
        stream("export", List.of(new Fault.DataLoaderStall(5, 0.5, 0)), 4, List.of());
        ExportResponse trace = stub.exportChromeTrace(ExportRequest.newBuilder().setJob("export").setWindowSteps(2).build());
        assertThat(trace.getMediaType()).isEqualTo("application/json");
        assertThat(trace.getFileName()).isEqualTo("export-steps-2-3.json");
        List<io.keelson.sysom.core.trace.TraceEvent> events = new ArrayList<>();
        new io.keelson.sysom.core.trace.KinetoReader().read(trace.getData().newInput(), events::add);
        assertThat(events.stream().filter(e -> e.category().equals("step"))).hasSize(2 * 64);

        ExportResponse one = stub.exportProfile(ExportProfileRequest.newBuilder().setJob("export").setRank(5).setWindowSteps(2).build());
        assertThat(one.getFileName()).isEqualTo("export-rank5-steps-2-3.pb.gz");
        var folded = io.keelson.sysom.core.trace.Pprof.read(one.getData().newInput(), "samples").stacks();
        ExportResponse peer = stub.exportProfile(ExportProfileRequest.newBuilder().setJob("export").setRank(6).setWindowSteps(2).build());
        var peerFolded = io.keelson.sysom.core.trace.Pprof.read(peer.getData().newInput(), "").stacks();
        String loader = "python;train_step;dataloader;__next__;read_batch";
        assertThat(folded.get(loader)).isGreaterThan(2 * peerFolded.get(loader)); // the stalled loader shows in its profile
        ExportResponse all = stub.exportProfile(ExportProfileRequest.newBuilder().setJob("export").setRank(-1).setWindowSteps(2).build());
        assertThat(io.keelson.sysom.core.trace.Pprof.read(all.getData().newInput(), "").stacks().get(loader)).isGreaterThan(folded.get(loader));
        assertThatThrownBy(() -> stub.exportProfile(ExportProfileRequest.newBuilder().setJob("export").setRank(64).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(fields(e)).containsExactly("rank"));
    }

    @Test
    void profilesFromAProfilerJoinTheirStepsStacksEvenWhenTheyArriveFirst() throws Exception {
        stream("prof", List.of(), 3, List.of());
        byte[] pprof = io.keelson.sysom.core.trace.Pprof.write(java.util.Map.of("python;train_step;optimizer;adam_step", 250L), "samples",
                "count", 1_000_000_000L);
        SingleResponse<StreamEventsResponse> reply = new SingleResponse<>();
        StreamObserver<io.keelson.sysom.v1.ProfileUpload> in = async.streamProfiles(reply);
        var upload = io.keelson.sysom.v1.ProfileUpload.newBuilder().setJob("prof").setRank(3).setWorldSize(64)
                .setPprof(com.google.protobuf.ByteString.copyFrom(pprof));
        in.onNext(upload.setStep(2).build());                 // a step already reported
        in.onNext(upload.setStep(3).build());                 // a step not reported yet
        in.onNext(upload.setJob("nobody").build());
        in.onNext(upload.setJob("prof").setPprof(com.google.protobuf.ByteString.copyFromUtf8("not a profile")).build());
        in.onCompleted();
        StreamEventsResponse r = reply.get(10);
        assertThat(r.getAccepted()).isEqualTo(2);
        assertThat(r.getRejectionsList()).extracting(x -> x.getIndex() + ":" + x.getField()).containsExactly("2:job", "3:pprof");
        stream("prof", List.of(), 4, List.of()); // steps 0..3 again: step 3 arrives after its profile
        ExportResponse profile = stub.exportProfile(ExportProfileRequest.newBuilder().setJob("prof").setRank(3).setWindowSteps(2).build());
        assertThat(io.keelson.sysom.core.trace.Pprof.read(profile.getData().newInput(), "").stacks())
                .containsEntry("python;train_step;optimizer;adam_step", 500L);
    }

    @Test
    void anUnknownJobIsNotFoundAndABadWindowNamesItsField() {
        assertThatThrownBy(() -> stub.diagnose(DiagnoseRequest.newBuilder().setJob("nobody").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        assertThatThrownBy(() -> stub.diagnose(DiagnoseRequest.newBuilder().setJob("x y").setWindowSteps(1).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(fields(e)).containsExactly("job", "window_steps"));
    }

    @Test
    void theFaultBenchmarkRunsOnASimulatedClusterAndRefusesSizesItWillNotRun() {
        RunFaultBenchmarkResponse r = stub.runFaultBenchmark(RunFaultBenchmarkRequest.newBuilder().setDp(4).setTp(2).setPp(1).setSeeds(1)
                .addSlowdowns(0.3).setSeed(9).build());
        assertThat(r.getBackend()).isEqualTo(Backend.BACKEND_SIMULATED_CLUSTER);
        assertThat(r.getKernelSource()).isEqualTo("alexnet_trace.json.gz");
        assertThat(r.getScenarios()).isEqualTo(6 + 1 + 4 + 2);
        assertThat(r.getScoresList()).hasSize(2);
        assertThat(r.getScores(0).getSingleRecall()).isGreaterThanOrEqualTo(0.8);
        assertThat(r.getScores(1).getHangRecall()).isZero();
        assertThatThrownBy(() -> stub.runFaultBenchmark(RunFaultBenchmarkRequest.newBuilder().setDp(64).setTp(8).setPp(4).setSeeds(9)
                .addSlowdowns(7).build())).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(fields(e)).containsExactly("dp", "seeds", "slowdowns[0]"));
    }

    @Test
    void flightRecorderDumpsOfAHungJobNameTheMissingRankAndBadDumpsAreCountedNotFatal() throws Exception {
        AnalyzeFlightRecorderRequest.Builder request = AnalyzeFlightRecorderRequest.newBuilder();
        for (int rank = 0; rank < 4; rank++) {
            request.addDumps(RankDump.newBuilder().setRank(rank)
                    .setDump(ByteString.copyFrom(Files.readAllBytes(Path.of("../testdata/flight-recorder/missing-rank/nccl_trace_rank_" + rank)))));
        }
        request.addDumps(RankDump.newBuilder().setRank(9).setDump(ByteString.copyFromUtf8("garbage")));
        AnalyzeFlightRecorderResponse r = stub.analyzeFlightRecorder(request.build());

        assertThat(r.getBackend()).isEqualTo(Backend.BACKEND_OFFLINE_ANALYSIS);
        assertThat(r.getEntries()).isEqualTo(10 + 10 + 9 + 10);
        assertThat(r.getRejectionsList()).singleElement().satisfies(x -> {
            assertThat(x.getIndex()).isEqualTo(4);
            assertThat(x.getReason()).contains("not a flight-recorder dump");
        });
        assertThat(r.getVerdictsList()).singleElement().satisfies(v -> {
            assertThat(v.getGroup()).isEqualTo("0");
            assertThat(v.getMissingRanks().getSequence()).isEqualTo(10);
            assertThat(v.getMissingRanks().getMissingList()).containsExactly(2);
            assertThat(v.getMissingRanks().getWaitingList()).containsExactly(0, 1, 3);
            assertThat(v.getMissingRanks().getLastIssuedMap()).containsEntry(2, 9L);
            assertThat(v.getExplanation()).contains("stuck before it");
        });

        assertThatThrownBy(() -> stub.analyzeFlightRecorder(AnalyzeFlightRecorderRequest.newBuilder()
                .addDumps(RankDump.newBuilder().setRank(1).setDump(ByteString.copyFromUtf8("x")))
                .addDumps(RankDump.newBuilder().setRank(1)).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(fields(e)).containsExactly("dumps[1].rank", "dumps[1].dump"));
        assertThatThrownBy(() -> stub.analyzeFlightRecorder(AnalyzeFlightRecorderRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(fields(e)).containsExactly("dumps"));
    }

    private static List<String> fields(StatusRuntimeException e) {
        return StatusProto.fromThrowable(e).getDetailsList().stream().filter(a -> a.is(BadRequest.class))
                .flatMap(a -> unpack(a).getFieldViolationsList().stream()).map(BadRequest.FieldViolation::getField).toList();
    }

    private static BadRequest unpack(com.google.protobuf.Any any) {
        try {
            return any.unpack(BadRequest.class);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }
}
