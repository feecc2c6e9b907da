package io.keelson.controlplane.gateway;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

import java.net.SocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The outermost interceptor: it sees every call, including those the auth interceptor refuses,
 * and reports each one once, when it closes, to the observers (audit log, metrics).
 */
public final class ObservingInterceptor implements ServerInterceptor {

    private final List<CompletedCall.Observer> observers;
    private final Clock clock;

    public ObservingInterceptor(List<CompletedCall.Observer> observers, Clock clock) {
        this.observers = List.copyOf(observers);
        this.clock = clock;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        CallContext.CallFacts facts = new CallContext.CallFacts();
        long startNanos = System.nanoTime();
        var startedAt = clock.instant();
        AtomicBoolean reported = new AtomicBoolean();
        ServerCall<Q, R> observed = new SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                try {
                    super.close(status, trailers);
                } finally {
                    if (reported.compareAndSet(false, true)) {
                        report(call, facts, startedAt, System.nanoTime() - startNanos, status);
                    }
                }
            }
        };
        Context context = Context.current().withValue(CallContext.FACTS, facts);
        ServerCall.Listener<Q> listener = Contexts.interceptCall(context, observed, headers, next);
        return new io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onCancel() {
                try {
                    super.onCancel();
                } finally {
                    if (reported.compareAndSet(false, true)) {
                        report(call, facts, startedAt, System.nanoTime() - startNanos, Status.CANCELLED.withDescription("cancelled by the client"));
                    }
                }
            }
        };
    }

    private <Q, R> void report(ServerCall<Q, R> call, CallContext.CallFacts facts, java.time.Instant startedAt,
                               long latencyNanos, Status status) {
        SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        CompletedCall done = new CompletedCall(
                startedAt,
                facts.principal,
                facts.system,
                call.getMethodDescriptor().getFullMethodName(),
                status.getCode(),
                status.getDescription() == null ? "" : status.getDescription(),
                facts.denial,
                latencyNanos,
                remote == null ? "" : remote.toString());
        for (CompletedCall.Observer observer : observers) {
            observer.completed(done);
        }
    }
}
