-- The practice around the citas, as GHL holds it: calendar groups (the
-- clinic's specialties), rooms and equipment (calendar resources) with the
-- calendars they serve, practitioners' schedules and blocked slots.

-- A calendar's group (GHL's `groupId`), kept on the calendar row.
ALTER TABLE calendars ADD COLUMN group_id TEXT;

CREATE TABLE calendar_groups (
    id          TEXT PRIMARY KEY,
    location_id TEXT NOT NULL,
    name        TEXT NOT NULL,
    is_active   INTEGER NOT NULL,
    raw         TEXT NOT NULL
);
CREATE INDEX calendar_groups_by_location ON calendar_groups (location_id, name);

-- Rooms (`rooms`) and equipment (`equipments`). `places`: how many citas it
-- holds at once (a room's capacity, the equipment in service).
CREATE TABLE rooms (
    id          TEXT PRIMARY KEY,
    location_id TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('rooms', 'equipments')),
    name        TEXT NOT NULL,
    places      INTEGER NOT NULL,
    is_active   INTEGER NOT NULL,
    raw         TEXT NOT NULL
);
CREATE INDEX rooms_by_location ON rooms (location_id, name);

-- Which calendars a room or equipment serves (GHL's `calendarIds`).
CREATE TABLE room_calendars (
    room_id     TEXT NOT NULL,
    calendar_id TEXT NOT NULL,
    PRIMARY KEY (room_id, calendar_id)
);
CREATE INDEX room_calendars_by_calendar ON room_calendars (calendar_id);

-- A practitioner's availability. `rules`: GHL's rules as JSON (weekday and
-- date rules with `HH:MM` intervals in `timezone`); `calendar_ids`: the
-- calendars it governs, as JSON.
CREATE TABLE schedules (
    id           TEXT PRIMARY KEY,
    location_id  TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    name         TEXT,
    timezone     TEXT NOT NULL,
    rules        TEXT NOT NULL,
    calendar_ids TEXT NOT NULL,
    raw          TEXT NOT NULL
);
CREATE INDEX schedules_by_location ON schedules (location_id, user_id);

-- Blocked time of a calendar or of one practitioner (`user_id`). A block
-- made or changed here is `pending_push` until GHL has it; one removed here
-- stays, `removed`, until GHL has deleted it (so a pull meanwhile does not
-- bring it back on screen).
CREATE TABLE blocks (
    id          TEXT PRIMARY KEY,
    location_id TEXT NOT NULL,
    calendar_id TEXT,
    user_id     TEXT,
    title       TEXT NOT NULL,
    start_ms    INTEGER NOT NULL,
    end_ms      INTEGER NOT NULL,
    sync_state  TEXT NOT NULL DEFAULT 'synced' CHECK (sync_state IN ('synced', 'pending_push')),
    removed     INTEGER NOT NULL DEFAULT 0,
    raw         TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX blocks_by_time ON blocks (location_id, start_ms);

-- The outbox also carries block writes. SQLite cannot change a CHECK in
-- place: the table is rebuilt with its rows and ids (as 0007 did).
CREATE TABLE outbox_new (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key  TEXT NOT NULL UNIQUE,
    location_id      TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('create_contact', 'update_contact', 'create_cita', 'update_cita', 'send_reminder', 'withdraw_reminder', 'create_block', 'update_block', 'delete_block')),
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
