package io.keelson.controlplane.gateway;

import io.keelson.acrfence.v1.AcrFenceServiceGrpc;
import io.keelson.agentcgroup.v1.AgentCgroupServiceGrpc;
import io.keelson.echo.v1.EchoServiceGrpc;
import io.keelson.gpuos.v1.GpuOsServiceGrpc;
import io.keelson.schedcp.v1.SchedCpServiceGrpc;
import io.keelson.wio.v1.WioServiceGrpc;
import io.keelson.sysom.v1.SysomServiceGrpc;

import java.util.List;
import java.util.Optional;

/** The systems Keelson routes to, in the order operators see them. */
public final class SystemCatalog {

    /** Pseudo-system of the control plane's own API. */
    public static final String CONTROL_PLANE = "controlplane";
    /** Pseudo-system of the gateway's protocol services (reflection, health). */
    public static final String GATEWAY = "gateway";

    private final List<KnownSystem> systems;

    public SystemCatalog(List<KnownSystem> systems) {
        this.systems = List.copyOf(systems);
    }

    /** The six Keelson systems and the diagnostic echo system. */
    public static SystemCatalog standard() {
        return new SystemCatalog(List.of(
                new KnownSystem("gpuos", "persistent GPU worker, run-time operators, batching frontend",
                        List.of(GpuOsServiceGrpc.getServiceDescriptor())),
                new KnownSystem("agentcgroup", "a cgroup per agent tool call; burst-proof memory policies",
                        List.of(AgentCgroupServiceGrpc.getServiceDescriptor())),
                new KnownSystem("acrfence", "effect journal: restores never repeat irreversible actions",
                        List.of(AcrFenceServiceGrpc.getServiceDescriptor())),
                new KnownSystem("sysom", "cross-layer diagnosis for GPU training fleets",
                        List.of(SysomServiceGrpc.getServiceDescriptor())),
                new KnownSystem("schedcp", "MCP control plane for Linux schedulers",
                        List.of(SchedCpServiceGrpc.getServiceDescriptor())),
                new KnownSystem("wio", "WebAssembly storage actors on host and computational SSD",
                        List.of(WioServiceGrpc.getServiceDescriptor())),
                new KnownSystem("echo", "diagnostic: answers what it is sent (routing checks, gateway benchmark)",
                        List.of(EchoServiceGrpc.getServiceDescriptor()))));
    }

    public List<KnownSystem> systems() {
        return systems;
    }

    public Optional<KnownSystem> find(String name) {
        return systems.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The system a fully-qualified service name belongs to, by its proto package. */
    public Optional<KnownSystem> ownerOf(String fullServiceName) {
        return systems.stream().filter(s -> fullServiceName.startsWith(s.packagePrefix())).findFirst();
    }
}
