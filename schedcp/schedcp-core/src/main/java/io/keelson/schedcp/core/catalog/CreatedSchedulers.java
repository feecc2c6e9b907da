package io.keelson.schedcp.core.catalog;

import io.keelson.schedcp.core.verify.VerificationReport;

import java.util.List;
import java.util.Optional;

/**
 * Where the schedulers agents created are kept, every version with its source and verdicts: {@link JsonCreatedSchedulers}
 * embedded, {@link PostgresCreatedSchedulers} in cluster mode. Both pass the same contract tests.
 */
public interface CreatedSchedulers {

    /** Every created scheduler with its versions, in the order they were first created. */
    List<SchedulerRepository.Created> list();

    Optional<SchedulerRepository.Created> find(String name);

    /**
     * Adds the next version of {@code description.name()} (1 for a new name) with its source; the description's fields
     * replace the earlier version's.
     */
    SchedulerRepository.Version addVersion(SchedulerRepository.Created description, String source, String sha256, String createdAt,
                                           VerificationReport report);
}
