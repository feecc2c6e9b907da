package io.keelson.schedcp.core.catalog;

import io.keelson.schedcp.core.SchedCp;
import io.keelson.schedcp.core.testing.StoreKind;
import io.keelson.schedcp.core.verify.VerificationReport;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What every {@link CreatedSchedulers} must do, through the repository, on the embedded JSON files and on PostgreSQL. */
class CreatedSchedulersContractTest {

    private static final VerificationReport PASSED = new VerificationReport(List.of(
            new VerificationReport.Stage("simulation", VerificationReport.Outcome.PASSED, "no starvation, work-conserving"),
            new VerificationReport.Stage("kernel", VerificationReport.Outcome.SKIPPED, "a simulator policy is not loaded into a kernel")));
    private static final VerificationReport STARVES = new VerificationReport(List.of(
            new VerificationReport.Stage("simulation", VerificationReport.Outcome.REJECTED, "task 0 (long) waited 60 s")));

    @TempDir
    Path dir;

    private static SchedulerRepository.Created described(String name, String description) {
        return new SchedulerRepository.Created(name, description, "shortest first", List.of("batch"), "", "starves long tasks", "", List.of());
    }

    private static SchedulerRepository repository(Supplier<SchedCp.Stores> stores) {
        return new SchedulerRepository(SchedulerCatalog.bundled(), stores.get().schedulers(), Clock.systemUTC());
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void versionsCountUpPerSchedulerKeepTheirVerdictsAndSurviveAReopen(StoreKind kind) {
        Supplier<SchedCp.Stores> stores = kind.fresh(dir, Clock.systemUTC());
        SchedulerRepository repository = repository(stores);
        assertThat(repository.add(described("scx_agent_sjf", "v1"), "policy sjf\norder by work\n", STARVES).version()).isEqualTo(1);
        assertThat(repository.add(described("scx_agent_fair", "fair"), "policy fair\norder by vruntime\n", PASSED).version()).isEqualTo(1);
        SchedulerRepository.Version second = repository.add(described("scx_agent_sjf", "v2, aged"), "policy sjf\norder by arrival\n", PASSED);
        assertThat(second.version()).isEqualTo(2);

        SchedulerRepository reopened = repository(stores);
        assertThat(reopened.created("scx_agent_sjf")).hasValueSatisfying(c -> {
            assertThat(c.description()).isEqualTo("v2, aged"); // the newest version's description
            assertThat(c.useCases()).containsExactly("batch");
            assertThat(c.versions()).extracting(SchedulerRepository.Version::version, SchedulerRepository.Version::accepted)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(1, false), org.assertj.core.groups.Tuple.tuple(2, true));
            assertThat(c.versions().get(0).stages()).isEqualTo(STARVES.stages());
            assertThat(c.versions().get(1)).isEqualTo(second);
            assertThat(c.versions().get(0).sha256()).hasSize(64).isNotEqualTo(second.sha256());
        });
        assertThat(reopened.search(Optional.of("agent"), Optional.empty())).extracting(SchedulerCatalog.Scheduler::name)
                .containsExactly("scx_agent_sjf", "scx_agent_fair"); // in the order first created
        assertThat(reopened.search(Optional.empty(), Optional.of(true))).noneMatch(s -> s.name().startsWith("scx_agent"));
        assertThat(reopened.knows("scx_agent_fair")).isTrue();
        assertThat(reopened.knows("scx_nope")).isFalse();
        assertThatThrownBy(() -> reopened.add(described("scx_rusty", "x"), "policy x\norder by id\n", PASSED)).hasMessageStartingWith("name:");
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void versionsAddedAtOnceGetConsecutiveNumbers(StoreKind kind) {
        Supplier<SchedCp.Stores> stores = kind.fresh(dir, Clock.systemUTC());
        // two repositories on one store, as two nodes' schedcp on one database (or one process's threads on its files)
        CreatedSchedulers shared = stores.get().schedulers();
        List<SchedulerRepository> nodes = List.of(new SchedulerRepository(SchedulerCatalog.bundled(), shared, Clock.systemUTC()),
                kind == StoreKind.POSTGRES ? repository(stores) : new SchedulerRepository(SchedulerCatalog.bundled(), shared, Clock.systemUTC()));
        List<CompletableFuture<Integer>> adds = IntStream.range(0, 16).mapToObj(i -> CompletableFuture.supplyAsync(() -> nodes.get(i % 2)
                .add(described("scx_agent_race", "try " + i), "policy p" + i + "\norder by id\n", PASSED).version())).toList();

        assertThat(adds.stream().map(CompletableFuture::join).sorted().toList()).isEqualTo(IntStream.rangeClosed(1, 16).boxed().toList());
        assertThat(repository(stores).created("scx_agent_race")).hasValueSatisfying(c -> assertThat(c.versions()).hasSize(16));
    }
}
