package io.keelson.acrfence.core.fence;

import java.util.Optional;

/** A tool call as an agent makes it: on which run and branch, which tool, its JSON arguments, and a capability handle. */
public record Invocation(String run, String branch, String tool, String argumentsJson, Optional<String> capability) {
}
