package io.keelson.agentcgroup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

class AnalyzeCommandTest {

    private static final String SCENARIO = "../testdata/agentcgroup-traces/paper-scenario";

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new AgentCgroupCli());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void printsEveryTaskAndThePerToolDistribution() {
        Run r = run("analyze", SCENARIO);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("dask__dask-11628", "sigmavirus24__github3.py-673", "320.9", "P95 peak MB", "Bash");
        assertThat(r.out()).contains("1 samples, 0 calls [container not running (mem_usage 0B / 0B)]");
    }

    @Test
    void jsonCarriesTheSameNumbers() throws Exception {
        Run r = run("analyze", "--json", SCENARIO + "/dask__dask-11628");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertThat(root.path("tasks").get(0).path("peakBytes").asLong()).isEqualTo(320_900_000L);
        assertThat(root.path("tasks").get(0).path("peakTool").path("tool").asText()).isEqualTo("Bash");
        assertThat(root.path("byTool").has("Bash")).isTrue();
    }

    @Test
    void aBadPathIsNamed() {
        Run r = run("analyze", "/no/such/dir");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("PATH: /no/such/dir is not a directory");
        Run none = run("analyze", "src");
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("no task folder");
    }

    @Test
    void simulateComparesEveryPolicyOnTheStudysScenario() {
        Run r = run("simulate", "--high", SCENARIO + "/dask__dask-11628", "--low", SCENARIO + "/sigmavirus24__github3.py-673",
                "--low", SCENARIO + "/sigmavirus24__github3.py-673", "--capacity-mb", "1100");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("3 tenants, host 1100 MB and 4 CPUs, sum of peaks 1231 MB, replayed 1x", "static memory.max = peak", "senpai",
                "systemd-oomd", "OOM: the host ran out of memory");
        assertThat(r.out().lines().filter(l -> l.startsWith("agentcgroup")).findFirst().orElseThrow()).contains(" 0  ", "100%");
        Run bad = run("simulate", "--low", "src", "--capacity-mb", "0");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--capacity-mb: must be positive");
        Run slow = run("simulate", "--low", "src", "--capacity-mb", "100", "--speed-up", "0.5");
        assertThat(slow.exit()).isEqualTo(2);
        assertThat(slow.err()).contains("--speed-up: at least 1");
        Run replayed = run("simulate", "--high", SCENARIO + "/dask__dask-11628", "--low", SCENARIO + "/sigmavirus24__github3.py-673",
                "--low", SCENARIO + "/sigmavirus24__github3.py-673", "--capacity-mb", "1300", "--speed-up", "100", "--cores", "2");
        assertThat(replayed.out()).contains("host 1300 MB and 2 CPUs", "replayed 100x");
        Run noTrace = run("simulate", "--low", "src", "--capacity-mb", "100");
        assertThat(noTrace.err()).contains("--low: src holds no resources.json");
    }
}
