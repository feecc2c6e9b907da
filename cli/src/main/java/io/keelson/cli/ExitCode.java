package io.keelson.cli;

import com.google.rpc.BadRequest;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

import java.io.PrintWriter;

/** The exit codes scripts can rely on, and how a gateway's refusal is said on stderr. */
enum ExitCode {
    OK(0), FAILED(1), USAGE(2), NOT_ALLOWED(3), NOT_FOUND(4), INVALID(5), UNAVAILABLE(6), CONFLICT(7);

    final int code;

    ExitCode(int code) {
        this.code = code;
    }

    /** Says what the gateway refused and why (every field it named), and returns the matching exit code. */
    static int report(StatusRuntimeException e, PrintWriter err) {
        String why = e.getStatus().getDescription() == null ? e.getStatus().getCode().name() : e.getStatus().getDescription();
        err.println("keelson: " + e.getStatus().getCode().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ": " + why);
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        if (status != null) {
            status.getDetailsList().stream().filter(d -> d.is(BadRequest.class)).forEach(d -> {
                try {
                    d.unpack(BadRequest.class).getFieldViolationsList().forEach(v -> err.println("  " + v.getField() + ": " + v.getDescription()));
                } catch (com.google.protobuf.InvalidProtocolBufferException ignored) {
                    // a detail that does not parse adds nothing to the message above
                }
            });
        }
        return (switch (e.getStatus().getCode()) {
            case UNAUTHENTICATED, PERMISSION_DENIED -> NOT_ALLOWED;
            case NOT_FOUND -> NOT_FOUND;
            case INVALID_ARGUMENT, OUT_OF_RANGE -> INVALID;
            case UNAVAILABLE, UNIMPLEMENTED, DEADLINE_EXCEEDED -> UNAVAILABLE;
            case FAILED_PRECONDITION, ALREADY_EXISTS, ABORTED, RESOURCE_EXHAUSTED -> CONFLICT;
            default -> FAILED;
        }).code;
    }
}
