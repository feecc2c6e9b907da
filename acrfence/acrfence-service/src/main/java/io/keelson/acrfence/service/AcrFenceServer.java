package io.keelson.acrfence.service;

import io.keelson.common.grpc.ServiceMain;

/**
 * acrfence as its own process (cluster mode):
 * {@code java -cp <classpath> io.keelson.acrfence.service.AcrFenceServer [port [cert.pem key.pem client-ca.pem]]}.
 * The journal lives under {@code $KEELSON_HOME/acrfence}. Prints {@code LISTENING <port>} once it serves.
 */
public final class AcrFenceServer {

    private AcrFenceServer() {
    }

    public static void main(String[] args) throws Exception {
        AcrFenceSystem system = AcrFenceSystem.start(ServiceMain.home().resolve("acrfence"));
        ServiceMain.serve(ServiceMain.start(args, system.service()), system::close);
    }
}
