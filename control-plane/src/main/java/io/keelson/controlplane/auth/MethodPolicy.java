package io.keelson.controlplane.auth;

/**
 * What the gateway must check before a method runs.
 *
 * @param system        the system the method belongs to ("controlplane", "gateway" or a system name)
 * @param access        the access it needs, from the method's {@code access} option
 * @param scopeRequired whether the token's scopes must name {@code system}; identity, discovery and
 *                      health methods are open to any valid token whatever its scopes
 */
public record MethodPolicy(String system, Access access, boolean scopeRequired) {
}
