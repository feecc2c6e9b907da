package io.keelson.schedcp.core.catalog;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The sched_ext schedulers an agent can choose from: the 20 of the scx project (10 production-ready), with what SchedCP's
 * {@code list_schedulers} returns for each - description, algorithm, use cases, characteristics, tuning parameters,
 * limitations, performance profile. Bundled as {@code schedulers.json}; searchable by a text query over name,
 * description and use cases.
 */
public final class SchedulerCatalog {

    /** Names as scx ships them, and as SchedCP's schema requires. */
    public static final Pattern NAME = Pattern.compile("^scx_[a-z0-9_]{1,40}$");

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TuningParameter(String type, String description, Object defaultValue, String range) {
        public TuningParameter(@JsonProperty("type") String type, @JsonProperty("description") String description,
                               @JsonProperty("default") Object defaultValue, @JsonProperty("range") String range) {
            this.type = type;
            this.description = description;
            this.defaultValue = defaultValue;
            this.range = range;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Scheduler(String name, boolean productionReady, String description, String algorithm, List<String> useCases,
                            String characteristics, Map<String, TuningParameter> tuningParameters, String limitations, String performanceProfile) {
        public Scheduler(@JsonProperty("name") String name, @JsonProperty("production_ready") boolean productionReady,
                         @JsonProperty("description") String description, @JsonProperty("algorithm") String algorithm,
                         @JsonProperty("use_cases") List<String> useCases, @JsonProperty("characteristics") String characteristics,
                         @JsonProperty("tuning_parameters") Map<String, TuningParameter> tuningParameters,
                         @JsonProperty("limitations") String limitations, @JsonProperty("performance_profile") String performanceProfile) {
            this.name = name;
            this.productionReady = productionReady;
            this.description = description;
            this.algorithm = algorithm;
            this.useCases = List.copyOf(useCases);
            this.characteristics = characteristics;
            this.tuningParameters = Map.copyOf(tuningParameters);
            this.limitations = limitations;
            this.performanceProfile = performanceProfile;
        }

        public boolean matches(String query) {
            String q = query.toLowerCase(Locale.ROOT);
            return name.toLowerCase(Locale.ROOT).contains(q) || description.toLowerCase(Locale.ROOT).contains(q)
                    || useCases.stream().anyMatch(u -> u.toLowerCase(Locale.ROOT).contains(q));
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    private record File(@JsonProperty("schedulers") List<Scheduler> schedulers) {
    }

    private final List<Scheduler> schedulers;

    private SchedulerCatalog(List<Scheduler> schedulers) {
        this.schedulers = List.copyOf(schedulers);
    }

    /** The bundled scx catalogue. */
    public static SchedulerCatalog bundled() {
        try (InputStream in = SchedulerCatalog.class.getResourceAsStream("schedulers.json")) {
            if (in == null) {
                throw new IllegalStateException("schedulers.json is missing from the classpath");
            }
            File f = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false).readValue(in, File.class);
            return new SchedulerCatalog(f.schedulers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<Scheduler> all() {
        return schedulers;
    }

    /** As SchedCP's {@code list_schedulers}: a text query (name, description, use cases) and production readiness, both optional. */
    public List<Scheduler> search(Optional<String> query, Optional<Boolean> productionReady) {
        return schedulers.stream().filter(s -> query.map(s::matches).orElse(true))
                .filter(s -> productionReady.map(p -> s.productionReady() == p).orElse(true)).toList();
    }

    public Optional<Scheduler> find(String name) {
        return schedulers.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
