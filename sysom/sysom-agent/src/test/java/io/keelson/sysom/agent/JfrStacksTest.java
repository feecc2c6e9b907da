package io.keelson.sysom.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class JfrStacksTest {

    @Test
    void aSpinningJvmsStacksShowWhereItSpins(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(JfrStacks.jcmd()) || JfrStacks.jcmd().toString().equals("jcmd"),
                "no jcmd beside this JVM (a JRE without the JDK tools)");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process target = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Spinner.class.getName(), "30")
                .redirectErrorStream(true).start();
        try {
            Thread.sleep(1500); // let it start its spinning thread
            Map<String, Long> folded = JfrStacks.profile(target.pid(), Duration.ofSeconds(2), dir);
            long spinning = folded.entrySet().stream().filter(e -> e.getKey().contains("io.keelson.sysom.agent.Spinner.spin"))
                    .mapToLong(Map.Entry::getValue).sum();
            long all = folded.values().stream().mapToLong(Long::longValue).sum();
            assertThat(all).isPositive();
            assertThat(spinning).as("samples in Spinner.spin out of " + all + ": " + folded).isGreaterThan(all / 2);
            assertThat(folded.keySet()).allSatisfy(stack -> assertThat(stack).doesNotStartWith(";"));
        } finally {
            target.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        try (var files = Files.list(dir)) {
            assertThat(files).as("the recording is deleted once folded").isEmpty();
        }
    }
}
