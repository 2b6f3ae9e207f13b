-- Differences the desk healed as it applied them (a pull or a webhook that
-- brought a cita created, cancelled, changed or deleted outside this desk):
-- what the daily report lists, since the replica already equals GHL by then.
CREATE TABLE healed_changes (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    location_id  TEXT NOT NULL,
    cita_id      TEXT NOT NULL,
    -- The report's category: faltantes_local, canceladas_no_actualizadas,
    -- desincronizadas or faltantes_remoto.
    category     TEXT NOT NULL,
    -- How it arrived: 'webhook' or 'pull'.
    arrived      TEXT NOT NULL,
    -- A pull found it while the relay was set: GHL dropped its webhook.
    lost_webhook INTEGER NOT NULL DEFAULT 0,
    -- The cita before and after (the audit log's snapshot JSON; null when
    -- it did not exist or no longer does).
    before       TEXT,
    after        TEXT,
    at           INTEGER NOT NULL,
    -- The scheduled report that listed it (null until then).
    report_id    INTEGER
);
CREATE INDEX healed_changes_open ON healed_changes (location_id, report_id);

-- Who fixed a line of a stored report, and how: the report stays as it
-- was run, and its history shows each fix.
CREATE TABLE report_fixes (
    report_id INTEGER NOT NULL,
    cita_id   TEXT NOT NULL,
    action    TEXT NOT NULL,
    actor     TEXT NOT NULL,
    at        INTEGER NOT NULL,
    PRIMARY KEY (report_id, cita_id)
);

-- The default window fits GHL's 31-day listing: yesterday, today and 29 days.
UPDATE location_settings SET reconcile_days_ahead = 29
 WHERE reconcile_days_back = 1 AND reconcile_days_ahead = 30;
