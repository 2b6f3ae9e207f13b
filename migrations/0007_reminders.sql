-- Reminders by WhatsApp or SMS through GHL, and the patients' answers.

-- The outbox also carries reminder sends and withdrawals. SQLite cannot
-- change a CHECK in place: the table is rebuilt with its rows and ids.
CREATE TABLE outbox_new (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key  TEXT NOT NULL UNIQUE,
    location_id      TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('create_contact', 'update_contact', 'create_cita', 'update_cita', 'send_reminder', 'withdraw_reminder')),
    subject_id       TEXT NOT NULL,
    payload          TEXT NOT NULL,
    state            TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'refused', 'dropped')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    ghl_id           TEXT,
    last_error_code  TEXT,
    last_error       TEXT,
    actor            TEXT NOT NULL,
    before           TEXT,
    acknowledged     INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
INSERT INTO outbox_new SELECT * FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_open ON outbox (location_id, state, id);

-- A location's reminder rules. A rule is never edited in place: a change
-- makes a new rule (new id) so the reminders of the old one are withdrawn
-- and the new ones scheduled (a reminder's key is cita, rule, start).
CREATE TABLE reminder_rules (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    location_id     TEXT NOT NULL,
    position        INTEGER NOT NULL DEFAULT 0,
    -- 'active' or 'retired' (kept so old reminders still name their rule).
    state           TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'retired')),
    -- Either N days before at a local time, or N minutes before the start.
    days_before     INTEGER,
    at_time         TEXT,
    minutes_before  INTEGER,
    channel         TEXT NOT NULL CHECK (channel IN ('whatsapp_else_sms', 'whatsapp', 'sms')),
    quiet_start     TEXT NOT NULL,
    quiet_end       TEXT NOT NULL,
    -- Comma-separated GHL statuses that are reminded.
    statuses        TEXT NOT NULL,
    message_es      TEXT NOT NULL,
    message_en      TEXT NOT NULL,
    -- 'es' or 'en': which message goes out.
    language        TEXT NOT NULL DEFAULT 'es',
    template_id     TEXT,
    created_at      INTEGER NOT NULL
);
CREATE INDEX reminder_rules_by_location ON reminder_rules (location_id, state, position);

-- One reminder per cita, rule and start: the key the outbox's idempotency
-- key repeats, so two processes (the app and the CLI) or a restart never
-- make a second one.
CREATE TABLE reminders (
    cita_id      TEXT NOT NULL,
    rule_id      INTEGER NOT NULL,
    start_ms     INTEGER NOT NULL,
    location_id  TEXT NOT NULL,
    contact_id   TEXT,
    -- queued (in the outbox), scheduled (GHL sends it at due_ms), sent,
    -- failed, skipped (skip_reason), withdrawing, withdrawn.
    state        TEXT NOT NULL CHECK (state IN ('queued', 'scheduled', 'sent', 'failed', 'skipped', 'withdrawing', 'withdrawn')),
    skip_reason  TEXT,
    channel      TEXT,
    due_ms       INTEGER NOT NULL,
    -- Moved out of the quiet hours.
    quiet_moved  INTEGER NOT NULL DEFAULT 0,
    message_id   TEXT,
    -- The patient's answer: confirmed, reschedule, cancelled.
    answer       TEXT,
    error        TEXT,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (cita_id, rule_id, start_ms)
);
CREATE INDEX reminders_by_contact ON reminders (contact_id, start_ms);
CREATE INDEX reminders_by_location ON reminders (location_id, start_ms);

-- Every answer a patient sent (InboundMessage), once per GHL message id.
-- Those that need a person stay in the desk's inbox until handled.
CREATE TABLE inbox (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    location_id  TEXT NOT NULL,
    message_id   TEXT NOT NULL UNIQUE,
    contact_id   TEXT,
    cita_id      TEXT,
    channel      TEXT NOT NULL,
    body         TEXT NOT NULL,
    -- What the answer said: confirm, reschedule, cancel, unknown.
    intent       TEXT NOT NULL,
    -- confirmed, cancelled, or needs_person (reason says why).
    outcome      TEXT NOT NULL,
    reason       TEXT,
    received_at  INTEGER NOT NULL,
    handled_at   INTEGER,
    handled_by   TEXT
);
CREATE INDEX inbox_open ON inbox (location_id, handled_at, id);
