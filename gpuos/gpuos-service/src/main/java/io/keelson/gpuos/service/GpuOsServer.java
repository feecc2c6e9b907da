package io.keelson.gpuos.service;

import io.keelson.common.grpc.ServiceMain;
import io.keelson.gpuos.core.cpu.CpuDevice;

import java.util.Optional;

/**
 * gpuos as its own process (cluster mode, one per GPU node):
 * {@code java -cp <classpath> io.keelson.gpuos.service.GpuOsServer [port [cert.pem key.pem client-ca.pem]]}.
 * With the three PEM files it serves TLS and requires a client certificate signed by the CA (the gateway's
 * mTLS). Installed operators persist under {@code $KEELSON_HOME/gpuos} (default {@code ~/.keelson}).
 * Prints {@code LISTENING <port>} once it serves; the control plane routes to it with
 * {@code keelson.systems.gpuos.address=<host>:<port>}.
 */
public final class GpuOsServer {

    private GpuOsServer() {
    }

    public static void main(String[] args) throws Exception {
        GpuOsSystem system = GpuOsSystem.start(GpuOsSystem.Backend.parse(
                Optional.ofNullable(System.getenv("KEELSON_GPUOS_BACKEND")).orElse("auto"), "KEELSON_GPUOS_BACKEND"), CpuDevice.Config.defaults(), Optional.of(ServiceMain.home().resolve("gpuos")));
        ServiceMain.serve(ServiceMain.start(args, system.service()), system::close);
    }
}
