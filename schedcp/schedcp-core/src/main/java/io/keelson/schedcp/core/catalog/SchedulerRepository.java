package io.keelson.schedcp.core.catalog;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.keelson.schedcp.core.sim.PolicyDsl;
import io.keelson.schedcp.core.store.JsonFile;
import io.keelson.schedcp.core.verify.VerificationReport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The scx catalogue plus the schedulers agents created: each created one keeps its versions (source kept beside the
 * store, its SHA-256, and the verifier's verdict per stage). Created schedulers are never production-ready; their
 * names may not shadow a catalogue scheduler. Durable in one {@link JsonFile}.
 */
public final class SchedulerRepository {

    public record Version(@JsonProperty("version") int version, @JsonProperty("sha256") String sha256, @JsonProperty("created_at") String createdAt,
                          @JsonProperty("accepted") boolean accepted, @JsonProperty("stages") List<VerificationReport.Stage> stages) {
    }

    public record Created(@JsonProperty("name") String name, @JsonProperty("description") String description,
                          @JsonProperty("algorithm") String algorithm, @JsonProperty("use_cases") List<String> useCases,
                          @JsonProperty("characteristics") String characteristics, @JsonProperty("limitations") String limitations,
                          @JsonProperty("performance_profile") String performanceProfile, @JsonProperty("versions") List<Version> versions) {

        SchedulerCatalog.Scheduler asScheduler() {
            return new SchedulerCatalog.Scheduler(name, false, description, algorithm, useCases, characteristics, Map.of(), limitations,
                    performanceProfile);
        }
    }

    private record Data(@JsonProperty("created") List<Created> created) {
    }

    private final SchedulerCatalog catalog;
    private final Path file;
    private final Path sources;
    private final Clock clock;
    private final List<Created> created = new ArrayList<>();

    private SchedulerRepository(SchedulerCatalog catalog, Path file, Clock clock) {
        this.catalog = catalog;
        this.file = file;
        this.sources = file.resolveSibling("sources");
        this.clock = clock;
    }

    public static SchedulerRepository open(SchedulerCatalog catalog, Path file, Clock clock) {
        SchedulerRepository r = new SchedulerRepository(catalog, file, clock);
        JsonFile.read(file, Data.class).ifPresent(d -> r.created.addAll(d.created() == null ? List.of() : d.created()));
        return r;
    }

    /** Catalogue and created schedulers together, filtered as SchedCP's {@code list_schedulers}. */
    public synchronized List<SchedulerCatalog.Scheduler> search(Optional<String> query, Optional<Boolean> productionReady) {
        List<SchedulerCatalog.Scheduler> all = new ArrayList<>(catalog.search(query, productionReady));
        if (productionReady.orElse(false)) {
            return all;
        }
        created.stream().map(Created::asScheduler).filter(s -> query.map(s::matches).orElse(true)).forEach(all::add);
        return all;
    }

    public synchronized boolean knows(String name) {
        return catalog.find(name).isPresent() || created.stream().anyMatch(c -> c.name().equals(name));
    }

    public synchronized Optional<Created> created(String name) {
        return created.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** Adds a version of a created scheduler (a new one at version 1), with its source and its verdicts. */
    public synchronized Version add(Created description, String source, VerificationReport report) {
        if (!SchedulerCatalog.NAME.matcher(description.name()).matches()) {
            throw new IllegalArgumentException("name: must match " + SchedulerCatalog.NAME.pattern() + ", was '" + description.name() + "'");
        }
        if (catalog.find(description.name()).isPresent()) {
            throw new IllegalArgumentException("name: " + description.name() + " is a catalogue scheduler; choose another name");
        }
        Optional<Created> existing = created(description.name());
        int number = existing.map(c -> c.versions().size() + 1).orElse(1);
        Version v = new Version(number, sha256(source), clock.instant().toString(), report.accepted(), report.stages());
        List<Version> versions = new ArrayList<>(existing.map(Created::versions).orElse(List.of()));
        versions.add(v);
        Created updated = new Created(description.name(), description.description(), description.algorithm(), List.copyOf(description.useCases()),
                description.characteristics(), description.limitations(), description.performanceProfile(), List.copyOf(versions));
        try {
            Files.createDirectories(sources);
            Files.writeString(sources.resolve(description.name() + "-v" + number + (PolicyDsl.looksLikePolicy(source) ? ".policy" : ".bpf.c")), source);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Created> next = new ArrayList<>(Stream.concat(created.stream().filter(c -> !c.name().equals(description.name())), Stream.of(updated)).toList());
        JsonFile.write(file, new Data(next));
        created.clear();
        created.addAll(next);
        return v;
    }

    private static String sha256(String source) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
