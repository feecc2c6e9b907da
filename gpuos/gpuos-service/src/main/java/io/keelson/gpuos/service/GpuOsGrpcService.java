package io.keelson.gpuos.service;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.keelson.common.grpc.GrpcErrors;
import io.keelson.common.grpc.UnaryCall;
import io.keelson.common.grpc.Violations;
import io.keelson.common.v1.Backend;
import io.keelson.common.v1.ErrorReason;
import io.keelson.gpuos.core.device.Device;
import io.keelson.gpuos.core.device.DeviceException;
import io.keelson.gpuos.core.device.DeviceInfo;
import io.keelson.gpuos.core.device.DeviceStats;
import io.keelson.gpuos.core.device.Launch;
import io.keelson.gpuos.core.device.LaunchValidator;
import io.keelson.gpuos.core.ir.ExprParser;
import io.keelson.gpuos.core.ir.OperatorSpec;
import io.keelson.gpuos.core.operator.OperatorTable;
import io.keelson.gpuos.core.queue.TaskOutcome;
import io.keelson.gpuos.core.queue.TaskQueue;
import io.keelson.gpuos.core.tensor.DType;
import io.keelson.gpuos.core.tensor.TensorView;
import io.keelson.gpuos.v1.*;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code keelson.gpuos.v1.GpuOsService} over one {@link Device}. Requests are validated at this boundary
 * (every violation named by its field) and again by the device; no handler blocks a thread on the
 * worker: waiting replies are sent from the task's completion.
 */
public final class GpuOsGrpcService extends GpuOsServiceGrpc.GpuOsServiceImplBase {

    static final int MAX_READ = 1 << 20;

    private final Device device;
    private final Backend backend;
    private final String cudaProbe;
    private final Map<Long, CompletableFuture<TaskOutcome>> inFlight = new ConcurrentHashMap<>();
    private final Optional<OperatorSnapshot> snapshot;

    /**
     * @param cudaProbe what the CUDA probe found, reported by ListDevices
     * @param snapshot  where operator changes are made durable before they are acknowledged
     */
    public GpuOsGrpcService(Device device, String cudaProbe, Optional<OperatorSnapshot> snapshot) {
        this.device = device;
        this.backend = ProtoMapping.backend(device.info().backend());
        this.cudaProbe = cudaProbe;
        this.snapshot = snapshot;
    }

    private void persistOperators() {
        snapshot.ifPresent(s -> s.save(device.operators()));
    }

    @Override
    public void listDevices(ListDevicesRequest request, StreamObserver<ListDevicesResponse> out) {
        DeviceInfo info = device.info();
        reply(out, ListDevicesResponse.newBuilder()
                .addDevices(io.keelson.gpuos.v1.Device.newBuilder().setIndex(info.index()).setBackend(backend).setName(info.name())
                        .setCapability(info.capability()).setWorkers(info.workers()).setMemoryBytes(info.memoryBytes()))
                .setCudaProbe(cudaProbe).setBackend(backend).build());
    }

    @Override
    public void createTensor(CreateTensorRequest request, StreamObserver<CreateTensorResponse> out) {
        call(out, () -> {
            Violations v = new Violations();
            Optional<DType> dtype = ProtoMapping.dtype(request.getDtype());
            v.check(dtype.isPresent(), "dtype", "is required (DTYPE_F32, DTYPE_F16, DTYPE_BF16 or DTYPE_I32)");
            long[] shape = ProtoMapping.shape(request.getShapeList(), "shape", v);
            long elements = 1;
            for (long s : shape) {
                elements = s > 0 && elements <= Long.MAX_VALUE / s ? elements * s : (s == 0 ? 0 : Long.MAX_VALUE);
            }
            v.check(elements >= 1, "shape", "must hold at least one element");
            v.check(request.getValuesCount() == 0 || request.getValuesCount() == elements, "values",
                    "give none (zeros) or exactly " + elements + " values, got " + request.getValuesCount());
            v.throwIfAny();
            long handle = device.allocate(dtype.get(), elements);
            if (request.getValuesCount() > 0) {
                device.write(handle, 0, floats(request.getValuesList()));
            }
            return CreateTensorResponse.newBuilder().setTensor(Tensor.newBuilder().setHandle(handle).setDtype(request.getDtype())
                    .addAllShape(request.getShapeList())).setBackend(backend).build();
        });
    }

    @Override
    public void writeTensor(WriteTensorRequest request, StreamObserver<WriteTensorResponse> out) {
        call(out, () -> {
            device.write(request.getHandle(), request.getOffset(), floats(request.getValuesList()));
            return WriteTensorResponse.newBuilder().setBackend(backend).build();
        });
    }

    @Override
    public void readTensor(ReadTensorRequest request, StreamObserver<ReadTensorResponse> out) {
        call(out, () -> {
            Violations v = new Violations();
            v.check(request.getCount() >= 1 && request.getCount() <= MAX_READ, "count",
                    "must be 1.." + MAX_READ + " (read large tensors in chunks), was " + request.getCount());
            v.throwIfAny();
            float[] values = device.read(request.getHandle(), request.getOffset(), (int) request.getCount());
            ReadTensorResponse.Builder b = ReadTensorResponse.newBuilder().setBackend(backend);
            for (float f : values) {
                b.addValues(f);
            }
            return b.build();
        });
    }

    @Override
    public void freeTensor(FreeTensorRequest request, StreamObserver<FreeTensorResponse> out) {
        call(out, () -> {
            device.free(request.getHandle());
            return FreeTensorResponse.newBuilder().setBackend(backend).build();
        });
    }

    @Override
    public void installOperator(InstallOperatorRequest request, StreamObserver<InstallOperatorResponse> out) {
        call(out, () -> {
            if (request.getSourceCase() == InstallOperatorRequest.SourceCase.CUDA_SOURCE) {
                // not built: a raw source would need its own ABI checks (no shared memory, no constants) before it joins a worker
                throw GrpcErrors.of(Status.Code.UNIMPLEMENTED, ErrorReason.ERROR_REASON_BACKEND_UNSUPPORTED,
                        "cuda_source: raw CUDA C operators are not supported yet on any backend (this device: "
                                + device.info().backend() + "); send the operator as an expression, which the cuda backend compiles with NVRTC");
            }
            Violations v = new Violations();
            v.check(request.getSourceCase() == InstallOperatorRequest.SourceCase.EXPRESSION, "expression",
                    "is required (or cuda_source on the cuda backend)");
            v.throwIfAny();
            OperatorSpec spec;
            try {
                spec = new OperatorSpec(request.getName(), request.getArity(), ExprParser.parse(request.getExpression()),
                        ProtoMapping.reduction(request.getReduce()));
            } catch (ExprParser.SyntaxException e) {
                throw GrpcErrors.invalidArgument(List.of(GrpcErrors.violation("expression", e.getMessage())));
            } catch (OperatorSpec.InvalidOperatorException e) {
                String field = e.field().equals("body") ? "expression" : e.field();
                throw GrpcErrors.invalidArgument(List.of(GrpcErrors.violation(field, e.getMessage().substring(e.field().length() + 2))));
            }
            Device.Installed installed = device.install(spec, !request.getStageOnly());
            persistOperators();
            return InstallOperatorResponse.newBuilder().setName(installed.name()).setEpoch(installed.epoch())
                    .setActive(installed.active()).setCompileLog(installed.compileLog())
                    .setCompileMicros(installed.compileNanos() / 1_000).setBackend(backend).build();
        });
    }

    @Override
    public void switchOperator(SwitchOperatorRequest request, StreamObserver<OperatorChangeResponse> out) {
        call(out, () -> change(request.getName(), device.activate(request.getName(), request.getEpoch())));
    }

    @Override
    public void rollbackOperator(RollbackOperatorRequest request, StreamObserver<OperatorChangeResponse> out) {
        call(out, () -> change(request.getName(), device.rollback(request.getName())));
    }

    private OperatorChangeResponse change(String name, OperatorTable.Change change) {
        if (change instanceof OperatorTable.Change.Refused refused) {
            throw GrpcErrors.of(Status.Code.FAILED_PRECONDITION, ErrorReason.ERROR_REASON_FAILED_PRECONDITION, refused.reason());
        }
        persistOperators();
        return OperatorChangeResponse.newBuilder().setName(name).setActiveEpoch(((OperatorTable.Change.Activated) change).epoch())
                .setBackend(backend).build();
    }

    @Override
    public void listOperators(ListOperatorsRequest request, StreamObserver<ListOperatorsResponse> out) {
        ListOperatorsResponse.Builder b = ListOperatorsResponse.newBuilder().setBackend(backend);
        for (Device.OperatorInfo op : device.operators()) {
            Operator.Builder o = Operator.newBuilder().setName(op.name()).setActiveEpoch(op.activeEpoch());
            op.versions().forEach(ver -> o.addVersions(OperatorVersion.newBuilder().setEpoch(ver.epoch())
                    .setSignature(ver.signature()).setTasksInFlight(ver.tasksInFlight())));
            b.addOperators(o);
        }
        reply(out, b.build());
    }

    @Override
    public void submit(SubmitRequest request, StreamObserver<SubmitResponse> out) {
        TaskQueue.Submission.Accepted accepted;
        try {
            accepted = accept(request);
        } catch (StatusRuntimeException e) {
            out.onError(e);
            return;
        }
        SubmitResponse.Builder queued = SubmitResponse.newBuilder().setRequestId(request.getRequestId())
                .setTicket(accepted.ticket()).setBackend(backend);
        if (!request.getWait()) {
            reply(out, queued.setState(TaskState.TASK_STATE_QUEUED).build());
            return;
        }
        accepted.outcome().whenComplete((outcome, error) -> reply(out, finished(queued, outcome)));
    }

    @Override
    public StreamObserver<SubmitRequest> submitStream(StreamObserver<SubmitResponse> responses) {
        ServerCallStreamObserver<SubmitResponse> out = (ServerCallStreamObserver<SubmitResponse>) responses;
        AtomicInteger pending = new AtomicInteger(1); // the client's half of the stream counts as one until it closes
        AtomicBoolean failed = new AtomicBoolean();
        Runnable release = () -> {
            if (pending.decrementAndGet() == 0 && !failed.get()) {
                synchronized (out) {
                    out.onCompleted();
                }
            }
        };
        return new StreamObserver<>() {
            @Override
            public void onNext(SubmitRequest request) {
                SubmitResponse.Builder base = SubmitResponse.newBuilder().setRequestId(request.getRequestId()).setBackend(backend);
                TaskQueue.Submission.Accepted accepted;
                try {
                    accepted = accept(request);
                } catch (StatusRuntimeException e) {
                    boolean full = e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED
                            && e.getStatus().getDescription() != null && e.getStatus().getDescription().startsWith("queue full");
                    send(base.setState(full ? TaskState.TASK_STATE_QUEUE_FULL : TaskState.TASK_STATE_REJECTED)
                            .setFailure(String.valueOf(e.getStatus().getDescription())).build());
                    return;
                }
                pending.incrementAndGet();
                base.setTicket(accepted.ticket());
                accepted.outcome().whenComplete((outcome, error) -> {
                    send(finished(base, outcome));
                    release.run();
                });
            }

            private void send(SubmitResponse response) {
                synchronized (out) {
                    if (!failed.get() && !out.isCancelled()) {
                        out.onNext(response);
                    }
                }
            }

            @Override
            public void onError(Throwable t) {
                failed.set(true); // the client went away; queued tasks still run, their replies are dropped
            }

            @Override
            public void onCompleted() {
                release.run();
            }
        };
    }

    /** Validates and queues a request; every refusal is a status exception. */
    private TaskQueue.Submission.Accepted accept(SubmitRequest request) {
        Violations v = new Violations();
        if (request.getLaunchesCount() > LaunchValidator.MAX_LAUNCHES) {
            throw GrpcErrors.of(Status.Code.RESOURCE_EXHAUSTED, ErrorReason.ERROR_REASON_RESOURCE_EXHAUSTED,
                    "launches: " + request.getLaunchesCount() + " in one task, at most " + LaunchValidator.MAX_LAUNCHES);
        }
        List<Launch> launches = ProtoMapping.launches(request.getLaunchesList(), v);
        v.throwIfAny();
        TaskQueue.Submission submission;
        try {
            submission = device.submit(launches);
        } catch (DeviceException e) {
            throw status(e);
        }
        if (submission instanceof TaskQueue.Submission.Accepted accepted) {
            inFlight.put(accepted.ticket(), accepted.outcome());
            accepted.outcome().whenComplete((o, e) -> inFlight.remove(accepted.ticket()));
            return accepted;
        }
        throw GrpcErrors.of(Status.Code.RESOURCE_EXHAUSTED, ErrorReason.ERROR_REASON_RESOURCE_EXHAUSTED,
                "queue full: every slot of the task ring is taken; nothing was queued, retry once tasks complete");
    }

    private SubmitResponse finished(SubmitResponse.Builder base, TaskOutcome outcome) {
        if (outcome instanceof TaskOutcome.Failed failedTask) {
            return base.setState(TaskState.TASK_STATE_FAILED).setFailure(failedTask.reason()).build();
        }
        return base.setState(TaskState.TASK_STATE_DONE).build();
    }

    @Override
    public void flush(FlushRequest request, StreamObserver<FlushResponse> out) {
        CompletableFuture.allOf(inFlight.values().toArray(new CompletableFuture<?>[0])).whenComplete((ignored, error) ->
                reply(out, FlushResponse.newBuilder().setTasksCompleted(device.stats().tasksCompleted()).setBackend(backend).build()));
    }

    @Override
    public void getStats(GetStatsRequest request, StreamObserver<GetStatsResponse> out) {
        DeviceStats s = device.stats();
        reply(out, GetStatsResponse.newBuilder().setQueueDepth(s.queueDepth()).setTasksSubmitted(s.tasksSubmitted())
                .setTasksCompleted(s.tasksCompleted()).setTasksFailed(s.tasksFailed()).setLaunchesCompleted(s.launchesCompleted())
                .setLaunchesPerSecond(s.launchesPerSecond()).setLatencyP50Micros(s.latencyP50Nanos() / 1_000)
                .setLatencyP99Micros(s.latencyP99Nanos() / 1_000).setHeartbeat(s.heartbeat())
                .setHeartbeatAgeMillis(s.heartbeatAgeNanos() / 1_000_000).setWorkerRelaunches(s.workerRelaunches())
                .setTensors(s.tensors()).setTensorBytes(s.tensorBytes()).setBackend(backend).build());
    }

    private static float[] floats(List<Float> values) {
        float[] f = new float[values.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = values.get(i);
        }
        return f;
    }

    /** Runs a unary handler: its value is the reply; a device refusal becomes the matching status. */
    private static <T> void call(StreamObserver<T> out, java.util.function.Supplier<T> handler) {
        UnaryCall.respond(out, handler, e -> e instanceof DeviceException d ? Optional.of(status(d))
                : e instanceof TensorView.InvalidViewException v ? Optional.of(GrpcErrors.invalidArgument(List.of(GrpcErrors.violation(v.field(), v.getMessage()))))
                : Optional.empty());
    }

    private static <T> void reply(StreamObserver<T> out, T response) {
        out.onNext(response);
        out.onCompleted();
    }

    static StatusRuntimeException status(DeviceException e) {
        String description = e.getMessage().substring(e.field().length() + 2);
        return switch (e.kind()) {
            case INVALID -> GrpcErrors.invalidArgument(List.of(GrpcErrors.violation(e.field(), description)));
            case NOT_FOUND -> GrpcErrors.of(Status.Code.NOT_FOUND, ErrorReason.ERROR_REASON_NOT_FOUND, e.getMessage());
            case LIMIT -> GrpcErrors.of(Status.Code.RESOURCE_EXHAUSTED, ErrorReason.ERROR_REASON_RESOURCE_EXHAUSTED, e.getMessage());
            case CONFLICT -> GrpcErrors.of(Status.Code.FAILED_PRECONDITION, ErrorReason.ERROR_REASON_FAILED_PRECONDITION, e.getMessage());
        };
    }
}
