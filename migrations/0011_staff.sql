-- The clinic's people at the desk (issue #18). A person signs in with a PIN
-- kept only as an Argon2id hash; wrong tries and lock-outs are kept here so
-- that restarting the app or the CLI does not reset them.
CREATE TABLE staff (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    -- The name as compared: trimmed, lower case (one "Ana" per desk).
    name_key      TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL CHECK (role IN ('recepcion', 'gerencia')),
    -- The GHL user of the location this person is, when there is one.
    ghl_user_id   TEXT,
    pin_hash      TEXT NOT NULL,
    -- Wrong PINs in a row since the last good one.
    failed_tries  INTEGER NOT NULL DEFAULT 0,
    -- Lock-outs since the last good PIN: each one lasts twice the last.
    lockouts      INTEGER NOT NULL DEFAULT 0,
    -- Unix milliseconds until which the person cannot sign in.
    locked_until  INTEGER,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
