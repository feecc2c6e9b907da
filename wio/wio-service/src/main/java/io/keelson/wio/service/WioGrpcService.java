package io.keelson.wio.service;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.keelson.common.grpc.GrpcErrors;
import io.keelson.common.grpc.UnaryCall;
import io.keelson.common.grpc.Violations;
import io.keelson.common.v1.Backend;
import io.keelson.common.v1.ErrorReason;
import io.keelson.wio.core.actor.ActorModule;
import io.keelson.wio.core.actor.Actors;
import io.keelson.wio.core.region.ControlBlock;
import io.keelson.wio.core.runtime.LiveDevice;
import io.keelson.wio.core.runtime.WioRuntime;
import io.keelson.wio.core.sched.AgilityScheduler;
import io.keelson.wio.core.sched.Placement;
import io.keelson.wio.core.sched.PlacementPolicy;
import io.keelson.wio.core.sim.Calibration;
import io.keelson.wio.core.sim.Platform;
import io.keelson.wio.core.sim.SimReport;
import io.keelson.wio.core.sim.StorageSimulator;
import io.keelson.wio.core.sim.Workload;
import io.keelson.wio.v1.Actor;
import io.keelson.wio.v1.ActorState;
import io.keelson.wio.v1.DeployActorRequest;
import io.keelson.wio.v1.DeviceTelemetry;
import io.keelson.wio.v1.Field;
import io.keelson.wio.v1.ListActorsRequest;
import io.keelson.wio.v1.ListActorsResponse;
import io.keelson.wio.v1.MigrateActorRequest;
import io.keelson.wio.v1.MigrateActorResponse;
import io.keelson.wio.v1.ReadRequest;
import io.keelson.wio.v1.ReadResponse;
import io.keelson.wio.v1.RunSimulationRequest;
import io.keelson.wio.v1.RunSimulationResponse;
import io.keelson.wio.v1.SetPlacementPolicyRequest;
import io.keelson.wio.v1.SetPlacementPolicyResponse;
import io.keelson.wio.v1.Side;
import io.keelson.wio.v1.SimulatedPlacement;
import io.keelson.wio.v1.StreamDeviceTelemetryRequest;
import io.keelson.wio.v1.WioServiceGrpc;
import io.keelson.wio.v1.WriteRequest;
import io.keelson.wio.v1.WriteResponse;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * {@code keelson.wio.v1} over a {@link WioRuntime}. Every reply that concerns the device says it is emulated
 * (BACKEND_CXL_EMULATED: the virtual-clock SSD model, in real time or simulated). Engine refusals map to statuses by the platform's
 * convention; a module that is not an actor is INVALID_ARGUMENT on {@code module}, an actor that failed mid-write
 * FAILED_PRECONDITION (what was acknowledged before it is stored).
 */
public final class WioGrpcService extends WioServiceGrpc.WioServiceImplBase implements AutoCloseable {

    static final int MAX_MODULE_BYTES = 4 << 20;

    private final WioRuntime runtime;
    private final ScheduledExecutorService telemetry = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "wio-telemetry");
        t.setDaemon(true);
        return t;
    });

    public WioGrpcService(WioRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public void deployActor(DeployActorRequest r, StreamObserver<Actor> out) {
        unary(out, () -> {
            Violations v = new Violations();
            v.check(WioRuntime.NAME.matcher(r.getName()).matches(), "name", WioRuntime.NAME.pattern() + ", was '" + r.getName() + "'");
            v.check(r.hasWasm() || Actors.BUNDLED.contains(r.getBundled()), "bundled", "one of " + Actors.BUNDLED + ", or a wasm module");
            v.check(r.getWasm().size() <= MAX_MODULE_BYTES, "wasm", "at most " + MAX_MODULE_BYTES + " bytes");
            v.check(r.getCallLimitMs() >= 0 && r.getCallLimitMs() <= 10_000, "call_limit_ms", "1..10000, was " + r.getCallLimitMs());
            v.throwIfAny();
            WioRuntime.Source source = r.hasWasm() ? new WioRuntime.Custom(r.getWasm().toByteArray()) : new WioRuntime.Bundled(r.getBundled());
            ControlBlock.Side side = r.getSide() == Side.SIDE_HOST ? ControlBlock.Side.HOST : ControlBlock.Side.DEVICE;
            Optional<byte[]> config = r.getConfig().isEmpty() ? Optional.empty() : Optional.of(r.getConfig().toByteArray());
            try {
                return actor(runtime.deploy(r.getName(), source, r.getInterpreted(), config, side,
                        Duration.ofMillis(r.getCallLimitMs() == 0 ? 1000 : r.getCallLimitMs())));
            } catch (ActorModule.Rejected e) {
                throw GrpcErrors.invalidArgument(List.of(GrpcErrors.violation(r.hasWasm() ? "wasm" : "bundled", e.getMessage())));
            }
        });
    }

    @Override
    public void listActors(ListActorsRequest r, StreamObserver<ListActorsResponse> out) {
        unary(out, () -> ListActorsResponse.newBuilder().addAllActors(runtime.actors().stream().map(WioGrpcService::actor).toList())
                .setBackend(Backend.BACKEND_CXL_EMULATED).build());
    }

    @Override
    public StreamObserver<WriteRequest> write(StreamObserver<WriteResponse> out) {
        return new StreamObserver<>() {
            private WioRuntime.WriteSession session;
            private boolean failed;

            @Override
            public void onNext(WriteRequest request) {
                if (failed) {
                    return;
                }
                try {
                    if (session == null) {
                        if (request.getPipelineCount() == 0) {
                            throw GrpcErrors.invalidArgument(List.of(GrpcErrors.violation("pipeline", "the first message names the pipeline's actors")));
                        }
                        session = runtime.write(request.getPipelineList());
                    }
                    if (request.getRecord().size() > 65536) {
                        throw GrpcErrors.invalidArgument(List.of(GrpcErrors.violation("record", "at most 65536 bytes, was " + request.getRecord().size())));
                    }
                    session.write(request.getRecord().toByteArray());
                } catch (StatusRuntimeException e) {
                    fail(e);
                } catch (RuntimeException e) {
                    fail(status(e).orElseGet(() -> Status.INTERNAL.withDescription(e.getMessage()).asRuntimeException()));
                }
            }

            private void fail(StatusRuntimeException e) {
                failed = true;
                if (session != null) {
                    session.finish(); // what was accepted before the failure is made durable
                }
                out.onError(e);
            }

            @Override
            public void onError(Throwable t) {
                if (session != null && !failed) {
                    session.finish();
                }
            }

            @Override
            public void onCompleted() {
                if (failed) {
                    return;
                }
                if (session == null) {
                    out.onError(GrpcErrors.invalidArgument(List.of(GrpcErrors.violation("pipeline", "no message named a pipeline"))));
                    return;
                }
                WioRuntime.WriteSession.Result result = session.finish();
                out.onNext(WriteResponse.newBuilder().setAccepted(result.accepted()).setStored(result.stored()).setRejected(result.rejected())
                        .setDropped(result.dropped()).setStoredBytes(result.storedBytes()).setBackend(Backend.BACKEND_CXL_EMULATED).build());
                out.onCompleted();
            }
        };
    }

    @Override
    public void read(ReadRequest r, StreamObserver<ReadResponse> out) {
        try {
            if (r.getPipelineCount() == 0) {
                throw GrpcErrors.invalidArgument(List.of(GrpcErrors.violation("pipeline", "the actors the records were written through")));
            }
            runtime.read(r.getPipelineList(), r.getFilterActor().isEmpty() ? Optional.empty() : Optional.of(r.getFilterActor()), r.getLimit(),
                    record -> out.onNext(ReadResponse.newBuilder().setSequence(record.sequence()).setChecksumOk(record.checksumOk())
                            .addAllFields(record.fields().stream().map(f -> Field.newBuilder().setKey(f.key()).setValue(f.value()).build()).toList())
                            .build()));
            out.onCompleted();
        } catch (StatusRuntimeException e) {
            out.onError(e);
        } catch (RuntimeException e) {
            out.onError(status(e).orElseGet(() -> Status.INTERNAL.withDescription(e.getMessage()).asRuntimeException()));
        }
    }

    @Override
    public void migrateActor(MigrateActorRequest r, StreamObserver<MigrateActorResponse> out) {
        unary(out, () -> {
            if (r.getTo() == Side.SIDE_UNSPECIFIED || r.getTo() == Side.UNRECOGNIZED) {
                throw GrpcErrors.invalidArgument(List.of(GrpcErrors.violation("to", "SIDE_HOST or SIDE_DEVICE")));
            }
            WioRuntime.Migration m = runtime.migrate(r.getName(), r.getTo() == Side.SIDE_HOST ? ControlBlock.Side.HOST : ControlBlock.Side.DEVICE);
            return MigrateActorResponse.newBuilder().setActor(actor(m.actor())).setPauseNanos(m.pauseNanos()).setBytesMoved(m.bytesMoved()).build();
        });
    }

    @Override
    public void setPlacementPolicy(SetPlacementPolicyRequest r, StreamObserver<SetPlacementPolicyResponse> out) {
        unary(out, () -> {
            runtime.placement(r.getPolicy());
            return SetPlacementPolicyResponse.newBuilder().setPolicy(runtime.placement()).build();
        });
    }

    @Override
    public void streamDeviceTelemetry(StreamDeviceTelemetryRequest r, StreamObserver<DeviceTelemetry> out) {
        int interval = r.getIntervalMs() == 0 ? 1000 : r.getIntervalMs();
        if (interval < 100 || interval > 10_000 || r.getSamples() < 0) {
            out.onError(GrpcErrors.invalidArgument(List.of(GrpcErrors.violation(interval < 100 || interval > 10_000 ? "interval_ms" : "samples",
                    "interval 100..10000 ms, samples >= 0"))));
            return;
        }
        ServerCallStreamObserver<DeviceTelemetry> call = (ServerCallStreamObserver<DeviceTelemetry>) out;
        AtomicInteger sent = new AtomicInteger();
        ScheduledFuture<?>[] task = new ScheduledFuture<?>[1];
        Runnable sample = () -> {
            if (call.isCancelled()) {
                task[0].cancel(false);
                return;
            }
            synchronized (call) {
                call.onNext(telemetry());
                if (r.getSamples() > 0 && sent.incrementAndGet() >= r.getSamples()) {
                    task[0].cancel(false);
                    call.onCompleted();
                }
            }
        };
        synchronized (call) {
            task[0] = telemetry.scheduleAtFixedRate(sample, 0, interval, TimeUnit.MILLISECONDS);
        }
        call.setOnCancelHandler(() -> task[0].cancel(false));
    }

    private DeviceTelemetry telemetry() {
        LiveDevice.Reading d = runtime.telemetry();
        List<WioRuntime.ActorView> actors = runtime.actors();
        return DeviceTelemetry.newBuilder().setSeconds(d.seconds()).setTemperatureC(d.temperatureC())
                .setThrottle(d.throttle().name().toLowerCase(Locale.ROOT)).setWatts(d.watts()).setDeviceBytesPerSecond(d.deviceBytesPerSecond())
                .setHostBytesPerSecond(d.hostBytesPerSecond())
                .setActorsOnDevice((int) actors.stream().filter(a -> a.side() == ControlBlock.Side.DEVICE).count())
                .setActorsOnHost((int) actors.stream().filter(a -> a.side() == ControlBlock.Side.HOST).count())
                .setPolicy(runtime.placement()).setMigrations(runtime.migrations()).setBackend(Backend.BACKEND_CXL_EMULATED).build();
    }

    @Override
    public void runSimulation(RunSimulationRequest r, StreamObserver<RunSimulationResponse> out) {
        unary(out, () -> {
            Violations v = new Violations();
            double minutes = r.getMinutes() == 0 ? 30 : r.getMinutes();
            double core = r.getHostCoreMbPerSecond() == 0 ? 16 : r.getHostCoreMbPerSecond();
            v.check(minutes >= 1 && minutes <= 120, "minutes", "1..120, was " + r.getMinutes());
            v.check(core > 0 && core <= 10_000, "host_core_mb_per_second", "(0, 10000], was " + r.getHostCoreMbPerSecond());
            v.check(r.getOfferedMbPerSecond() >= 0 && r.getOfferedMbPerSecond() <= 100_000, "offered_mb_per_second", "0..100000");
            v.throwIfAny();
            Platform platform = Platform.standard();
            Calibration calibration = new Calibration(core * 1e6, Calibration.measuredStages(), 0.36, 2e-6);
            double offered = r.getOfferedMbPerSecond() == 0 ? 0.8 * platform.deviceBytesPerSecond(calibration) : r.getOfferedMbPerSecond() * 1e6;
            Workload workload = new Workload(offered, 4096, minutes * 60, r.getSeed());
            RunSimulationResponse.Builder b = RunSimulationResponse.newBuilder().setBackend(Backend.BACKEND_CXL_EMULATED);
            for (PlacementPolicy policy : List.of(PlacementPolicy.fixed(Placement.HOST), PlacementPolicy.fixed(Placement.DEVICE),
                    AgilityScheduler.standard(platform))) {
                SimReport s = StorageSimulator.run(platform, calibration, workload, policy);
                b.addPlacements(SimulatedPlacement.newBuilder().setPolicy(s.policy()).setThroughputMbPerSecond(s.throughputBytesPerSecond() / 1e6)
                        .setLateThroughputMbPerSecond(s.lateThroughputBytesPerSecond() / 1e6).setP50Ms(s.p50Seconds() * 1e3).setP99Ms(s.p99Seconds() * 1e3)
                        .setP999Ms(s.p999Seconds() * 1e3).setMigrations(s.migrations()).setHostCpuSeconds(s.hostCpuSeconds())
                        .setMaxTemperatureC(s.maxTemperatureC()).setThrottledSeconds(s.secondsLightThrottle() + s.secondsHeavyThrottle())
                        .setUnfinishedRecords(s.unfinishedRecords()).setDeviceWorkShare(s.deviceWorkShare()));
            }
            return b.build();
        });
    }

    static Actor actor(WioRuntime.ActorView a) {
        return Actor.newBuilder().setName(a.name()).setModule(a.module()).setSide(a.side() == ControlBlock.Side.HOST ? Side.SIDE_HOST : Side.SIDE_DEVICE)
                .setState(switch (a.state()) {
                    case RUNNING -> ActorState.ACTOR_STATE_RUNNING;
                    case DRAINING -> ActorState.ACTOR_STATE_DRAINING;
                    case FAILED -> ActorState.ACTOR_STATE_FAILED;
                    case UNDEPLOYED -> ActorState.ACTOR_STATE_UNSPECIFIED;
                }).setSlot(a.slot()).setMemoryPages(a.pages()).setMemoryLimitPages(a.maxPages()).setRecordsProcessed(a.processed())
                .setQueuedBytes(a.queuedBytes()).setEpoch(a.epoch()).setFailure(a.failure().orElse("")).setBackend(Backend.BACKEND_CXL_EMULATED).build();
    }

    private static <T> void unary(StreamObserver<T> out, Supplier<T> handler) {
        UnaryCall.respond(out, handler, WioGrpcService::status);
    }

    private static Optional<StatusRuntimeException> status(RuntimeException e) {
        if (e instanceof WioRuntime.DeviceGone) {
            return Optional.of(GrpcErrors.of(Status.Code.UNAVAILABLE, ErrorReason.ERROR_REASON_DEVICE_GONE, e.getMessage()));
        }
        if (e instanceof WioRuntime.Full) {
            return Optional.of(GrpcErrors.of(Status.Code.RESOURCE_EXHAUSTED, ErrorReason.ERROR_REASON_RESOURCE_EXHAUSTED, e.getMessage()));
        }
        return GrpcErrors.fromEngine(e);
    }

    @Override
    public void close() {
        telemetry.shutdownNow();
    }
}
