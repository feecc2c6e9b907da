package io.keelson.sysom.service;

import io.keelson.sysom.core.Medians;
import com.google.rpc.BadRequest;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.keelson.common.events.EventBus;
import io.keelson.common.grpc.GrpcErrors;
import io.keelson.common.grpc.UnaryCall;
import io.keelson.common.grpc.Violations;
import io.keelson.common.v1.Backend;
import io.keelson.common.v1.ErrorReason;
import io.keelson.sysom.core.diagnosis.BaselineDetector;
import io.keelson.sysom.core.diagnosis.LayeredDiagnosis;
import io.keelson.sysom.core.diagnosis.Report;
import io.keelson.sysom.core.diagnosis.StepTimes;
import io.keelson.sysom.core.timeline.CollectiveMatch;
import io.keelson.sysom.core.timeline.CollectiveTraffic;
import io.keelson.sysom.core.timeline.JobStore;
import io.keelson.sysom.core.timeline.RankStep;
import io.keelson.sysom.core.trace.ChromeTrace;
import io.keelson.sysom.core.trace.FlightRecorderDump;
import io.keelson.sysom.core.trace.Pprof;
import io.keelson.sysom.core.trace.ReadReport;
import io.keelson.sysom.core.xfault.FaultBenchmark;
import io.keelson.sysom.core.xfault.KernelProfile;
import io.keelson.sysom.core.xfault.Topology;
import io.keelson.sysom.v1.AnalyzeFlightRecorderRequest;
import io.keelson.sysom.v1.AnalyzeFlightRecorderResponse;
import io.keelson.sysom.v1.DetectorScores;
import io.keelson.sysom.v1.DiagnoseRequest;
import io.keelson.sysom.v1.DiagnoseResponse;
import io.keelson.sysom.v1.EdgeTraffic;
import io.keelson.sysom.v1.ExportProfileRequest;
import io.keelson.sysom.v1.ExportRequest;
import io.keelson.sysom.v1.ExportResponse;
import io.keelson.sysom.v1.GetBreakdownRequest;
import io.keelson.sysom.v1.GetBreakdownResponse;
import io.keelson.sysom.v1.JobState;
import io.keelson.sysom.v1.JobSummary;
import io.keelson.sysom.v1.ListJobsRequest;
import io.keelson.sysom.v1.ListJobsResponse;
import io.keelson.sysom.v1.ProfileUpload;
import io.keelson.sysom.v1.RankBreakdown;
import io.keelson.sysom.v1.RankDump;
import io.keelson.sysom.v1.Rejection;
import io.keelson.sysom.v1.RunFaultBenchmarkRequest;
import io.keelson.sysom.v1.RunFaultBenchmarkResponse;
import io.keelson.sysom.v1.StepReport;
import io.keelson.sysom.v1.StreamEventsResponse;
import io.keelson.sysom.v1.SysomServiceGrpc;
import io.keelson.sysom.v1.WatchDiagnosesRequest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * keelson.sysom.v1 over a {@link JobStore}: node agents stream step reports in, operators list jobs, read
 * breakdowns and diagnoses (once, or again at every completed step), and run XFault. Diagnoses are computed from
 * what agents reported ({@code BACKEND_OFFLINE_ANALYSIS}); XFault's come from a simulated cluster
 * ({@code BACKEND_SIMULATED_CLUSTER}).
 *
 * <p>On the event bus (in-process, or Kafka in cluster mode): every kept report on {@value #STEP_REPORTS} keyed
 * {@code job/rank}, and the job's diagnosis on {@value #DIAGNOSES} keyed by job each time one of its steps completes
 * or hangs; {@code WatchDiagnoses} reads that topic back, so it shows what every other consumer sees.
 */
public final class SysomGrpcService extends SysomServiceGrpc.SysomServiceImplBase {

    private static final int MAX_REJECTIONS_LISTED = 100;
    private static final int MAX_BENCHMARK_RANKS = 1024;
    private static final int MAX_FLIGHT_RECORDER_RANKS = 4096;
    private static final int MAX_EXPORT_BYTES = 4 << 20;

    static final String STEP_REPORTS = "keelson.sysom.step-reports";
    static final String DIAGNOSES = "keelson.sysom.diagnoses";
    private static final int WATCH_WINDOW = 4;

    private final JobStore store;
    private final EventBus bus;
    private final LayeredDiagnosis diagnosis = new LayeredDiagnosis(LayeredDiagnosis.Settings.defaults());

    public SysomGrpcService(JobStore store, EventBus bus) {
        this.store = store;
        this.bus = bus;
        store.onChange((job, step) -> bus.publish(DIAGNOSES, job,
                response(job, diagnosis.diagnose(store.window(job, WATCH_WINDOW).orElse(List.of())))));
    }

    @Override
    public StreamObserver<StepReport> streamEvents(StreamObserver<StreamEventsResponse> out) {
        return new Intake<>(out, (report, v) -> {
            RankStep step = Wire.step(report, v);
            return v.found().isEmpty() ? Optional.of(() -> {
                store.add(report.getJob(), report.getWorldSize(), step);
                bus.publish(STEP_REPORTS, report.getJob() + "/" + report.getRank(), report);
            }) : Optional.empty();
        });
    }

    @Override
    public StreamObserver<ProfileUpload> streamProfiles(StreamObserver<StreamEventsResponse> out) {
        return new Intake<>(out, (upload, v) -> {
            v.check(Wire.JOB.matcher(upload.getJob()).matches(), "job", "must match [A-Za-z0-9._-]{1,64}");
            v.check(upload.getStep() >= 0 && upload.getStep() <= Integer.MAX_VALUE, "step", "must be 0.." + Integer.MAX_VALUE);
            v.check(upload.getPprof().size() <= MAX_EXPORT_BYTES, "pprof", "at most " + MAX_EXPORT_BYTES + " bytes");
            Pprof.Folded folded = null;
            try {
                folded = Pprof.read(upload.getPprof().newInput(), upload.getSampleType());
            } catch (java.io.IOException e) {
                v.add("pprof", "not a pprof profile: " + e.getMessage());
            }
            Pprof.Folded profile = folded;
            return v.found().isEmpty() ? Optional.of(() -> store.addStacks(upload.getJob(), upload.getRank(), (int) upload.getStep(),
                    profile.stacks())) : Optional.empty();
        });
    }

    /**
     * A client stream of uploads: each is checked (its violations named), then applied; a bad one is counted, the first
     * {@value #MAX_REJECTIONS_LISTED} listed with their index and field, and the stream goes on.
     */
    private static final class Intake<T> implements StreamObserver<T> {

        /** Checks an upload, adding violations; returns what applies it when it has none. */
        interface Check<T> {
            Optional<Runnable> check(T upload, Violations v);
        }

        private final StreamObserver<StreamEventsResponse> out;
        private final Check<T> check;
        private final List<Rejection> rejections = new ArrayList<>();
        private long index;
        private long accepted;
        private long rejected;

        Intake(StreamObserver<StreamEventsResponse> out, Check<T> check) {
            this.out = out;
            this.check = check;
        }

        @Override
        public void onNext(T upload) {
            long at = index++;
            Violations v = new Violations();
            Optional<Runnable> apply = check.check(upload, v);
            List<BadRequest.FieldViolation> bad = v.found();
            if (apply.isPresent()) {
                try {
                    apply.get().run();
                    accepted++;
                    return;
                } catch (JobStore.Rejected e) {
                    bad = List.of(GrpcErrors.violation(e.field(), e.getMessage()));
                }
            }
            rejected++;
            if (rejections.size() < MAX_REJECTIONS_LISTED) {
                rejections.add(Rejection.newBuilder().setIndex(at).setField(bad.get(0).getField()).setReason(bad.get(0).getDescription()).build());
            }
        }

        @Override
        public void onError(Throwable t) {
            // the sender went away: what it sent is kept
        }

        @Override
        public void onCompleted() {
            out.onNext(StreamEventsResponse.newBuilder().setAccepted(accepted).setRejected(rejected).addAllRejections(rejections)
                    .setBackend(Backend.BACKEND_OFFLINE_ANALYSIS).build());
            out.onCompleted();
        }
    }

    @Override
    public void listJobs(ListJobsRequest request, StreamObserver<ListJobsResponse> out) {
        unary(out, () -> {
            ListJobsResponse.Builder b = ListJobsResponse.newBuilder().setBackend(Backend.BACKEND_OFFLINE_ANALYSIS);
            for (JobStore.Summary s : store.jobs()) {
                b.addJobs(JobSummary.newBuilder().setJob(s.job()).setWorldSize(s.worldSize()).setCompleteSteps(s.completeSteps())
                        .setLatestStep(s.latestStep()).setState(JobState.valueOf("JOB_STATE_" + s.state().name())));
            }
            return b.build();
        });
    }

    @Override
    public void getBreakdown(GetBreakdownRequest request, StreamObserver<GetBreakdownResponse> out) {
        unary(out, () -> {
            List<List<RankStep>> window = window(request.getJob(), request.getWindowSteps(), 8, 1).stream()
                    .filter(s -> s.stream().allMatch(RankStep::completed)).toList();
            if (request.hasRank()) {
                Violations v = new Violations();
                v.check(request.getRank() >= 0 && (window.isEmpty() || window.get(0).stream().anyMatch(s -> s.rank() == request.getRank())), "rank",
                        "no rank " + request.getRank() + " in job '" + request.getJob() + "'");
                v.throwIfAny();
            }
            GetBreakdownResponse.Builder b = GetBreakdownResponse.newBuilder().setBackend(Backend.BACKEND_OFFLINE_ANALYSIS);
            if (window.isEmpty()) {
                return b.setFromStep(-1).setToStep(-1).build();
            }
            b.setFromStep(window.get(0).get(0).step()).setToStep(window.get(window.size() - 1).get(0).step());
            CollectiveTraffic.Summary traffic = CollectiveTraffic.of(window);
            for (int i = 0; i < window.get(0).size(); i++) {
                int index = i;
                if (request.hasRank() && window.get(0).get(i).rank() != request.getRank()) {
                    continue;
                }
                CollectiveTraffic.RankTraffic t = traffic.rank(window.get(0).get(i).rank());
                b.addRanks(RankBreakdown.newBuilder().setRank(window.get(0).get(i).rank())
                        .setBusyMicros(median(window, index, RankStep::busyMicros))
                        .setComputeMicros(median(window, index, RankStep::computeMicros))
                        .setMemcpyMicros(median(window, index, RankStep::memcpyMicros))
                        .setInCollectivesMicros(median(window, index, s -> s.endMicros() - s.startMicros() - s.busyMicros()))
                        .setWaitMicros(t.waitMicros()).setTransferMicros(t.transferMicros()));
            }
            traffic.edges().stream().filter(e -> !request.hasRank() || e.fromRank() == request.getRank() || e.toRank() == request.getRank())
                    .forEach(e -> b.addEdges(EdgeTraffic.newBuilder().setCommunicator(e.communicator()).setFromRank(e.fromRank())
                    .setToRank(e.toRank()).setCollectives(e.collectives()).setBytes(e.bytes()).setSendMicros(e.sendMicros())
                    .setBusGigabytesPerSecond(e.busGigabytesPerSecond())));
            return b.build();
        });
    }

    @Override
    public void diagnose(DiagnoseRequest request, StreamObserver<DiagnoseResponse> out) {
        unary(out, () -> response(request.getJob(), diagnosis.diagnose(window(request.getJob(), request.getWindowSteps(), 4, 3))));
    }

    @Override
    public void watchDiagnoses(WatchDiagnosesRequest request, StreamObserver<DiagnoseResponse> out) {
        List<List<RankStep>> first;
        try {
            first = window(request.getJob(), 0, WATCH_WINDOW, WATCH_WINDOW);
        } catch (RuntimeException e) {
            out.onError(e);
            return;
        }
        ServerCallStreamObserver<DiagnoseResponse> server = (ServerCallStreamObserver<DiagnoseResponse>) out;
        synchronized (server) {
            server.onNext(response(request.getJob(), diagnosis.diagnose(first)));
        }
        Runnable unsubscribe = bus.subscribe(DIAGNOSES, request.getJob(), event -> {
            if (server.isCancelled()) {
                return;
            }
            try {
                DiagnoseResponse update = DiagnoseResponse.parseFrom(event.payload());
                synchronized (server) {
                    server.onNext(update);
                }
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new IllegalStateException("a " + DIAGNOSES + " event that is not a DiagnoseResponse", e);
            }
        });
        server.setOnCancelHandler(unsubscribe);
    }

    @Override
    public void exportChromeTrace(ExportRequest request, StreamObserver<ExportResponse> out) {
        unary(out, () -> {
            List<List<RankStep>> window = window(request.getJob(), request.getWindowSteps(), 8, 1);
            return export(ChromeTrace.write(window), "application/json", request.getJob(), window, ".json");
        });
    }

    @Override
    public void exportProfile(ExportProfileRequest request, StreamObserver<ExportResponse> out) {
        unary(out, () -> {
            List<List<RankStep>> window = window(request.getJob(), request.getWindowSteps(), 8, 1);
            int ranks = window.isEmpty() ? 0 : window.get(window.size() - 1).size();
            Violations v = new Violations();
            v.check(request.getRank() >= -1 && (request.getRank() == -1 || window.stream().anyMatch(step -> step.stream()
                    .anyMatch(s -> s.rank() == request.getRank()))), "rank", "-1 (all) or a rank that reported, was " + request.getRank()
                    + " (the window has " + ranks + " ranks)");
            v.throwIfAny();
            Map<String, Long> stacks = new TreeMap<>();
            double micros = 0;
            for (List<RankStep> step : window) {
                for (RankStep s : step) {
                    if (request.getRank() == -1 || s.rank() == request.getRank()) {
                        s.stacks().forEach((stack, n) -> stacks.merge(stack, n, Long::sum));
                        micros += s.completed() ? s.endMicros() - s.startMicros() : 0;
                    }
                }
            }
            return export(Pprof.write(stacks, "samples", "count", (long) (micros * 1000)), "application/vnd.google.protobuf+gzip",
                    request.getJob() + (request.getRank() == -1 ? "" : "-rank" + request.getRank()), window, ".pb.gz");
        });
    }

    private static ExportResponse export(byte[] data, String mediaType, String name, List<List<RankStep>> window, String suffix) {
        if (data.length > MAX_EXPORT_BYTES) {
            throw GrpcErrors.of(Status.Code.RESOURCE_EXHAUSTED, ErrorReason.ERROR_REASON_RESOURCE_EXHAUSTED, "window_steps: the export is "
                    + data.length + " bytes, more than the " + MAX_EXPORT_BYTES + " a reply carries; ask for fewer steps");
        }
        String steps = window.isEmpty() ? "none" : window.get(0).get(0).step() + "-" + window.get(window.size() - 1).get(0).step();
        return ExportResponse.newBuilder().setData(com.google.protobuf.ByteString.copyFrom(data)).setMediaType(mediaType)
                .setFileName(name + "-steps-" + steps + suffix).setBackend(Backend.BACKEND_OFFLINE_ANALYSIS).build();
    }

    @Override
    public void analyzeFlightRecorder(AnalyzeFlightRecorderRequest request, StreamObserver<AnalyzeFlightRecorderResponse> out) {
        unary(out, () -> {
            Violations v = new Violations();
            v.check(request.getDumpsCount() >= 1 && request.getDumpsCount() <= MAX_FLIGHT_RECORDER_RANKS, "dumps",
                    "1.." + MAX_FLIGHT_RECORDER_RANKS + " rank dumps, was " + request.getDumpsCount());
            Set<Integer> seen = new HashSet<>();
            for (int i = 0; i < request.getDumpsCount(); i++) {
                RankDump d = request.getDumps(i);
                v.check(d.getRank() >= 0, "dumps[" + i + "].rank", "must be >= 0, was " + d.getRank());
                v.check(seen.add(d.getRank()), "dumps[" + i + "].rank", "rank " + d.getRank() + " sent twice");
                v.check(!d.getDump().isEmpty(), "dumps[" + i + "].dump", "empty");
            }
            v.throwIfAny();
            AnalyzeFlightRecorderResponse.Builder b = AnalyzeFlightRecorderResponse.newBuilder().setBackend(Backend.BACKEND_OFFLINE_ANALYSIS);
            List<FlightRecorderDump.Dump> dumps = new ArrayList<>();
            for (int i = 0; i < request.getDumpsCount(); i++) {
                RankDump d = request.getDumps(i);
                ReadReport report = new ReadReport();
                try {
                    dumps.add(FlightRecorderDump.read(d.getDump().newInput(), d.getRank(), report));
                } catch (IOException e) {
                    b.addRejections(Rejection.newBuilder().setIndex(i).setField("dumps[" + i + "].dump").setReason(e.getMessage()));
                    continue;
                }
                b.setEntries(b.getEntries() + report.keptEvents());
                int index = i;
                report.skippedByReason().forEach((reason, n) -> b.addRejections(Rejection.newBuilder().setIndex(index)
                        .setField("dumps[" + index + "].dump").setReason(n + " entries skipped: " + reason)));
            }
            CollectiveMatch.match(dumps).forEach(verdict -> b.addVerdicts(Wire.verdict(verdict)));
            return b.build();
        });
    }

    @Override
    public void runFaultBenchmark(RunFaultBenchmarkRequest request, StreamObserver<RunFaultBenchmarkResponse> out) {
        unary(out, () -> {
            Violations v = new Violations();
            v.check(request.getDp() >= 1 && request.getTp() >= 1 && request.getPp() >= 1, "dp", "dp, tp and pp must each be at least 1");
            long ranks = (long) Math.max(1, request.getDp()) * Math.max(1, request.getTp()) * Math.max(1, request.getPp());
            v.check(ranks >= 8 && ranks <= MAX_BENCHMARK_RANKS, "dp", "dp × tp × pp must be 8.." + MAX_BENCHMARK_RANKS + " ranks, was " + ranks);
            v.check(request.getSeeds() >= 1 && request.getSeeds() <= 5, "seeds", "must be 1..5, was " + request.getSeeds());
            for (int i = 0; i < request.getSlowdownsCount(); i++) {
                double s = request.getSlowdowns(i);
                v.check(s >= 0.05 && s <= 2, "slowdowns[" + i + "]", "must be in [0.05, 2], was " + s);
            }
            v.throwIfAny();
            List<Double> slowdowns = request.getSlowdownsCount() == 0 ? List.of(0.1, 0.2, 0.5) : request.getSlowdownsList();
            KernelProfile profile = KernelProfile.bundled();
            BaselineDetector baseline = new BaselineDetector(0.10);
            FaultBenchmark.Result result = FaultBenchmark.run(new FaultBenchmark.Options(new Topology(request.getDp(), request.getTp(),
                            request.getPp()), 14, 6, 4, slowdowns, request.getSeeds(), 4 * request.getSeeds(), 2, 100, request.getSeed()), profile,
                    List.of(new FaultBenchmark.Detector("layered diagnosis (L0-L4)", diagnosis::diagnose),
                            new FaultBenchmark.Detector("baseline: per-rank step time > median + 10 %, two steps", baseline::diagnose)));
            RunFaultBenchmarkResponse.Builder b = RunFaultBenchmarkResponse.newBuilder().setScenarios(result.scenarios())
                    .setRankSteps(result.rankSteps()).setSeconds(result.seconds()).setKernelSource(profile.source())
                    .setBackend(Backend.BACKEND_SIMULATED_CLUSTER);
            for (FaultBenchmark.Scores s : result.scores()) {
                b.addScores(DetectorScores.newBuilder().setDetector(s.detector()).setSingleRecall(s.singleRecall())
                        .setSinglePrecision(s.singlePrecision()).setClassAccuracy(s.classAccuracy()).setTop3(s.top3())
                        .setPairRecall(s.pairRecall()).setPairPrecision(s.pairPrecision()).setHangRecall(s.hangRecall())
                        .setFalseAlarmsPer1000Steps(s.falseAlarmsPer1000()).setMedianLatencySteps(s.medianLatency())
                        .setMaxLatencySteps(s.maxLatency()));
            }
            return b.build();
        });
    }

    /** The job's window: INVALID_ARGUMENT for a bad job name or window size, NOT_FOUND for a job nobody reported. */
    private List<List<RankStep>> window(String job, int requested, int fallback, int min) {
        Violations v = new Violations();
        v.check(Wire.JOB.matcher(job).matches(), "job", "must match [A-Za-z0-9._-]{1,64}");
        v.check(requested == 0 || requested >= min && requested <= JobStore.KEPT_STEPS, "window_steps",
                "must be 0 (default " + fallback + ") or " + min + ".." + JobStore.KEPT_STEPS + ", was " + requested);
        v.throwIfAny();
        return store.window(job, requested == 0 ? fallback : requested).orElseThrow(() -> GrpcErrors.of(Status.Code.NOT_FOUND,
                ErrorReason.ERROR_REASON_NOT_FOUND, "job: no reports of a job named '" + job + "'"));
    }

    private static DiagnoseResponse response(String job, Report report) {
        DiagnoseResponse.Builder b = DiagnoseResponse.newBuilder().setJob(job).setFromStep(report.fromStep()).setToStep(report.toStep())
                .setBackend(Backend.BACKEND_OFFLINE_ANALYSIS);
        report.findings().forEach(f -> b.addFindings(Wire.finding(f)));
        return b.build();
    }

    private static double median(List<List<RankStep>> window, int index, ToDoubleFunction<RankStep> metric) {
        return Medians.of(window.stream().mapToDouble(step -> metric.applyAsDouble(step.get(index))).toArray());
    }

    private static <T> void unary(StreamObserver<T> out, java.util.function.Supplier<T> handler) {
        UnaryCall.respond(out, handler, e -> Optional.empty());
    }
}
