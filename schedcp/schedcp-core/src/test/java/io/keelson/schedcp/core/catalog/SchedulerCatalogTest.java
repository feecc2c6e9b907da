package io.keelson.schedcp.core.catalog;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class SchedulerCatalogTest {

    private final SchedulerCatalog catalog = SchedulerCatalog.bundled();

    @Test
    void theTwentyScxSchedulersAreThereTenOfThemProductionReady() {
        assertThat(catalog.all()).hasSize(20).allSatisfy(s -> {
            assertThat(s.name()).matches(SchedulerCatalog.NAME);
            assertThat(s.description()).isNotBlank().hasSizeLessThanOrEqualTo(100);
            assertThat(s.algorithm()).isNotBlank();
            assertThat(s.useCases()).isNotEmpty();
        });
        assertThat(catalog.search(Optional.empty(), Optional.of(true))).extracting(SchedulerCatalog.Scheduler::name).containsExactlyInAnyOrder(
                "scx_bpfland", "scx_flash", "scx_flatcg", "scx_lavd", "scx_layered", "scx_nest", "scx_p2dq", "scx_rustland", "scx_rusty", "scx_simple");
    }

    @Test
    void aQuerySearchesNamesDescriptionsAndUseCases() {
        assertThat(catalog.search(Optional.of("gaming"), Optional.empty())).extracting(SchedulerCatalog.Scheduler::name)
                .contains("scx_lavd", "scx_bpfland", "scx_p2dq").doesNotContain("scx_simple");
        assertThat(catalog.search(Optional.of("RUSTY"), Optional.empty())).extracting(SchedulerCatalog.Scheduler::name).containsExactly("scx_rusty");
        assertThat(catalog.search(Optional.of("gaming"), Optional.of(false))).isEmpty();
        assertThat(catalog.find("scx_simple")).hasValueSatisfying(s -> assertThat(s.tuningParameters()).containsKey("fifo"));
        assertThat(catalog.find("scx_nope")).isEmpty();
    }
}
