package io.keelson.wio.service;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.keelson.common.grpc.SingleResponse;
import io.keelson.common.v1.Backend;
import io.keelson.wio.core.actor.Predicate;
import io.keelson.wio.core.region.SlotLayout;
import io.keelson.wio.core.runtime.WioRuntime;
import io.keelson.wio.core.sim.Platform;
import io.keelson.wio.v1.Actor;
import io.keelson.wio.v1.ActorState;
import io.keelson.wio.v1.DeployActorRequest;
import io.keelson.wio.v1.DeviceTelemetry;
import io.keelson.wio.v1.ListActorsRequest;
import io.keelson.wio.v1.MigrateActorRequest;
import io.keelson.wio.v1.ReadRequest;
import io.keelson.wio.v1.ReadResponse;
import io.keelson.wio.v1.RunSimulationRequest;
import io.keelson.wio.v1.SetPlacementPolicyRequest;
import io.keelson.wio.v1.Side;
import io.keelson.wio.v1.StreamDeviceTelemetryRequest;
import io.keelson.wio.v1.WioServiceGrpc;
import io.keelson.wio.v1.WriteRequest;
import io.keelson.wio.v1.WriteResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class WioGrpcServiceTest {

    private static final List<String> PIPELINE = List.of("parse", "check", "pack");

    @TempDir
    Path home;
    private WioSystem system;
    private Server server;
    private ManagedChannel channel;
    private WioServiceGrpc.WioServiceBlockingStub stub;
    private WioServiceGrpc.WioServiceStub async;

    @BeforeEach
    void start() throws Exception {
        system = WioSystem.start(home, new WioRuntime.Settings(8, SlotLayout.standard(), 64e6, 64e6, 1, Duration.ofSeconds(1), Platform.standard()));
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).addService(system.service()).build().start();
        channel = InProcessChannelBuilder.forName(name).build();
        stub = WioServiceGrpc.newBlockingStub(channel);
        async = WioServiceGrpc.newStub(channel);
        deploy("parse", "logfmt", Side.SIDE_DEVICE);
        deploy("check", "crc32c", Side.SIDE_DEVICE);
        deploy("pack", "lz", Side.SIDE_HOST);
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
        system.close();
    }

    private Actor deploy(String name, String bundled, Side side) {
        return stub.deployActor(DeployActorRequest.newBuilder().setName(name).setBundled(bundled).setSide(side).build());
    }

    private WriteResponse write(List<String> pipeline, List<String> records) throws Exception {
        SingleResponse<WriteResponse> reply = new SingleResponse<>();
        StreamObserver<WriteRequest> in = async.write(reply);
        boolean first = true;
        for (String r : records) {
            WriteRequest.Builder b = WriteRequest.newBuilder().setRecord(ByteString.copyFromUtf8(r));
            if (first) {
                b.addAllPipeline(pipeline);
                first = false;
            }
            in.onNext(b.build());
        }
        in.onCompleted();
        return reply.get(30);
    }

    private static List<String> fields(StatusRuntimeException e) {
        return StatusProto.fromThrowable(e).getDetailsList().stream().filter(a -> a.is(com.google.rpc.BadRequest.class)).flatMap(a -> {
            try {
                return a.unpack(com.google.rpc.BadRequest.class).getFieldViolationsList().stream();
            } catch (com.google.protobuf.InvalidProtocolBufferException x) {
                throw new IllegalStateException(x);
            }
        }).map(com.google.rpc.BadRequest.FieldViolation::getField).toList();
    }

    @Test
    void recordsGoThroughThePipelineWhileItsActorsMoveAndComeBackParsedCheckedAndFiltered() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            lines.add(i == 13 ? "=not logfmt" : "ts=" + i + " level=" + (i % 5 == 0 ? "warn" : "info") + " msg=\"m " + i + "\"");
        }
        WriteResponse first = write(PIPELINE, lines.subList(0, 250));
        var moved = stub.migrateActor(MigrateActorRequest.newBuilder().setName("parse").setTo(Side.SIDE_HOST).build());
        assertThat(moved.getActor().getSide()).isEqualTo(Side.SIDE_HOST);
        assertThat(moved.getBytesMoved()).isEqualTo(24);
        stub.migrateActor(MigrateActorRequest.newBuilder().setName("pack").setTo(Side.SIDE_DEVICE).build());
        WriteResponse second = write(PIPELINE, lines.subList(250, 500));

        assertThat(first.getAccepted() + second.getAccepted()).isEqualTo(500);
        assertThat(first.getRejected()).isEqualTo(1);
        assertThat(first.getStored() + second.getStored()).isEqualTo(499);
        assertThat(second.getBackend()).isEqualTo(Backend.BACKEND_CXL_EMULATED);

        List<ReadResponse> back = new ArrayList<>();
        stub.read(ReadRequest.newBuilder().addAllPipeline(PIPELINE).build()).forEachRemaining(back::add);
        assertThat(back).hasSize(499).allSatisfy(r -> assertThat(r.getChecksumOk()).isTrue());
        assertThat(back.get(498).getFields(0).getValue()).isEqualTo("499");

        stub.deployActor(DeployActorRequest.newBuilder().setName("warnings").setBundled("filter")
                .setConfig(ByteString.copyFrom(Predicate.of("level", Predicate.Op.EQUALS, "warn").encode())).build());
        List<ReadResponse> warnings = new ArrayList<>();
        stub.read(ReadRequest.newBuilder().addAllPipeline(PIPELINE).setFilterActor("warnings").build()).forEachRemaining(warnings::add);
        assertThat(warnings).hasSize(100).allSatisfy(r -> assertThat(r.getFields(1).getValue()).isEqualTo("warn"));

        assertThat(stub.listActors(ListActorsRequest.getDefaultInstance()).getActorsList()).extracting(Actor::getName, Actor::getSide)
                .contains(org.assertj.core.groups.Tuple.tuple("parse", Side.SIDE_HOST), org.assertj.core.groups.Tuple.tuple("pack", Side.SIDE_DEVICE));
    }

    @Test
    void badRequestsGetTheStatusThatFitsAndAnActorThatFailsLosesNothingAcknowledged() throws Exception {
        StatusRuntimeException bad = catchThrowableOfType(StatusRuntimeException.class, () -> stub.deployActor(DeployActorRequest.newBuilder()
                .setName("evil").setWasm(ByteString.copyFromUtf8("#!/bin/sh")).build()));
        assertThat(fields(bad)).containsExactly("wasm");
        assertThat(catchThrowableOfType(StatusRuntimeException.class, () -> deploy("parse", "lz", Side.SIDE_HOST)).getStatus().getCode())
                .isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(fields(catchThrowableOfType(StatusRuntimeException.class, () -> deploy("Upper", "nope", Side.SIDE_HOST))))
                .containsExactly("name", "bundled");
        assertThat(catchThrowableOfType(StatusRuntimeException.class, () -> stub.migrateActor(MigrateActorRequest.newBuilder().setName("nope")
                .setTo(Side.SIDE_HOST).build())).getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(catchThrowableOfType(StatusRuntimeException.class, () -> stub.migrateActor(MigrateActorRequest.newBuilder().setName("parse")
                .setTo(Side.SIDE_DEVICE).build())).getStatus().getDescription()).contains("already runs on the device");
        assertThat(fields(catchThrowableOfType(StatusRuntimeException.class, () -> stub.setPlacementPolicy(SetPlacementPolicyRequest.newBuilder()
                .setPolicy("coin-flip").build())))).containsExactly("policy");

        // an actor of our own that loops forever: the write fails on it, what was written before is stored
        byte[] spin = Files.readAllBytes(Path.of("../wio-core/src/test/resources/io/keelson/wio/bad/spin.wasm"));
        stub.deployActor(DeployActorRequest.newBuilder().setName("spin").setWasm(ByteString.copyFrom(spin)).setCallLimitMs(100).build());
        write(List.of("check"), List.of("a", "b"));
        Exception failed = catchThrowableOfType(Exception.class, () -> write(List.of("check", "spin"), List.of("x")));
        assertThat(failed).hasRootCauseInstanceOf(StatusRuntimeException.class);
        assertThat(((StatusRuntimeException) failed.getCause()).getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(failed.getCause().getMessage()).contains("100 ms limit");
        assertThat(stub.listActors(ListActorsRequest.getDefaultInstance()).getActorsList()).filteredOn(a -> a.getName().equals("spin")).singleElement()
                .satisfies(a -> {
                    assertThat(a.getState()).isEqualTo(ActorState.ACTOR_STATE_FAILED);
                    assertThat(a.getQueuedBytes()).isPositive(); // the record it failed on is still queued
                });
        List<ReadResponse> stored = new ArrayList<>();
        stub.read(ReadRequest.newBuilder().addPipeline("check").build()).forEachRemaining(stored::add);
        assertThat(stored).hasSize(2);
    }

    @Test
    void telemetryStreamsTheDeviceAndTheSimulatorComparesThePlacements() {
        List<DeviceTelemetry> samples = new ArrayList<>();
        stub.streamDeviceTelemetry(StreamDeviceTelemetryRequest.newBuilder().setIntervalMs(100).setSamples(3).build()).forEachRemaining(samples::add);
        assertThat(samples).hasSize(3).allSatisfy(t -> {
            assertThat(t.getTemperatureC()).isBetween(30.0, 90.0);
            assertThat(t.getActorsOnDevice() + t.getActorsOnHost()).isEqualTo(3);
            assertThat(t.getPolicy()).isEqualTo("manual");
            assertThat(t.getBackend()).isEqualTo(Backend.BACKEND_CXL_EMULATED);
        });
        var sim = stub.runSimulation(RunSimulationRequest.newBuilder().setMinutes(30).setSeed(1).build());
        assertThat(sim.getPlacementsList()).extracting(p -> p.getPolicy()).containsExactly("static-host", "static-device", "reversible");
        assertThat(sim.getPlacements(2).getP99Ms()).isLessThan(sim.getPlacements(1).getP99Ms());
        assertThat(sim.getPlacementsList()).extracting(p -> p.getDeviceWorkShare()).satisfiesExactly(host -> assertThat(host).isZero(),
                device -> assertThat(device).isEqualTo(1.0), reversible -> assertThat(reversible).isStrictlyBetween(0.0, 1.0));
        assertThat(fields(catchThrowableOfType(StatusRuntimeException.class, () -> stub.runSimulation(RunSimulationRequest.newBuilder().setMinutes(500)
                .build())))).containsExactly("minutes");
    }
}
