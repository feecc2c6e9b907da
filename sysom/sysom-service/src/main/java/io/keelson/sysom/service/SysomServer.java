package io.keelson.sysom.service;

import io.keelson.common.events.EventBus;
import io.keelson.common.events.EventBuses;
import io.keelson.common.grpc.ServiceMain;

/**
 * sysom as its own process (cluster mode, behind the control plane's gateway):
 * {@code SysomServer PORT [cert.pem key.pem client-ca.pem]}.
 */
public final class SysomServer {

    private SysomServer() {
    }

    public static void main(String[] args) throws Exception {
        EventBus bus = EventBuses.fromEnvironment(System.getenv());
        SysomSystem system = SysomSystem.start(bus);
        ServiceMain.serve(ServiceMain.start(args, system.service()), () -> {
            system.close();
            bus.close();
        });
    }
}
