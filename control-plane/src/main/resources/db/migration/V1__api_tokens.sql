-- Control-plane state. Plain SQL that H2 (embedded) and PostgreSQL (cluster) both accept.
-- Times are microseconds since the epoch, so both databases store and compare them alike.

CREATE TABLE api_token (
    id            VARCHAR(16)   NOT NULL PRIMARY KEY,
    name          VARCHAR(128)  NOT NULL,
    role          VARCHAR(16)   NOT NULL,
    scopes        VARCHAR(1024) NOT NULL,  -- comma-separated system names or "*"
    secret_hash   CHAR(64)      NOT NULL,  -- hex SHA-256 of the secret; the secret is never stored
    created_at_us BIGINT        NOT NULL,
    created_by    VARCHAR(128)  NOT NULL,
    expires_at_us BIGINT,
    revoked_at_us BIGINT
);

-- The audit log lives in an append-only file in embedded mode (AuditLogFile) and in PostgreSQL's
-- audit_event table in cluster mode (db/postgresql).
