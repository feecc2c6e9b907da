package io.keelson.schedcp.core.catalog;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.keelson.schedcp.core.store.Timestamps;
import io.keelson.schedcp.core.verify.VerificationReport;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The scx catalogue plus the schedulers agents created: each created one keeps its versions (source kept beside the
 * store, its SHA-256, and the verifier's verdict per stage). Created schedulers are never production-ready; their
 * names may not shadow a catalogue scheduler. The created ones are kept in {@link CreatedSchedulers}.
 */
public final class SchedulerRepository {

    public record Version(@JsonProperty("version") int version, @JsonProperty("sha256") String sha256, @JsonProperty("created_at") String createdAt,
                          @JsonProperty("accepted") boolean accepted, @JsonProperty("stages") List<VerificationReport.Stage> stages) {
    }

    public record Created(@JsonProperty("name") String name, @JsonProperty("description") String description,
                          @JsonProperty("algorithm") String algorithm, @JsonProperty("use_cases") List<String> useCases,
                          @JsonProperty("characteristics") String characteristics, @JsonProperty("limitations") String limitations,
                          @JsonProperty("performance_profile") String performanceProfile, @JsonProperty("versions") List<Version> versions) {

        Created withVersions(List<Version> all) {
            return new Created(name, description, algorithm, List.copyOf(useCases), characteristics, limitations, performanceProfile, List.copyOf(all));
        }

        SchedulerCatalog.Scheduler asScheduler() {
            return new SchedulerCatalog.Scheduler(name, false, description, algorithm, useCases, characteristics, Map.of(), limitations,
                    performanceProfile);
        }
    }

    private final SchedulerCatalog catalog;
    private final CreatedSchedulers created;
    private final Clock clock;

    public SchedulerRepository(SchedulerCatalog catalog, CreatedSchedulers created, Clock clock) {
        this.catalog = catalog;
        this.created = created;
        this.clock = clock;
    }

    /** Catalogue and created schedulers together, filtered as SchedCP's {@code list_schedulers}. */
    public List<SchedulerCatalog.Scheduler> search(Optional<String> query, Optional<Boolean> productionReady) {
        List<SchedulerCatalog.Scheduler> all = new ArrayList<>(catalog.search(query, productionReady));
        if (productionReady.orElse(false)) {
            return all;
        }
        created.list().stream().map(Created::asScheduler).filter(s -> query.map(s::matches).orElse(true)).forEach(all::add);
        return all;
    }

    public boolean knows(String name) {
        return catalog.find(name).isPresent() || created.find(name).isPresent();
    }

    public Optional<Created> created(String name) {
        return created.find(name);
    }

    /** Adds a version of a created scheduler (a new one at version 1), with its source and its verdicts. */
    public Version add(Created description, String source, VerificationReport report) {
        if (!SchedulerCatalog.NAME.matcher(description.name()).matches()) {
            throw new IllegalArgumentException("name: must match " + SchedulerCatalog.NAME.pattern() + ", was '" + description.name() + "'");
        }
        if (catalog.find(description.name()).isPresent()) {
            throw new IllegalArgumentException("name: " + description.name() + " is a catalogue scheduler; choose another name");
        }
        return created.addVersion(description, source, sha256(source), Timestamps.now(clock), report);
    }

    private static String sha256(String source) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
