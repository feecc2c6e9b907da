package io.keelson.controlplane.auth;

import io.keelson.common.v1.ErrorReason;
import io.keelson.controlplane.state.JdbcTokenStore;
import io.keelson.controlplane.testing.MutableClock;
import io.keelson.controlplane.testing.TestDatabases;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class TokenRegistryTest {

    private static final MethodPolicy ECHO_READ = new MethodPolicy("echo", Access.READ, true);
    private static final MethodPolicy ECHO_WRITE = new MethodPolicy("echo", Access.WRITE, true);
    private static final MethodPolicy ADMIN = new MethodPolicy("controlplane", Access.ADMIN, true);

    @TempDir
    Path dir;
    private MutableClock clock;
    private TokenRegistry registry;

    @BeforeEach
    void open() {
        clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
        registry = new TokenRegistry(new JdbcTokenStore(TestDatabases.h2(dir)), clock);
    }

    @Test
    void missingMalformedAndWrongSecretAreUnauthenticated() {
        TokenRegistry.IssuedToken issued = registry.create("ci", Role.VIEWER, Set.of("*"), Optional.empty(), "test");
        String wrongSecret = issued.bearer().substring(0, issued.bearer().length() - 1)
                + (issued.bearer().endsWith("A") ? "B" : "A");

        assertThat(reason(registry.authorize(Optional.empty(), ECHO_READ))).isEqualTo(ErrorReason.ERROR_REASON_TOKEN_MISSING);
        assertThat(reason(registry.authorize(Optional.of("not-a-token"), ECHO_READ))).isEqualTo(ErrorReason.ERROR_REASON_TOKEN_INVALID);
        assertThat(reason(registry.authorize(Optional.of(wrongSecret), ECHO_READ))).isEqualTo(ErrorReason.ERROR_REASON_TOKEN_INVALID);
        assertThat(registry.authorize(Optional.of(issued.bearer()), ECHO_READ)).isInstanceOf(Verdict.Allowed.class);
    }

    @Test
    void roleMustCoverTheMethodsAccess() {
        String viewer = registry.create("v", Role.VIEWER, Set.of("*"), Optional.empty(), "test").bearer();
        String operator = registry.create("o", Role.OPERATOR, Set.of("*"), Optional.empty(), "test").bearer();
        String admin = registry.create("a", Role.ADMIN, Set.of("*"), Optional.empty(), "test").bearer();

        assertThat(registry.authorize(Optional.of(viewer), ECHO_WRITE)).isInstanceOf(Verdict.Denied.class);
        assertThat(reason(registry.authorize(Optional.of(viewer), ECHO_WRITE))).isEqualTo(ErrorReason.ERROR_REASON_ROLE_INSUFFICIENT);
        assertThat(registry.authorize(Optional.of(operator), ECHO_WRITE)).isInstanceOf(Verdict.Allowed.class);
        assertThat(registry.authorize(Optional.of(operator), ADMIN)).isInstanceOf(Verdict.Denied.class);
        assertThat(registry.authorize(Optional.of(admin), ADMIN)).isInstanceOf(Verdict.Allowed.class);
    }

    @Test
    void scopesLimitTheSystemsATokenReaches() {
        String gpuosOnly = registry.create("g", Role.ADMIN, Set.of("gpuos"), Optional.empty(), "test").bearer();

        assertThat(reason(registry.authorize(Optional.of(gpuosOnly), ECHO_READ))).isEqualTo(ErrorReason.ERROR_REASON_SCOPE_MISSING);
        assertThat(registry.authorize(Optional.of(gpuosOnly), new MethodPolicy("gpuos", Access.WRITE, true)))
                .isInstanceOf(Verdict.Allowed.class);
        assertThat(registry.authorize(Optional.of(gpuosOnly), new MethodPolicy("controlplane", Access.READ, false)))
                .isInstanceOf(Verdict.Allowed.class);
    }

    @Test
    void revocationAppliesToTheNextCall() {
        TokenRegistry.IssuedToken issued = registry.create("r", Role.OPERATOR, Set.of("*"), Optional.empty(), "test");
        assertThat(registry.authorize(Optional.of(issued.bearer()), ECHO_READ)).isInstanceOf(Verdict.Allowed.class);

        registry.revoke(issued.token().id());

        assertThat(reason(registry.authorize(Optional.of(issued.bearer()), ECHO_READ))).isEqualTo(ErrorReason.ERROR_REASON_TOKEN_REVOKED);
    }

    @Test
    void expiredTokensAreRefused() {
        String shortLived = registry.create("e", Role.VIEWER, Set.of("*"), Optional.of(Duration.ofMinutes(5)), "test").bearer();
        assertThat(registry.authorize(Optional.of(shortLived), ECHO_READ)).isInstanceOf(Verdict.Allowed.class);

        clock.advance(Duration.ofMinutes(6));

        assertThat(reason(registry.authorize(Optional.of(shortLived), ECHO_READ))).isEqualTo(ErrorReason.ERROR_REASON_TOKEN_EXPIRED);
    }

    @Test
    void anotherRegistryOnTheSameStoreSeesNewTokensAndRevocationsAfterReload() {
        TokenRegistry other = new TokenRegistry(new JdbcTokenStore(TestDatabases.h2(dir)), clock);
        TokenRegistry.IssuedToken issued = registry.create("shared", Role.VIEWER, Set.of("*"), Optional.empty(), "test");
        assertThat(reason(other.authorize(Optional.of(issued.bearer()), ECHO_READ))).isEqualTo(ErrorReason.ERROR_REASON_TOKEN_INVALID);

        other.reload();
        assertThat(other.authorize(Optional.of(issued.bearer()), ECHO_READ)).isInstanceOf(Verdict.Allowed.class);

        registry.revoke(issued.token().id());
        other.reload();

        assertThat(reason(other.authorize(Optional.of(issued.bearer()), ECHO_READ))).isEqualTo(ErrorReason.ERROR_REASON_TOKEN_REVOKED);
    }

    @Test
    void theStoreNeverHoldsTheSecret() {
        TokenRegistry.IssuedToken issued = registry.create("h", Role.VIEWER, Set.of("*"), Optional.empty(), "test");
        String secret = BearerSecret.parse(issued.bearer()).orElseThrow().secret();

        assertThat(issued.token().secretHash()).hasSize(64).doesNotContain(secret);
        assertThat(issued.toString()).doesNotContain(secret);
    }

    private static ErrorReason reason(Verdict verdict) {
        if (verdict instanceof Verdict.Unauthenticated u) {
            return u.reason();
        }
        if (verdict instanceof Verdict.Denied d) {
            return d.reason();
        }
        return ErrorReason.ERROR_REASON_UNSPECIFIED;
    }
}
