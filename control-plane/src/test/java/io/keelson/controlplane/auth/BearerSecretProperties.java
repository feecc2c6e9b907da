package io.keelson.controlplane.auth;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.security.SecureRandom;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The bearer parser sees every caller's header: it must never throw, and must not accept a tampered token. */
class BearerSecretProperties {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Property(tries = 2000)
    void anyHeaderValueParsesOrIsRejectedWithoutThrowing(@ForAll String header) {
        Optional<BearerSecret> parsed = BearerSecret.parse(header);

        parsed.ifPresent(p -> assertThat(p.bearer()).isEqualTo(header));
    }

    @Property(tries = 2000)
    void changingAnyCharacterOfAValidTokenBreaksItsMatch(@ForAll("positions") int position, @ForAll("replacements") char replacement) {
        BearerSecret original = BearerSecret.generate(RANDOM);
        String bearer = original.bearer();
        String tampered = bearer.substring(0, position) + replacement + bearer.substring(position + 1);

        Optional<BearerSecret> parsed = BearerSecret.parse(tampered);

        if (!tampered.equals(bearer)) {
            assertThat(parsed.filter(p -> p.tokenId().equals(original.tokenId()) && p.matches(original.hash()))).isEmpty();
        }
    }

    @Provide
    Arbitrary<Integer> positions() {
        return Arbitraries.integers().between(0, 3 + 16 + 1 + 43 - 1);
    }

    @Provide
    Arbitrary<Character> replacements() {
        return Arbitraries.chars().ascii();
    }
}
