package io.keelson.acrfence.core.json;

import io.keelson.acrfence.core.tool.ArgumentSpec;
import io.keelson.acrfence.core.tool.EffectClass;
import io.keelson.acrfence.core.tool.ToolSchema;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CanonicalJsonTest {

    private static final ToolSchema TRANSFER = new ToolSchema("transfer", 1, EffectClass.IRREVERSIBLE, List.of(
            new ArgumentSpec("to", ArgumentSpec.Type.STRING, true, ArgumentSpec.Role.INTENT),
            new ArgumentSpec("amount", ArgumentSpec.Type.NUMBER, true, ArgumentSpec.Role.INTENT),
            new ArgumentSpec("reference", ArgumentSpec.Type.STRING, false, ArgumentSpec.Role.VOLATILE)), false);

    @Test
    void followsRfc8785OnItsOwnExample() {
        String input = "{\"numbers\": [1E30,4.50,6,2e-3,0.000000000000000000000000001], \"escaping\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022"
                + "\\u005c\\\\\\\"\\/\", \"other\":  [null, true, false]}";
        assertThat(CanonicalJson.text(CanonicalJson.parse(input)))
                .isEqualTo("{\"escaping\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\",\"numbers\":[1e+30,4.5,6,0.002,1e-27],\"other\":[null,true,false]}");
    }

    @Test
    void theIntentKeyIgnoresVolatileFieldsAndSpellingButNotIntent() {
        String key = TRANSFER.intentKey(CanonicalJson.parse("{\"to\":\"acme\",\"amount\":500,\"reference\":\"a1b2c3d4\"}"));
        // a re-synthesised call: new reference, other key order, 500.0 for 500
        assertThat(TRANSFER.intentKey(CanonicalJson.parse("{\"reference\":\"f9a8b7c6\",\"amount\":500.0,\"to\":\"acme\"}"))).isEqualTo(key);
        assertThat(TRANSFER.intentKey(CanonicalJson.parse("{\"to\":\"acme\",\"amount\":501,\"reference\":\"a1b2c3d4\"}"))).isNotEqualTo(key);
        assertThat(TRANSFER.intentKey(CanonicalJson.parse("{\"to\":\"evil\",\"amount\":500,\"reference\":\"a1b2c3d4\"}"))).isNotEqualTo(key);
        // an argument the schema does not know counts as intent: a changed unknown field is never taken for a replay
        assertThat(TRANSFER.intentKey(CanonicalJson.parse("{\"to\":\"acme\",\"amount\":500,\"memo\":\"x\"}"))).isNotEqualTo(key);
    }

    @Test
    void schemaViolationsNameTheField() {
        assertThat(TRANSFER.validate(CanonicalJson.parse("{\"to\":5}"))).extracting(ToolSchema.Violation::field)
                .containsExactly("arguments.to", "arguments.amount");
        assertThat(TRANSFER.validate(CanonicalJson.parse("[1]"))).extracting(ToolSchema.Violation::problem).containsExactly("must be a JSON object");
        assertThatThrownBy(() -> CanonicalJson.parse("{\"to\":")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> new ToolSchema("Bad Name!", 1, EffectClass.IRREVERSIBLE, List.of(), false)).hasMessageContaining("tool name");
    }
}
