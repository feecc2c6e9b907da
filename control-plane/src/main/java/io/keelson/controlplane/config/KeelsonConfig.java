package io.keelson.controlplane.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Every {@code keelson.*} configuration key, declared once. Values are validated at start-up;
 * a bad value stops the platform with a message naming the key. {@code docs/operations.md}
 * lists the same keys.
 */
@ConfigMapping(prefix = "keelson")
public interface KeelsonConfig {

    /** Where embedded state and the bootstrap admin token live ({@code KEELSON_HOME}). */
    Path home();

    Gateway gateway();

    /** Per system: {@code keelson.systems.<name>.address}. */
    Map<String, SystemConfig> systems();

    Auth auth();

    Audit audit();

    Gpuos gpuos();

    Agentcgroup agentcgroup();

    Events events();

    Acrfence acrfence();

    Schedcp schedcp();

    /** The schedcp system when embedded; its state (workload history, created schedulers) lives under {@code <home>/schedcp}. */
    interface Schedcp {
        /** Where scheduler binaries are taken from (scx packages install scx_* here); a client never names a path. */
        @WithDefault("/usr/bin")
        String schedulersDir();
    }

    Wio wio();

    /** The wio system when embedded: its emulated computational SSD; block stores live under {@code <home>/wio}. */
    interface Wio {
        /** The device's actor throughput at full speed, MB/s (device-side actors are paced to it, times its throttle). */
        @WithDefault("32")
        double deviceMbPerSecond();

        /** How much faster than the wall clock the device's thermal model runs (1: real time). */
        @WithDefault("1")
        double thermalTimeScale();

        /** Actors the shared region holds. */
        @WithDefault("32")
        int slots();
    }

    /** The acrfence system when embedded; its journal lives under {@code <home>/acrfence}. */
    interface Acrfence {
        /** Hosts the HTTP tools an admin registers may be called on; a registration naming another host is refused. */
        @WithDefault("localhost,127.0.0.1")
        java.util.List<String> toolHosts();
    }

    /** The event bus embedded systems publish on: in-process unless a Kafka bootstrap address is set (cluster mode). */
    interface Events {
        /** Kafka's {@code bootstrap.servers}; unset: the in-process bus. */
        Optional<String> kafkaBootstrap();

        /** Partitions of each topic the bus creates. */
        @WithDefault("6")
        @Min(1) @Max(1000)
        int kafkaPartitions();

        /** Replicas of each topic the bus creates (3 on a production cluster). */
        @WithDefault("1")
        @Min(1) @Max(7)
        short kafkaReplication();
    }

    /** The agentcgroup system when embedded; its session directories live under {@code <home>/agentcgroup}. */
    interface Agentcgroup {
        /** Programs a session may be allowed to run (bare names, resolved on /usr/local/bin:/usr/bin:/bin). */
        @WithDefault("sh,bash,python3,git,cat,ls,echo,sleep,head,tail,tr,grep,sed,make,env,true,false")
        java.util.List<String> allowedCommands();

        /** {@code auto} (the kernel's cgroups where writable, else emulated), {@code kernel} or {@code emulated}. */
        @WithDefault("auto")
        String backend();
    }

    /** The gpuos system when embedded (routed to {@code in-process:}); its operators persist under {@code <home>/gpuos}. */
    interface Gpuos {
        /** auto (cuda where a GPU, its driver and NVRTC work, else cpu-emulated), cuda (refuse to start without) or cpu-emulated. */
        @WithDefault("auto")
        @Pattern(regexp = "auto|cuda|cpu-emulated")
        String backend();

        /** Worker threads of the cpu-emulated device. Unset: one per core. */
        Optional<@Min(1) @Max(256) Integer> workers();

        /** Task ring slots (a power of two); a full ring answers RESOURCE_EXHAUSTED. */
        @WithDefault("4096")
        @Min(2)
        @Max(1048576)
        int queueCapacity();

        /** Largest single tensor, in bytes. */
        @WithDefault("268435456")
        @Min(1)
        long maxTensorBytes();

        /** Device memory all tensors together may use, in bytes. */
        @WithDefault("2147483648")
        @Min(1)
        long maxDeviceBytes();
    }

    interface Gateway {
        /** gRPC port of the gateway; 0 picks a free one. */
        @WithDefault("9000")
        @Min(0)
        @Max(65535)
        int port();

        /** Interface to bind. */
        @WithDefault("0.0.0.0")
        String host();

        /**
         * Event-loop threads for the gateway port and its channels to remote systems (relays, auth and
         * audit run on them). Unset: half the cores, at least one.
         */
        Optional<@Min(1) @Max(256) Integer> ioThreads();

        /** Worker threads for control-plane RPCs, which touch the state store. */
        @WithDefault("8")
        @Min(1)
        @Max(512)
        int threads();

        /** Server certificate (PEM) for clients of the gateway; plaintext when unset. */
        Optional<Path> tlsCert();

        Optional<Path> tlsKey();

        /** CA whose client certificates the gateway requires (mTLS from clients). */
        Optional<Path> tlsClientCa();

        /** Client certificate the gateway presents to remote systems (mTLS to services). */
        Optional<Path> serviceTlsCert();

        Optional<Path> serviceTlsKey();

        /** CA that signed the remote systems' certificates. */
        Optional<Path> serviceTlsCa();

        /** Deadline of one health probe of a routed system. */
        @WithDefault("2s")
        Duration probeTimeout();
    }

    interface SystemConfig {
        /** {@code in-process:<name>} (embedded), a gRPC target such as {@code host:port} (remote), or unset (not deployed). */
        Optional<String> address();
    }

    interface Auth {
        /**
         * How often tokens are re-read from the store, so that changes made by another control-plane
         * replica (cluster mode) are seen. Changes made through this process apply at once.
         */
        @WithDefault("1s")
        Duration reloadInterval();
    }

    interface Audit {
        /** Audit records waiting to be written before callers are slowed down (never dropped). */
        @WithDefault("65536")
        @Min(1024)
        int queueCapacity();
    }
}
