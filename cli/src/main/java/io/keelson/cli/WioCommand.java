package io.keelson.cli;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageOrBuilder;
import io.keelson.wio.v1.DeployActorRequest;
import io.keelson.wio.v1.DeviceTelemetry;
import io.keelson.wio.v1.ListActorsRequest;
import io.keelson.wio.v1.MigrateActorRequest;
import io.keelson.wio.v1.RunSimulationRequest;
import io.keelson.wio.v1.SetPlacementPolicyRequest;
import io.keelson.wio.v1.Side;
import io.keelson.wio.v1.StreamDeviceTelemetryRequest;
import io.keelson.wio.v1.WioServiceGrpc;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;

@Command(name = "wio", mixinStandardHelpOptions = true, description = "Storage actors on host and computational SSD: deploy, move, watch, simulate.",
        subcommands = {WioCommand.Actors.class, WioCommand.Deploy.class, WioCommand.Migrate.class, WioCommand.Placement.class,
                WioCommand.Telemetry.class, WioCommand.Simulate.class})
final class WioCommand {

    /** A side as the command line spells it. */
    enum Where {
        HOST(Side.SIDE_HOST), DEVICE(Side.SIDE_DEVICE);

        final Side side;

        Where(Side side) {
            this.side = side;
        }
    }

    @Command(name = "actors", mixinStandardHelpOptions = true, description = "Deployed actors: side, state, memory, records processed, queue.")
    static final class Actors extends GatewayCall {
        @Override
        MessageOrBuilder call(Gateway gateway) {
            return gateway.stub(WioServiceGrpc::newBlockingStub).listActors(ListActorsRequest.getDefaultInstance());
        }
    }

    @Command(name = "deploy", mixinStandardHelpOptions = true, description = "Deploys a bundled actor or a module of your own.")
    static final class Deploy extends GatewayCall {
        @Parameters(paramLabel = "NAME")
        String name;

        static final class Module {
            @Option(names = "--bundled", required = true, description = "crc32c, lz, logfmt or filter")
            String bundled;
            @Option(names = "--wasm", required = true, description = "a WebAssembly module file following the actor ABI")
            Path wasm;
        }

        @ArgGroup(multiplicity = "1")
        Module module;
        @Option(names = "--side", description = "host or device (default device)")
        Where side = Where.DEVICE;
        @Option(names = "--config", description = "a file of configuration bytes for the actor")
        Path config;
        @Option(names = "--interpreted", description = "run on Chicory's interpreter rather than compiled")
        boolean interpreted;
        @Option(names = "--call-limit-ms", description = "each call's time limit (1..10000; default 1000)")
        int callLimitMs;

        @Override
        MessageOrBuilder call(Gateway gateway) {
            DeployActorRequest.Builder b = DeployActorRequest.newBuilder().setName(name).setSide(side.side).setInterpreted(interpreted)
                    .setCallLimitMs(callLimitMs);
            if (module.wasm != null) {
                b.setWasm(ByteString.copyFrom(read(module.wasm, "--wasm")));
            } else {
                b.setBundled(module.bundled);
            }
            if (config != null) {
                b.setConfig(ByteString.copyFrom(read(config, "--config")));
            }
            return gateway.stub(WioServiceGrpc::newBlockingStub).deployActor(b.build());
        }

        private static byte[] read(Path file, String flag) {
            try {
                return Files.readAllBytes(file);
            } catch (IOException e) {
                throw new KeelsonCli.UsageError(flag + ": cannot read " + file + ": " + e.getMessage());
            }
        }
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true, description = "Moves an actor by drain-and-switch; says the pause and the bytes moved.")
    static final class Migrate extends GatewayCall {
        @Parameters(paramLabel = "NAME")
        String name;
        @Option(names = "--to", required = true, description = "host or device")
        Where to;

        @Override
        MessageOrBuilder call(Gateway gateway) {
            return gateway.stub(WioServiceGrpc::newBlockingStub).migrateActor(MigrateActorRequest.newBuilder().setName(name).setTo(to.side).build());
        }
    }

    @Command(name = "placement", mixinStandardHelpOptions = true, description = "Sets the placement policy: manual, static-host, static-device or reversible.")
    static final class Placement extends GatewayCall {
        @Parameters(paramLabel = "POLICY")
        String policy;

        @Override
        MessageOrBuilder call(Gateway gateway) {
            return gateway.stub(WioServiceGrpc::newBlockingStub).setPlacementPolicy(SetPlacementPolicyRequest.newBuilder().setPolicy(policy).build());
        }
    }

    @Command(name = "telemetry", mixinStandardHelpOptions = true, description = "The device's temperature, throttle, power and throughput, sample by sample.")
    static final class Telemetry extends GatewayCall {
        @Option(names = "--samples", description = "how many (default 5; 0: until interrupted)")
        int samples = 5;
        @Option(names = "--interval-ms", description = "between samples (100..10000; default 1000)")
        int intervalMs = 1000;

        @Override
        MessageOrBuilder call(Gateway gateway) {
            Iterator<DeviceTelemetry> stream = gateway.stub(WioServiceGrpc::newBlockingStub, samples == 0 ? Long.MAX_VALUE / 2_000_000_000L
                    : 30 + (long) samples * intervalMs / 1000).streamDeviceTelemetry(StreamDeviceTelemetryRequest.newBuilder().setSamples(samples)
                    .setIntervalMs(intervalMs).build());
            DeviceTelemetry last = DeviceTelemetry.getDefaultInstance();
            while (stream.hasNext()) {
                last = stream.next();
                if (stream.hasNext()) {
                    root().print(last);
                }
            }
            return last;
        }
    }

    @Command(name = "simulate", mixinStandardHelpOptions = true, description = "30 simulated minutes of a write stream: static-host, static-device, reversible.")
    static final class Simulate extends GatewayCall {
        @Option(names = "--minutes", description = "1..120 (default 30)")
        double minutes = 30;
        @Option(names = "--offered-mb-per-second", description = "the write stream (default: 80 % of the device's compute)")
        double offered;
        @Option(names = "--seed")
        long seed = 2026;

        @Override
        MessageOrBuilder call(Gateway gateway) {
            try (Progress p = Progress.show("simulating", root().err())) {
                return gateway.stub(WioServiceGrpc::newBlockingStub, 300).runSimulation(RunSimulationRequest.newBuilder().setMinutes(minutes)
                        .setOfferedMbPerSecond(offered).setSeed(seed).build());
            }
        }
    }
}
