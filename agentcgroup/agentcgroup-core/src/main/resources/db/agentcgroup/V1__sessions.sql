-- agentcgroup's sessions and their finished tool calls in cluster mode, kept beyond the node service that ran them:
-- a session is opened and closed on one node; a service that restarts closes what it had left open (its processes
-- were reaped), saying so.
CREATE TABLE agentcgroup_session (
    id           TEXT NOT NULL,
    node         TEXT NOT NULL,
    opened_at    TIMESTAMPTZ NOT NULL,
    priority     TEXT NOT NULL,
    closed_at    TIMESTAMPTZ,
    close_reason TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (node, id, opened_at)
);

CREATE INDEX agentcgroup_session_open ON agentcgroup_session (node, id) WHERE closed_at IS NULL;
CREATE INDEX agentcgroup_session_closed ON agentcgroup_session (closed_at DESC) WHERE closed_at IS NOT NULL;

CREATE TABLE agentcgroup_call (
    node         TEXT NOT NULL,
    session_id   TEXT NOT NULL,
    call_id      TEXT NOT NULL,
    program      TEXT NOT NULL,
    verdict      TEXT NOT NULL,
    exit_code    INT NOT NULL,
    peak_bytes   BIGINT NOT NULL,
    oom_kills    BIGINT NOT NULL,
    wall_seconds DOUBLE PRECISION NOT NULL,
    finished_at  TIMESTAMPTZ NOT NULL
);

CREATE INDEX agentcgroup_call_by_session ON agentcgroup_call (node, session_id, finished_at);
