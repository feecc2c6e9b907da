package io.keelson.schedcp.core.catalog;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.keelson.schedcp.core.sim.PolicyDsl;
import io.keelson.schedcp.core.store.JsonFile;
import io.keelson.schedcp.core.verify.VerificationReport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The embedded {@link CreatedSchedulers}: one {@link JsonFile} (rewritten whole, so a change survives a kill -9), each
 * version's source in a file of its own beside it ({@code sources/NAME-vN.bpf.c} or {@code .policy}).
 */
public final class JsonCreatedSchedulers implements CreatedSchedulers {

    private record Data(@JsonProperty("created") List<SchedulerRepository.Created> created) {
    }

    private final Path file;
    private final Path sources;
    private final List<SchedulerRepository.Created> created = new ArrayList<>();

    private JsonCreatedSchedulers(Path file) {
        this.file = file;
        this.sources = file.resolveSibling("sources");
    }

    public static JsonCreatedSchedulers open(Path file) {
        JsonCreatedSchedulers store = new JsonCreatedSchedulers(file);
        JsonFile.read(file, Data.class).ifPresent(d -> store.created.addAll(d.created() == null ? List.of() : d.created()));
        return store;
    }

    @Override
    public synchronized List<SchedulerRepository.Created> list() {
        return List.copyOf(created);
    }

    @Override
    public synchronized Optional<SchedulerRepository.Created> find(String name) {
        return created.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    @Override
    public synchronized SchedulerRepository.Version addVersion(SchedulerRepository.Created description, String source, String sha256, String createdAt,
                                                               VerificationReport report) {
        Optional<SchedulerRepository.Created> existing = find(description.name());
        int number = existing.map(c -> c.versions().size() + 1).orElse(1);
        SchedulerRepository.Version v = new SchedulerRepository.Version(number, sha256, createdAt, report.accepted(), report.stages());
        List<SchedulerRepository.Version> versions = new ArrayList<>(existing.map(SchedulerRepository.Created::versions).orElse(List.of()));
        versions.add(v);
        SchedulerRepository.Created updated = description.withVersions(versions);
        try {
            Files.createDirectories(sources);
            Files.writeString(sources.resolve(description.name() + "-v" + number + (PolicyDsl.looksLikePolicy(source) ? ".policy" : ".bpf.c")), source);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // a new name goes last; a new version keeps its scheduler's place
        List<SchedulerRepository.Created> next = existing.isPresent()
                ? created.stream().map(c -> c.name().equals(description.name()) ? updated : c).toList()
                : Stream.concat(created.stream(), Stream.of(updated)).toList();
        JsonFile.write(file, new Data(next));
        created.clear();
        created.addAll(next);
        return v;
    }
}
