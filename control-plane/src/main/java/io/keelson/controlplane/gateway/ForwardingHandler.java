package io.keelson.controlplane.gateway;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.keelson.common.v1.ErrorReason;
import io.keelson.controlplane.auth.Principal;
import io.keelson.common.grpc.GrpcErrors;

import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

/**
 * Relays one method of a routed system, as opaque bytes, over the system's channel. All four call
 * shapes use the same relay with flow control in both directions (a side asks for the next message
 * only when the other side can take it), after grpc-java's proxy example. The deadline travels on,
 * the bearer token does not: the routed system gets the caller's identity in {@code keelson-principal}.
 */
final class ForwardingHandler implements ServerCallHandler<byte[], byte[]> {

    private final SystemRoute route;
    private final MethodDescriptor<byte[], byte[]> method;

    ForwardingHandler(SystemRoute route, MethodDescriptor<byte[], byte[]> method) {
        this.route = route;
        this.method = method;
    }

    @Override
    public ServerCall.Listener<byte[]> startCall(ServerCall<byte[], byte[]> serverCall, Metadata headers) {
        Target target;
        try {
            target = target(headers);
        } catch (StatusRuntimeException refused) {
            serverCall.close(refused.getStatus(), refused.getTrailers());
            return new ServerCall.Listener<>() {
            };
        }
        CallOptions options = CallOptions.DEFAULT;
        Deadline deadline = Context.current().getDeadline();
        if (deadline != null) {
            options = options.withDeadline(deadline);
        }
        ClientCall<byte[], byte[]> clientCall = target.channel().newCall(method, options);
        Relay relay = new Relay(serverCall, clientCall, target.channel(), target.where());
        clientCall.start(relay.fromBackend, outgoingHeaders(headers));
        serverCall.request(1);
        clientCall.request(1);
        return relay.fromClient;
    }

    /** The instance a call goes to: its channel, and where it is in words (for the error when it does not answer). */
    private record Target(ManagedChannel channel, String where) {
    }

    /** The instance this call goes to: the system's, or for one per node the named node's. */
    private Target target(Metadata headers) {
        if (route.nodes().isPresent()) {
            NodeDirectory.Choice choice = route.nodes().get().choose(Optional.ofNullable(headers.get(CallContext.NODE_HEADER)));
            if (choice instanceof NodeDirectory.Choice.Refused refused) {
                throw refused.status();
            }
            NodeDirectory.Instance instance = ((NodeDirectory.Choice.To) choice).instance();
            if (instance.channel().isShutdown()) { // its address left the Service: the pod is gone
                throw GrpcErrors.of(Status.Code.UNAVAILABLE, ErrorReason.ERROR_REASON_SYSTEM_UNREACHABLE, "system " + route.name()
                        + " on node " + instance.node() + " is gone from " + instance.address() + " (last answered " + instance.lastAnswered() + ")");
            }
            return new Target(instance.channel(), " on node " + instance.node() + " at " + instance.address());
        }
        return route.channel().map(c -> new Target(c, " at " + route.address())).orElseThrow(() -> GrpcErrors.of(Status.Code.UNIMPLEMENTED,
                ErrorReason.ERROR_REASON_SYSTEM_NOT_DEPLOYED, "system " + route.name() + " is not deployed in this platform"));
    }

    private static Metadata outgoingHeaders(Metadata incoming) {
        Metadata out = new Metadata();
        out.merge(incoming);
        out.removeAll(CallContext.AUTHORIZATION);
        out.removeAll(CallContext.PRINCIPAL_HEADER);
        out.removeAll(CallContext.ROLE_HEADER);
        Optional<Principal> principal = CallContext.principal();
        principal.ifPresent(p -> {
            out.put(CallContext.PRINCIPAL_HEADER, p.tokenId());
            out.put(CallContext.ROLE_HEADER, p.role().wireName());
        });
        return out;
    }

    /** One relayed call: two listeners that hand messages across, each pausing when the other side is full. */
    private final class Relay {
        private final ServerCall<byte[], byte[]> serverCall;
        private final ClientCall<byte[], byte[]> clientCall;
        private final ManagedChannel channel;
        private final String where;
        /** Caller → system. */
        private final Direction upstream;
        /** System → caller. */
        private final Direction downstream;
        private boolean headersReceived;

        Relay(ServerCall<byte[], byte[]> serverCall, ClientCall<byte[], byte[]> clientCall, ManagedChannel channel, String where) {
            this.serverCall = serverCall;
            this.clientCall = clientCall;
            this.channel = channel;
            this.where = where;
            this.upstream = new Direction(clientCall::isReady, serverCall::request);
            this.downstream = new Direction(serverCall::isReady, clientCall::request);
        }

        /**
         * Flow control of one direction: after a message is passed on, the next is requested from the
         * sender only if the receiver can take more; otherwise when the receiver says it is ready.
         */
        private final class Direction {
            private final BooleanSupplier receiverReady;
            private final IntConsumer requestFromSender;
            private boolean senderWaiting;

            Direction(BooleanSupplier receiverReady, IntConsumer requestFromSender) {
                this.receiverReady = receiverReady;
                this.requestFromSender = requestFromSender;
            }

            void passedOn() {
                synchronized (Relay.this) {
                    if (receiverReady.getAsBoolean()) {
                        requestFromSender.accept(1);
                    } else {
                        senderWaiting = true;
                    }
                }
            }

            void receiverReady() {
                synchronized (Relay.this) {
                    if (senderWaiting) {
                        senderWaiting = false;
                        requestFromSender.accept(1);
                    }
                }
            }
        }

        final ServerCall.Listener<byte[]> fromClient = new ServerCall.Listener<>() {
            @Override
            public void onMessage(byte[] message) {
                clientCall.sendMessage(message);
                upstream.passedOn();
            }

            @Override
            public void onHalfClose() {
                clientCall.halfClose();
            }

            @Override
            public void onCancel() {
                clientCall.cancel("the caller cancelled", null);
            }

            @Override
            public void onReady() {
                downstream.receiverReady();
            }
        };

        final ClientCall.Listener<byte[]> fromBackend = new ClientCall.Listener<>() {
            @Override
            public void onHeaders(Metadata headers) {
                synchronized (Relay.this) {
                    headersReceived = true;
                }
                serverCall.sendHeaders(headers);
            }

            @Override
            public void onMessage(byte[] message) {
                serverCall.sendMessage(message);
                downstream.passedOn();
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                boolean transportFailure;
                synchronized (Relay.this) {
                    // a connection that dies as the call starts is reported by grpc-java as UNKNOWN "channel closed"
                    // with the channel's exception as cause; an application's UNKNOWN carries no local cause
                    transportFailure = !headersReceived && (status.getCode() == Status.Code.UNAVAILABLE
                            || status.getCode() == Status.Code.UNKNOWN && status.getCause() instanceof java.nio.channels.ClosedChannelException);
                }
                if (transportFailure) {
                    // The system never answered: name it, and let the next call reconnect at once
                    // instead of waiting out the channel's back-off.
                    channel.resetConnectBackoff();
                    StatusRuntimeException e = GrpcErrors.of(Status.Code.UNAVAILABLE, ErrorReason.ERROR_REASON_SYSTEM_UNREACHABLE,
                            "system " + route.name() + where + " is unreachable: " + status.getDescription());
                    serverCall.close(e.getStatus(), e.getTrailers());
                    return;
                }
                serverCall.close(status, trailers);
            }

            @Override
            public void onReady() {
                upstream.receiverReady();
            }
        };
    }
}
