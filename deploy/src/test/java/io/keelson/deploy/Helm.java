package io.keelson.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The helm binary: {@code KEELSON_HELM}, else {@code deploy/.tools/helm} (./keelson test puts it there), else on the PATH. */
final class Helm {

    static final Path CHART = Path.of("helm/keelson");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** What one helm run said: exit code and output (stdout and stderr together). */
    record Run(int exitCode, String output) {
    }

    private final Path binary;

    private Helm(Path binary) {
        this.binary = binary;
    }

    static Optional<Helm> find() {
        Stream<Path> candidates = Stream.concat(
                Stream.of(System.getenv("KEELSON_HELM"), ".tools/helm").filter(p -> p != null && !p.isBlank()).map(Path::of),
                Stream.of(System.getenv().getOrDefault("PATH", "").split(":")).filter(d -> !d.isBlank()).map(d -> Path.of(d, "helm")));
        return candidates.filter(Files::isExecutable).findFirst().map(Helm::new);
    }

    Run run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("helm " + String.join(" ", args) + " did not finish");
        }
        return new Run(p.exitValue(), out);
    }

    /** The chart rendered with these extra arguments (e.g. -f a values file), as a list of objects. */
    List<JsonNode> template(String... args) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of("template", "keelson", CHART.toString(), "--namespace", "ai"));
        all.addAll(List.of(args));
        Run run = run(all.toArray(String[]::new));
        if (run.exitCode() != 0) {
            throw new AssertionError("helm template failed:\n" + run.output());
        }
        List<JsonNode> objects = new ArrayList<>();
        try (YAMLParser parser = new YAMLFactory().createParser(run.output())) {
            for (var it = YAML.readValues(parser, JsonNode.class); it.hasNext(); ) {
                JsonNode doc = it.next();
                if (doc != null && doc.has("kind")) {
                    objects.add(doc);
                }
            }
        }
        return objects;
    }
}
