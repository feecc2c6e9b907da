package io.keelson.cli;

import com.google.protobuf.MessageOrBuilder;
import io.keelson.gpuos.v1.GetStatsRequest;
import io.keelson.gpuos.v1.GpuOsServiceGrpc;
import io.keelson.gpuos.v1.ListDevicesRequest;
import io.keelson.gpuos.v1.ListOperatorsRequest;
import picocli.CommandLine.Command;

@Command(name = "gpuos", mixinStandardHelpOptions = true, description = "The persistent GPU worker: devices, operators, queue statistics.",
        subcommands = {GpuosCommand.Devices.class, GpuosCommand.Operators.class, GpuosCommand.Stats.class})
final class GpuosCommand {

    @Command(name = "devices", mixinStandardHelpOptions = true, description = "Devices and the backend serving them (cuda or cpu-emulated).")
    static final class Devices extends GatewayCall {
        @Override
        MessageOrBuilder call(Gateway gateway) {
            return gateway.stub(GpuOsServiceGrpc::newBlockingStub).listDevices(ListDevicesRequest.getDefaultInstance());
        }
    }

    @Command(name = "operators", mixinStandardHelpOptions = true, description = "Installed operators with their active and previous versions.")
    static final class Operators extends GatewayCall {
        @Override
        MessageOrBuilder call(Gateway gateway) {
            return gateway.stub(GpuOsServiceGrpc::newBlockingStub).listOperators(ListOperatorsRequest.getDefaultInstance());
        }
    }

    @Command(name = "stats", mixinStandardHelpOptions = true, description = "Queue depth, launches per second, latency percentiles, worker heartbeat.")
    static final class Stats extends GatewayCall {
        @Override
        MessageOrBuilder call(Gateway gateway) {
            return gateway.stub(GpuOsServiceGrpc::newBlockingStub).getStats(GetStatsRequest.getDefaultInstance());
        }
    }
}
