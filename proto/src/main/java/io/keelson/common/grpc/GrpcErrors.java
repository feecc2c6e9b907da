package io.keelson.common.grpc;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.keelson.common.v1.ErrorReason;

import java.util.List;

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
