-- acrfence's effect journal in cluster mode: the same records as the embedded file journal, one row each, in
-- chain order. The head row serialises appenders (its row lock) and carries the chain's tip.
CREATE TABLE acrfence_journal (
    seq        BIGINT PRIMARY KEY,
    at_millis  BIGINT NOT NULL,
    prev_hash  CHAR(64) NOT NULL,
    hash       CHAR(64) NOT NULL,
    entry      TEXT NOT NULL
);

CREATE TABLE acrfence_head (
    id    INT PRIMARY KEY CHECK (id = 1),
    seq   BIGINT NOT NULL,
    hash  CHAR(64) NOT NULL
);

INSERT INTO acrfence_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
