package io.keelson.common.grpc;

import io.grpc.stub.StreamObserver;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The response observer of a client-streaming call: its one reply (or error) as a future. */
public final class SingleResponse<T> implements StreamObserver<T> {

    private final CompletableFuture<T> reply = new CompletableFuture<>();

    @Override
    public void onNext(T value) {
        reply.complete(value);
    }

    @Override
    public void onError(Throwable t) {
        reply.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
        reply.completeExceptionally(new IllegalStateException("the call completed without a response"));
    }

    public T get(long seconds) throws Exception {
        return reply.get(seconds, TimeUnit.SECONDS);
    }
}
