package io.keelson.common.grpc;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.keelson.common.v1.ErrorReason;

import java.util.List;
import java.util.Optional;

/**
 * The one place that turns a failure into a gRPC status with {@code google.rpc} details:
 * an {@link ErrorInfo} (domain {@value #DOMAIN}, reason from {@link ErrorReason}) on every error,
 * plus {@link BadRequest} field violations on {@code INVALID_ARGUMENT}.
 */
public final class GrpcErrors {

    public static final String DOMAIN = "keelson.io";

    private GrpcErrors() {
    }

    public static StatusRuntimeException of(Status.Code code, ErrorReason reason, String message) {
        return StatusProto.toStatusRuntimeException(base(code, reason, message).build());
    }

    public static StatusRuntimeException invalidArgument(List<BadRequest.FieldViolation> violations) {
        String message = "invalid request: " + String.join("; ",
                violations.stream().map(v -> v.getField() + ": " + v.getDescription()).toList());
        com.google.rpc.Status status = base(Status.Code.INVALID_ARGUMENT, ErrorReason.ERROR_REASON_INVALID_ARGUMENT, message)
                .addDetails(Any.pack(BadRequest.newBuilder().addAllFieldViolations(violations).build()))
                .build();
        return StatusProto.toStatusRuntimeException(status);
    }

    /**
     * The statuses a system engine's plain Java refusals stand for, by the convention the engines follow: an
     * {@link IllegalArgumentException} whose message starts with {@code "field: "} is INVALID_ARGUMENT naming that
     * field (else the field {@code request}); a {@link java.util.NoSuchElementException} is NOT_FOUND; an
     * {@link IllegalStateException} is FAILED_PRECONDITION. Anything else is left to the caller (empty).
     */
    public static Optional<StatusRuntimeException> fromEngine(RuntimeException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof java.util.NoSuchElementException) {
            return Optional.of(of(Status.Code.NOT_FOUND, ErrorReason.ERROR_REASON_NOT_FOUND, message));
        }
        if (e instanceof IllegalArgumentException) {
            int colon = message.indexOf(':');
            String field = colon > 0 && message.substring(0, colon).matches("[a-z_\\[\\]0-9.]+") ? message.substring(0, colon) : "request";
            return Optional.of(invalidArgument(List.of(violation(field, colon > 0 ? message.substring(colon + 1).strip() : message))));
        }
        if (e instanceof IllegalStateException) {
            return Optional.of(of(Status.Code.FAILED_PRECONDITION, ErrorReason.ERROR_REASON_FAILED_PRECONDITION, message));
        }
        return Optional.empty();
    }

    public static BadRequest.FieldViolation violation(String field, String description) {
        return BadRequest.FieldViolation.newBuilder().setField(field).setDescription(description).build();
    }

    private static com.google.rpc.Status.Builder base(Status.Code code, ErrorReason reason, String message) {
        return com.google.rpc.Status.newBuilder()
                .setCode(code.value())
                .setMessage(message)
                .addDetails(Any.pack(ErrorInfo.newBuilder().setDomain(DOMAIN).setReason(reason.name()).build()));
    }
}
