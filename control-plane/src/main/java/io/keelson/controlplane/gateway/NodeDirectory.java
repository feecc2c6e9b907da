package io.keelson.controlplane.gateway;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.keelson.common.grpc.GrpcErrors;
import io.keelson.common.v1.ErrorReason;
import io.keelson.common.v1.GetNodeRequest;
import io.keelson.common.v1.NodeServiceGrpc;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.logging.Logger;

/**
 * The instances of a node-level system (agentcgroup, schedcp: one per node), by node. The system's address names
 * targets {@code host:port}; each host is resolved to every address it has (in Kubernetes a headless Service: one per
 * ready pod), and each instance is asked which node it runs on ({@code NodeService.GetNode}). A call names its node in
 * the {@code keelson-node} header; without it, it goes to the only node there is, and is refused when there are
 * several. Calls are answered from what is known, without waiting: looks are taken on a thread of the directory's own,
 * every {@link #REFRESH_EVERY} and soon after a call names a node not known. A node once seen is remembered {@link #FORGET_AFTER} after it stops answering, so a call to a node whose
 * instance died fails fast {@code UNAVAILABLE} rather than as an unknown node.
 */
public final class NodeDirectory implements AutoCloseable {

    static final Duration FORGET_AFTER = Duration.ofMinutes(10);
    static final Duration REFRESH_EVERY = Duration.ofSeconds(10);
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5); // a first connection (TLS, a cold JVM) can take seconds
    private static final Duration MIN_REFRESH_GAP = Duration.ofSeconds(1);
    private static final Logger LOG = Logger.getLogger(NodeDirectory.class.getName());

    /** One node's instance: where it was found, its channel, whether it answered the last time it was asked. */
    public record Instance(String node, String address, ManagedChannel channel, boolean answering, Instant lastAnswered) {
    }

    /** Where a call goes: a node's channel, or the refusal that says why none. */
    sealed interface Choice {
        record To(Instance instance) implements Choice {
        }

        record Refused(StatusRuntimeException status) implements Choice {
        }
    }

    /** A target of the address: a host name (resolved to all its addresses) and the port every instance serves on. */
    record Target(String host, int port) {
    }

    private final String system;
    private final List<Target> targets;
    private final BiFunction<InetSocketAddress, String, ManagedChannel> open;
    private final Clock clock;
    private final Map<String, ManagedChannel> channels = new HashMap<>(); // by resolved address
    private volatile Map<String, Instance> nodes = Map.of();
    /** Addresses that answered no node at the last look: an instance there may be the node a call names. */
    private volatile List<String> silent = List.of();
    private volatile Instant lastRefresh = Instant.MIN;
    /** Looks are taken here, never on a caller's thread: the gateway relays on its transport threads, which must not block. */
    private final ScheduledExecutorService looker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "keelson-nodes-" + r.hashCode());
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean lookRequested = new AtomicBoolean();

    /**
     * @param open a channel to one instance: its socket address and the authority its certificate is checked against
     *             (the target's host name, as the certificate names it)
     */
    NodeDirectory(String system, List<Target> targets, BiFunction<InetSocketAddress, String, ManagedChannel> open, Clock clock) {
        this.system = system;
        this.targets = List.copyOf(targets);
        this.open = open;
        this.clock = clock;
    }

    /** Looks now, then every {@link #REFRESH_EVERY}. */
    NodeDirectory start() {
        looker.scheduleWithFixedDelay(this::refreshLogged, 0, REFRESH_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /**
     * Parses {@code host:port[,host:port...]} (the part after {@code nodes:}), naming {@code configKey} when it is bad.
     */
    static List<Target> parse(String spec, String configKey) {
        List<Target> out = new ArrayList<>();
        for (String part : spec.split(",")) {
            String p = part.strip();
            int colon = p.lastIndexOf(':');
            int port;
            try {
                port = colon > 0 ? Integer.parseInt(p.substring(colon + 1)) : -1;
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(configKey + ": '" + p + "' is not host:port (in nodes:host:port[,host:port...])");
            }
            out.add(new Target(p.substring(0, colon), port));
        }
        return out;
    }

    /** The nodes known now, by name, in name order. */
    public Map<String, Instance> nodes() {
        return nodes;
    }

    /** Where a call naming {@code node} (or none) goes; looks again first when the answer may be stale. */
    Choice choose(Optional<String> node) {
        Map<String, Instance> known = nodes;
        if (node.map(n -> !known.containsKey(n)).orElse(known.isEmpty() || !silent.isEmpty())) {
            lookSoon(); // this call is answered from what is known now; the next one may know more
        }
        List<String> notAnswering = silent;
        if (node.isPresent()) {
            Instance instance = known.get(node.get());
            if (instance != null) {
                return new Choice.To(instance);
            }
            return new Choice.Refused(notAnswering.isEmpty()
                    ? GrpcErrors.of(Status.Code.NOT_FOUND, ErrorReason.ERROR_REASON_NODE_UNKNOWN,
                    system + " does not run on node '" + shorten(node.get()) + "'; it runs on " + names(known))
                    : GrpcErrors.of(Status.Code.UNAVAILABLE, ErrorReason.ERROR_REASON_SYSTEM_UNREACHABLE, system + " does not know node '"
                    + shorten(node.get()) + "' yet: the instance(s) at " + notAnswering + " did not say which node they run on"));
        }
        if (known.size() == 1 && notAnswering.isEmpty()) {
            return new Choice.To(known.values().iterator().next());
        }
        if (known.isEmpty()) {
            return new Choice.Refused(GrpcErrors.of(Status.Code.UNAVAILABLE, ErrorReason.ERROR_REASON_SYSTEM_UNREACHABLE, system
                    + " answers on no node yet (looked for at " + targets.stream().map(t -> t.host() + ":" + t.port()).toList()
                    + (notAnswering.isEmpty() ? "" : "; not answering: " + notAnswering) + ")"));
        }
        return new Choice.Refused(GrpcErrors.of(Status.Code.FAILED_PRECONDITION, ErrorReason.ERROR_REASON_NODE_REQUIRED, system + " runs on "
                + (known.size() + notAnswering.size()) + " nodes " + names(known) + (notAnswering.isEmpty() ? "" : " and at " + notAnswering)
                + ": name one in the keelson-node header (CLI: --node)"));
    }

    /** Asks for a look on the looker's thread, unless one is waiting or the last was under a second ago. */
    private void lookSoon() {
        if (Duration.between(lastRefresh, clock.instant()).compareTo(MIN_REFRESH_GAP) >= 0 && lookRequested.compareAndSet(false, true)) {
            looker.execute(() -> {
                lookRequested.set(false);
                refreshLogged();
            });
        }
    }

    private void refreshLogged() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.warning(system + ": looking for its nodes failed: " + e); // looked for again at the next round
        }
    }

    /** Resolves the targets again, opens channels to new addresses, closes those of addresses gone, asks each its node. */
    synchronized void refresh() {
        lastRefresh = clock.instant();
        Map<String, String> authorities = new LinkedHashMap<>(); // address -> the host name it was found under
        for (Target target : targets) {
            try {
                for (InetAddress a : InetAddress.getAllByName(target.host())) {
                    authorities.putIfAbsent(a.getHostAddress() + ":" + target.port(), target.host());
                }
            } catch (UnknownHostException e) {
                // no instance ready under this name now (a headless Service with no ready pod)
            }
        }
        channels.entrySet().removeIf(e -> {
            boolean gone = !authorities.containsKey(e.getKey());
            if (gone) {
                e.getValue().shutdownNow();
            }
            return gone;
        });
        Map<String, ListenableFuture<io.keelson.common.v1.GetNodeResponse>> asked = new LinkedHashMap<>();
        authorities.forEach((address, host) -> {
            ManagedChannel channel = channels.computeIfAbsent(address, a -> {
                int colon = a.lastIndexOf(':');
                return open.apply(new InetSocketAddress(a.substring(0, colon), Integer.parseInt(a.substring(colon + 1))), host);
            });
            asked.put(address, NodeServiceGrpc.newFutureStub(channel).withDeadlineAfter(ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .getNode(GetNodeRequest.getDefaultInstance()));
        });
        Instant now = clock.instant();
        TreeMap<String, Instance> found = new TreeMap<>();
        Map<String, Instance> before = nodes;
        List<String> quiet = new ArrayList<>();
        asked.forEach((address, answer) -> {
            try {
                String node = answer.get(ASK_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS).getNode();
                Instance previous = found.putIfAbsent(node, new Instance(node, address, channels.get(address), true, now));
                if (previous != null) {
                    LOG.warning(system + ": node '" + node + "' answers at " + previous.address() + " and " + address + "; calls go to the first");
                }
            } catch (ExecutionException | TimeoutException e) {
                channels.get(address).resetConnectBackoff(); // asked again at the next refresh
                if (before.values().stream().noneMatch(i -> i.address().equals(address))) {
                    quiet.add(address); // never said its node: it may be the one a call names
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        // a node that stopped answering stays known for a while, so that calls to it are UNAVAILABLE, not unknown
        before.values().forEach(old -> {
            if (!found.containsKey(old.node()) && Duration.between(old.lastAnswered(), now).compareTo(FORGET_AFTER) < 0) {
                ManagedChannel channel = channels.get(old.address());
                found.put(old.node(), new Instance(old.node(), old.address(), channel != null ? channel : old.channel(), false, old.lastAnswered()));
            }
        });
        nodes = Collections.unmodifiableSortedMap(found); // by name: listed and probed in a stable order
        silent = List.copyOf(quiet);
    }

    private static String names(Map<String, Instance> known) {
        return known.keySet().stream().sorted().toList().toString();
    }

    private static String shorten(String node) {
        return node.length() > 253 ? node.substring(0, 253) + "…" : node;
    }

    @Override
    public synchronized void close() {
        looker.shutdownNow();
        channels.values().forEach(ManagedChannel::shutdownNow);
        channels.clear();
    }
}
