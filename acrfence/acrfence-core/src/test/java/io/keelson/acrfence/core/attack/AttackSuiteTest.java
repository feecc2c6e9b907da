package io.keelson.acrfence.core.attack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.keelson.acrfence.core.testing.JournalStore;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The attack suite against its frozen oracle: every scenario under every crash mode, with and without the fence.
 * Without it the attacks happen (duplicates, a resurrected approval); with it, no attack leaves more than its
 * intended effects, and no benign case is blocked or refused.
 */
class AttackSuiteTest {

    @TempDir
    Path scratch;

    @ParameterizedTest
    @EnumSource(JournalStore.class)
    void theFenceStopsEveryAttackAndBlocksNoBenignCase(JournalStore store) throws Exception {
        JsonNode oracle;
        try (InputStream in = getClass().getResourceAsStream("/attacks/oracle.yaml")) {
            oracle = new ObjectMapper(new YAMLFactory()).readTree(in);
        }
        List<Scenario> suite = Scenario.suite();
        assertThat(suite).extracting(Scenario::name).containsExactlyInAnyOrderElementsOf(() -> oracle.fieldNames());
        List<String> mismatches = new ArrayList<>();
        int attackRuns = 0;
        int attacksReproduced = 0;
        int attacksStopped = 0;
        int falseBlocks = 0;
        for (Scenario s : suite) {
            JsonNode expected = oracle.get(s.name());
            for (CrashMode mode : CrashMode.values()) {
                ScenarioRunner.Result fenced = ScenarioRunner.run(s, mode, true, v -> new Testbed(store.fresh(scratch), v));
                ScenarioRunner.Result unfenced = ScenarioRunner.run(s, mode, false, scratch);
                boolean duplicated = false;
                boolean exceeded = false;
                for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (e.getKey().equals("blocks")) {
                        continue;
                    }
                    int wantFenced = e.getValue().get("fenced").get(mode.ordinal()).asInt();
                    int wantUnfenced = e.getValue().get("unfenced").get(mode.ordinal()).asInt();
                    int gotFenced = fenced.effects().get(e.getKey());
                    int gotUnfenced = unfenced.effects().get(e.getKey());
                    if (gotFenced != wantFenced || gotUnfenced != wantUnfenced) {
                        mismatches.add(s.name() + " " + mode + " " + e.getKey() + ": fenced " + gotFenced + " (oracle " + wantFenced + "), unfenced "
                                + gotUnfenced + " (oracle " + wantUnfenced + "); decisions " + fenced.decisions());
                    }
                    duplicated |= gotUnfenced > wantFenced;
                    exceeded |= gotFenced > wantFenced;
                }
                for (JsonNode block : expected.path("blocks")) {
                    if (mode == CrashMode.NONE && !fenced.decisions().contains(block.asText())) {
                        mismatches.add(s.name() + ": fenced decisions " + fenced.decisions() + " lack " + block.asText());
                    }
                }
                if (s.kind() == Scenario.Kind.ATTACK) {
                    attackRuns++;
                    attacksReproduced += duplicated ? 1 : 0;
                    attacksStopped += duplicated && !exceeded ? 1 : 0;
                } else if (fenced.decisions().stream().anyMatch(d -> d.startsWith("BLOCKED") || d.startsWith("REFUSED"))) {
                    falseBlocks++;
                    mismatches.add(s.name() + " " + mode + ": a benign case was stopped: " + fenced.decisions());
                }
            }
        }
        System.out.printf("attack suite on " + store + ": %d scenarios x %d crash modes; %d attack runs, %d reproduce their attack without the fence, %d of them stopped"
                + " by it; %d false blocks%n", suite.size(), CrashMode.values().length, attackRuns, attacksReproduced, attacksStopped, falseBlocks);
        assertThat(mismatches).as("runs that differ from the oracle").isEmpty();
        assertThat(attacksReproduced).as("attack runs whose attack happens without the fence").isGreaterThanOrEqualTo(attackRuns * 3 / 4);
        assertThat(attacksStopped).as("of those, stopped by the fence").isEqualTo(attacksReproduced);
        assertThat(falseBlocks).isZero();
    }
}
