-- The relay's PostgreSQL schema: the same tables as the SQLite store, shared
-- by every relay instance that points at this database.

CREATE TABLE relay_events (
    -- Assigned by the writer under the 'head' row lock of relay_meta, so
    -- cursors grow in commit order across instances and are never reused.
    seq            BIGINT PRIMARY KEY,
    webhook_id     TEXT NOT NULL UNIQUE,
    location_id    TEXT NOT NULL,
    type           TEXT NOT NULL,
    received_at    BIGINT NOT NULL,
    ghl_signature  TEXT,
    wh_signature   TEXT,
    body           BYTEA NOT NULL
);
CREATE INDEX relay_events_by_location ON relay_events (location_id, seq);
CREATE INDEX relay_events_by_received ON relay_events (received_at);

CREATE TABLE relay_installs (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    salt          BYTEA NOT NULL,
    token_hash    BYTEA NOT NULL,
    created_at    BIGINT NOT NULL,
    revoked_at    BIGINT,
    acked_cursor  BIGINT NOT NULL DEFAULT 0,
    acked_at      BIGINT
);

CREATE TABLE relay_install_locations (
    install_id   TEXT NOT NULL REFERENCES relay_installs (id),
    location_id  TEXT NOT NULL,
    PRIMARY KEY (install_id, location_id)
);

-- 'head': highest cursor assigned; 'purged_through': highest cursor removed
-- by retention.
CREATE TABLE relay_meta (
    key    TEXT PRIMARY KEY,
    value  BIGINT NOT NULL
);
INSERT INTO relay_meta (key, value) VALUES ('head', 0), ('purged_through', 0);
