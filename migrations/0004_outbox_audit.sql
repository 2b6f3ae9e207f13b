-- The outbox: every write meant for GHL, recorded (with its idempotency key)
-- before it is sent, so a crash or a network cut never loses it and never
-- sends it twice. Rows are kept after they are done: they are the history
-- the reconciliation and the audit log refer to.
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key  TEXT NOT NULL UNIQUE,
    location_id      TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('create_contact', 'update_contact', 'create_cita', 'update_cita')),
    -- The cita or contact the write is about: a local id (`local-…`) until
    -- GHL gives it one (see id_map).
    subject_id       TEXT NOT NULL,
    payload          TEXT NOT NULL,
    state            TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'refused', 'dropped')),
    -- 'dropped': a refused write the manager let go (reconciliation took GHL's version).
    -- Attempts started; more than zero means GHL may already have it.
    attempts         INTEGER NOT NULL DEFAULT 0,
    ghl_id           TEXT,
    last_error_code  TEXT,
    last_error       TEXT,
    actor            TEXT NOT NULL,
    -- What the replica showed before this write (to put back if GHL refuses).
    before           TEXT,
    -- A refusal stays on screen until the receptionist has read it.
    acknowledged     INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX outbox_open ON outbox (location_id, state, id);

-- Local ids of things created here, and the ids GHL gave them.
CREATE TABLE id_map (
    local_id TEXT PRIMARY KEY,
    ghl_id   TEXT NOT NULL
);

-- Every front-desk action: who, when, before and after, GHL's answer.
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    location_id  TEXT NOT NULL,
    cita_id      TEXT,
    contact_id   TEXT,
    action       TEXT NOT NULL,
    actor        TEXT NOT NULL,
    at           INTEGER NOT NULL,
    before       TEXT,
    after        TEXT,
    ghl_answer   TEXT,
    reason       TEXT
);
CREATE INDEX audit_by_cita ON audit_log (cita_id, id);
CREATE INDEX audit_by_location ON audit_log (location_id, id);

-- Per-location front-desk settings; the time zone always comes from GHL.
CREATE TABLE location_settings (
    location_id          TEXT PRIMARY KEY,
    overlap_mode         TEXT NOT NULL DEFAULT 'flexible' CHECK (overlap_mode IN ('flexible', 'strict')),
    default_calendar_id  TEXT,
    fallback_open        TEXT NOT NULL DEFAULT '08:00',
    fallback_close       TEXT NOT NULL DEFAULT '20:00',
    reconcile_at         TEXT NOT NULL DEFAULT '06:30',
    reconcile_days_back  INTEGER NOT NULL DEFAULT 1,
    reconcile_days_ahead INTEGER NOT NULL DEFAULT 30,
    -- `fecha` of the last scheduled reconciliation, for the start-up catch-up.
    last_scheduled_run   TEXT
);
