package io.keelson.controlplane.auth;

/** What a method needs, read from the {@code keelson.common.v1.access} method option. */
public enum Access {
    READ(Role.VIEWER),
    WRITE(Role.OPERATOR),
    ADMIN(Role.ADMIN);

    private final Role minimumRole;

    Access(Role minimumRole) {
        this.minimumRole = minimumRole;
    }

    public Role minimumRole() {
        return minimumRole;
    }

    /** The access a method's contract declares. */
    public static Access declaredBy(com.google.protobuf.Descriptors.MethodDescriptor method) {
        return fromProto(method.getOptions().getExtension(io.keelson.common.v1.CommonProto.access));
    }

    /** An unannotated method is treated as mutating, never as read-only by accident. */
    public static Access fromProto(io.keelson.common.v1.Access access) {
        return switch (access) {
            case ACCESS_READ -> READ;
            case ACCESS_ADMIN -> ADMIN;
            default -> WRITE;
        };
    }
}
