-- Monitoring: the manager's alerts, and why a webhook was rejected.
--
-- An alert is raised once while its condition holds (one open row per
-- location and kind) and cleared when the condition ends; rows are kept as
-- the history. Kept in the replica so a restart neither loses an open alert
-- nor raises (and notifies) it again.
CREATE TABLE alerts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    location_id TEXT NOT NULL,
    -- rate_limit_low | token_refresh_failed | writes_refused | webhooks_failing
    -- | relay_disconnected | outbox_waiting | reconcile_differences
    kind        TEXT NOT NULL,
    -- The figure the message quotes (calls left, refusals, minutes, ...):
    -- never patient data.
    figure      INTEGER NOT NULL DEFAULT 0,
    raised_at   INTEGER NOT NULL,
    cleared_at  INTEGER
);
CREATE UNIQUE INDEX alerts_open ON alerts (location_id, kind) WHERE cleared_at IS NULL;
CREATE INDEX alerts_by_location ON alerts (location_id, raised_at);

-- Why a webhook was rejected (`signature` or `payload`), for the health
-- figures; null for the others.
ALTER TABLE processed_webhooks ADD COLUMN reason TEXT;

-- The Panel's queries read only these columns of a location's citas by
-- day: a covering index answers them without reading the rows themselves
-- (each carries GHL's raw JSON, and every page read is decrypted).
CREATE INDEX citas_for_stats ON citas (location_id, start_ms, status, calendar_id, end_ms, contact_id);
