package io.keelson.common.grpc;

import com.google.rpc.BadRequest;

import java.util.ArrayList;
import java.util.List;

/** Collects every field violation of a request, so the caller learns all of them at once. */
public final class Violations {

    private final List<BadRequest.FieldViolation> found = new ArrayList<>();

    public void add(String field, String description) {
        found.add(GrpcErrors.violation(field, description));
    }

    public void check(boolean ok, String field, String description) {
        if (!ok) {
            add(field, description);
        }
    }

    /** Checks a {@code page_size} field: 0 means {@code fallback}, otherwise 1..{@code max}. Returns the size to use. */
    public int pageSize(int requested, int fallback, int max) {
        check(requested >= 0 && requested <= max, "page_size", "between 0 and " + max + ", was " + requested);
        return requested == 0 ? fallback : requested;
    }

    /** What was found so far (for a stream that reports bad items and goes on rather than failing the call). */
    public List<BadRequest.FieldViolation> found() {
        return List.copyOf(found);
    }

    /** Throws INVALID_ARGUMENT with every violation found, if any. */
    public void throwIfAny() {
        if (!found.isEmpty()) {
            throw GrpcErrors.invalidArgument(found);
        }
    }
}
