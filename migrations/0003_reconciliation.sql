-- Every reconciliation report, as run: the manager browses and exports them.
CREATE TABLE reconciliation_reports (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    location_id TEXT NOT NULL,
    fecha       TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    total       INTEGER NOT NULL,
    report      TEXT NOT NULL
);
CREATE INDEX reconciliation_reports_by_location ON reconciliation_reports (location_id, created_at);
