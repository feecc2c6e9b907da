package io.keelson.wio.service;

import io.keelson.common.grpc.ServiceMain;
import io.keelson.wio.core.runtime.WioRuntime;

/**
 * wio as its own process (cluster mode, behind the control plane's gateway): {@code WioServer PORT [cert.pem key.pem
 * client-ca.pem]}; block stores under {@code $KEELSON_HOME/wio}.
 */
public final class WioServer {

    private WioServer() {
    }

    public static void main(String[] args) throws Exception {
        WioSystem system = WioSystem.start(ServiceMain.home().resolve("wio"), WioRuntime.Settings.standard());
        ServiceMain.serve(ServiceMain.start(args, system.service()), system::close);
    }
}
