-- schedcp's durable state in cluster mode (the embedded mode keeps the same records in JSON files): workload
-- profiles and what each scheduler did on them, and the schedulers agents created, every version with its source
-- and the verifier's verdicts. seq keeps the order of creation, which the API lists in.
CREATE TABLE schedcp_workload (
    seq         BIGSERIAL UNIQUE,
    id          TEXT PRIMARY KEY,
    description TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE schedcp_workload_history (
    seq                BIGSERIAL UNIQUE,
    id                 TEXT PRIMARY KEY,
    workload_id        TEXT NOT NULL REFERENCES schedcp_workload (id),
    execution_id       TEXT NOT NULL,
    scheduler_name     TEXT NOT NULL,
    args               JSONB NOT NULL,
    result_description TEXT NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    metrics            JSONB NOT NULL
);

CREATE INDEX schedcp_workload_history_by_workload ON schedcp_workload_history (workload_id, seq);

CREATE TABLE schedcp_scheduler (
    seq                 BIGSERIAL UNIQUE,
    name                TEXT PRIMARY KEY,
    description         TEXT NOT NULL,
    algorithm           TEXT NOT NULL,
    use_cases           JSONB NOT NULL,
    characteristics     TEXT NOT NULL,
    limitations         TEXT NOT NULL,
    performance_profile TEXT NOT NULL
);

CREATE TABLE schedcp_scheduler_version (
    name       TEXT NOT NULL REFERENCES schedcp_scheduler (name),
    version    INT NOT NULL,
    sha256     CHAR(64) NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    accepted   BOOLEAN NOT NULL,
    stages     JSONB NOT NULL,
    source     TEXT NOT NULL,
    PRIMARY KEY (name, version)
);
