package io.keelson.controlplane.auth;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;

class BearerSecretTest {

    @Test
    void generatedSecretsParseBackAndMatchTheirHash() {
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 200; i++) {
            BearerSecret secret = BearerSecret.generate(random);
            BearerSecret parsed = BearerSecret.parse(secret.bearer()).orElseThrow();

            assertThat(parsed).isEqualTo(secret);
            assertThat(parsed.matches(secret.hash())).isTrue();
            assertThat(BearerSecret.isTokenId(parsed.tokenId())).isTrue();
        }
    }

    @Test
    void malformedBearersAreRejected() {
        String good = BearerSecret.generate(new SecureRandom()).bearer();

        assertThat(BearerSecret.parse(null)).isEmpty();
        assertThat(BearerSecret.parse("")).isEmpty();
        assertThat(BearerSecret.parse(good.substring(1))).isEmpty();
        assertThat(BearerSecret.parse(good + "x")).isEmpty();
        assertThat(BearerSecret.parse(good.replace('_', '-'))).isEmpty();
        assertThat(BearerSecret.parse("kt_" + "A".repeat(16) + good.substring(19))).isEmpty();
    }

    @Test
    void toStringNeverShowsTheSecret() {
        BearerSecret secret = BearerSecret.generate(new SecureRandom());

        assertThat(secret.toString()).doesNotContain(secret.secret());
    }
}
