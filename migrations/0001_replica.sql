-- The local replica of GHL: locations, calendars, practitioners, patients and
-- citas, plus per-location sync bookkeeping. GHL is the system of record; every
-- row keeps GHL's raw JSON so fields the app does not model yet are not lost.
-- No tokens are ever stored here (they live in the OS keychain).

CREATE TABLE locations (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    company_id  TEXT,
    time_zone   TEXT NOT NULL,
    raw         TEXT NOT NULL,
    updated_at  INTEGER NOT NULL
);

-- A connected location: where its GHL lives and how we authenticate.
CREATE TABLE connections (
    location_id TEXT PRIMARY KEY,
    base_url    TEXT NOT NULL,
    auth_kind   TEXT NOT NULL CHECK (auth_kind IN ('pit', 'oauth')),
    added_at    INTEGER NOT NULL
);

CREATE TABLE app_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE users (
    id          TEXT PRIMARY KEY,
    location_id TEXT NOT NULL,
    name        TEXT NOT NULL,
    raw         TEXT NOT NULL
);

CREATE TABLE calendars (
    id               TEXT PRIMARY KEY,
    location_id      TEXT NOT NULL,
    name             TEXT NOT NULL,
    is_active        INTEGER NOT NULL,
    primary_user_id  TEXT,
    slot_minutes     INTEGER NOT NULL,
    open_hours       TEXT NOT NULL,
    raw              TEXT NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX calendars_by_location ON calendars (location_id, name);

CREATE TABLE contacts (
    id           TEXT PRIMARY KEY,
    location_id  TEXT NOT NULL,
    display_name TEXT,
    phone        TEXT,
    email        TEXT,
    raw          TEXT NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX contacts_by_location ON contacts (location_id);

-- Times are UTC instants in epoch milliseconds; the zone is the location's.
CREATE TABLE citas (
    id               TEXT PRIMARY KEY,
    location_id      TEXT NOT NULL,
    calendar_id      TEXT NOT NULL,
    contact_id       TEXT,
    assigned_user_id TEXT,
    title            TEXT NOT NULL,
    status           TEXT NOT NULL,
    start_ms         INTEGER NOT NULL,
    end_ms           INTEGER NOT NULL,
    date_updated     TEXT,
    sync_state       TEXT NOT NULL DEFAULT 'synced' CHECK (sync_state IN ('synced', 'pending_push')),
    raw              TEXT NOT NULL,
    synced_at        INTEGER NOT NULL
);
CREATE INDEX citas_by_location_start ON citas (location_id, start_ms);
CREATE INDEX citas_by_calendar_start ON citas (calendar_id, start_ms);

CREATE TABLE sync_state (
    location_id        TEXT PRIMARY KEY,
    last_success_ms    INTEGER,
    last_attempt_ms    INTEGER,
    last_error_code    TEXT,
    last_error_message TEXT
);
