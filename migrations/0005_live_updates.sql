-- Live updates through the companion relay: every webhook the app handled
-- (the processed-webhook log, which also drops duplicates) and, per
-- location, the relay cursor of the last event handled. Both are written in
-- the same transaction as the change to the replica.

CREATE TABLE processed_webhooks (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    location_id  TEXT NOT NULL,
    relay_cursor INTEGER NOT NULL,
    -- GHL's webhookId, or `sha256:<hex>` of the body when GHL sent none.
    webhook_id   TEXT NOT NULL,
    payload_hash TEXT NOT NULL,
    event_type   TEXT NOT NULL,
    -- applied | echo | stale | deferred | ignored | rejected
    outcome      TEXT NOT NULL,
    subject_id   TEXT,
    processed_at INTEGER NOT NULL
);
-- A rejected (badly signed) copy must not shadow the genuine event.
CREATE UNIQUE INDEX processed_webhooks_by_id ON processed_webhooks (webhook_id) WHERE outcome <> 'rejected';
CREATE UNIQUE INDEX processed_webhooks_by_hash ON processed_webhooks (payload_hash) WHERE outcome <> 'rejected';
CREATE INDEX processed_webhooks_by_location ON processed_webhooks (location_id, relay_cursor);

CREATE TABLE relay_cursors (
    location_id TEXT PRIMARY KEY,
    relay_url   TEXT NOT NULL,
    cursor      INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
