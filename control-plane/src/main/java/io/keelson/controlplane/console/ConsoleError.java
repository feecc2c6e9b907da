package io.keelson.controlplane.console;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;

import java.util.ArrayList;
import java.util.List;

/**
 * What the console's pages are told when a call fails: the gRPC code, the message, the error reason and each
 * bad field, with the HTTP status that means the same. Never a stack trace.
 */
public record ConsoleError(int httpStatus, String code, String message, String reason, List<Violation> violations) {

    public record Violation(String field, String description) {
    }

    static ConsoleError of(int httpStatus, String code, String message) {
        return new ConsoleError(httpStatus, code, message, "", List.of());
    }

    static ConsoleError badRequest(String field, String description) {
        return new ConsoleError(400, Status.Code.INVALID_ARGUMENT.name(), field + ": " + description, "",
                List.of(new Violation(field, description)));
    }

    /** From a failed gRPC call, with the details the gateway and the systems attach (ErrorInfo, BadRequest). */
    static ConsoleError from(Throwable failure) {
        Status status = Status.fromThrowable(failure);
        String reason = "";
        List<Violation> violations = new ArrayList<>();
        com.google.rpc.Status details = StatusProto.fromThrowable(failure);
        if (details != null) {
            for (Any any : details.getDetailsList()) {
                try {
                    if (any.is(ErrorInfo.class)) {
                        reason = any.unpack(ErrorInfo.class).getReason();
                    } else if (any.is(BadRequest.class)) {
                        any.unpack(BadRequest.class).getFieldViolationsList()
                                .forEach(v -> violations.add(new Violation(v.getField(), v.getDescription())));
                    }
                } catch (InvalidProtocolBufferException damaged) {
                    // a detail that does not parse adds nothing; the code and message still say what failed
                }
            }
        }
        String message = status.getDescription() != null ? status.getDescription()
                : status.getCode() == Status.Code.UNKNOWN ? "the call failed" : status.getCode().name().toLowerCase().replace('_', ' ');
        return new ConsoleError(httpStatusOf(status.getCode()), status.getCode().name(), message, reason, List.copyOf(violations));
    }

    private static int httpStatusOf(Status.Code code) {
        return switch (code) {
            case INVALID_ARGUMENT, OUT_OF_RANGE -> 400;
            case UNAUTHENTICATED -> 401;
            case PERMISSION_DENIED -> 403;
            case NOT_FOUND -> 404;
            case ALREADY_EXISTS, ABORTED -> 409;
            case FAILED_PRECONDITION -> 412;
            case RESOURCE_EXHAUSTED -> 429;
            case CANCELLED -> 499;
            case UNIMPLEMENTED -> 501;
            case UNAVAILABLE -> 503;
            case DEADLINE_EXCEEDED -> 504;
            default -> 500;
        };
    }
}
