package io.keelson.common.grpc;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/** A unary call's reply: the handler's response, or the status its failure stands for. */
public final class UnaryCall {

    private UnaryCall() {
    }

    /**
     * Runs {@code handler} and replies with what it returns. A {@link StatusRuntimeException} is the reply as is;
     * another failure is turned into a status by {@code failures} (a system's engine errors), or, if it does not
     * know it, propagates to gRPC (INTERNAL: a bug, not bad input).
     */
    public static <T> void respond(StreamObserver<T> out, Supplier<T> handler,
                                   Function<RuntimeException, Optional<StatusRuntimeException>> failures) {
        T response;
        try {
            response = handler.get();
        } catch (StatusRuntimeException e) {
            out.onError(e);
            return;
        } catch (RuntimeException e) {
            out.onError(failures.apply(e).orElseThrow(() -> e));
            return;
        }
        out.onNext(response);
        out.onCompleted();
    }
}
