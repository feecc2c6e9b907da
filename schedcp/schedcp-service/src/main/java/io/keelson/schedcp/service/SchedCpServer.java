package io.keelson.schedcp.service;

import io.keelson.common.grpc.ServiceMain;

import java.nio.file.Path;

/**
 * schedcp as its own process (cluster mode: a DaemonSet beside each node's kernel, behind the control plane's
 * gateway): {@code SchedCpServer PORT [cert.pem key.pem client-ca.pem]}; state in {@code $KEELSON_SCHEDCP_STATE}
 * (default ./schedcp), scheduler binaries from {@code $KEELSON_SCHEDCP_SCHEDULERS_DIR} (default /usr/bin).
 */
public final class SchedCpServer {

    private SchedCpServer() {
    }

    public static void main(String[] args) throws Exception {
        SchedCpSystem system = SchedCpSystem.start(Path.of(System.getenv().getOrDefault("KEELSON_SCHEDCP_STATE", "schedcp")),
                Path.of(System.getenv().getOrDefault("KEELSON_SCHEDCP_SCHEDULERS_DIR", "/usr/bin")));
        ServiceMain.serve(ServiceMain.start(args, system.service()), system::close);
    }
}
