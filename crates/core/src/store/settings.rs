//! Key/value settings of the desk and each location's booking settings.

use rusqlite::{params, OptionalExtension};

use super::Store;
use crate::booking::*;
use crate::error::Result;

impl Store {
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        self.with(|c| {
            c.query_row(
                "SELECT value FROM app_settings WHERE key = ?1",
                [key],
                |r| r.get(0),
            )
            .optional()
        })
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.with(|c| {
            c.execute(
                "INSERT INTO app_settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )
            .map(drop)
        })
    }

    pub fn remove_setting(&self, key: &str) -> Result<()> {
        self.with(|c| {
            c.execute("DELETE FROM app_settings WHERE key = ?1", [key])
                .map(drop)
        })
    }

    pub fn location_settings(&self, location_id: &str) -> Result<LocationSettings> {
        self.with(|c| {
            c.query_row(
                "SELECT overlap_mode, default_calendar_id, fallback_open, fallback_close, reconcile_at,
                        reconcile_days_back, reconcile_days_ahead
                 FROM location_settings WHERE location_id = ?1",
                [location_id],
                |r| {
                    Ok(LocationSettings {
                        overlap_mode: if r.get::<_, String>(0)? == "strict" {
                            OverlapMode::Strict
                        } else {
                            OverlapMode::Flexible
                        },
                        default_calendar_id: r.get(1)?,
                        fallback_open: r.get(2)?,
                        fallback_close: r.get(3)?,
                        reconcile_at: r.get(4)?,
                        reconcile_days_back: r.get(5)?,
                        reconcile_days_ahead: r.get(6)?,
                    })
                },
            )
            .optional()
        })
        .map(Option::unwrap_or_default)
    }

    pub fn save_location_settings(&self, location_id: &str, s: &LocationSettings) -> Result<()> {
        self.with(|c| {
            c.execute(
                "INSERT INTO location_settings (location_id, overlap_mode, default_calendar_id, fallback_open,
                    fallback_close, reconcile_at, reconcile_days_back, reconcile_days_ahead)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (location_id) DO UPDATE SET overlap_mode = excluded.overlap_mode,
                   default_calendar_id = excluded.default_calendar_id, fallback_open = excluded.fallback_open,
                   fallback_close = excluded.fallback_close, reconcile_at = excluded.reconcile_at,
                   reconcile_days_back = excluded.reconcile_days_back, reconcile_days_ahead = excluded.reconcile_days_ahead",
                params![
                    location_id,
                    if s.overlap_mode == OverlapMode::Strict { "strict" } else { "flexible" },
                    s.default_calendar_id,
                    s.fallback_open,
                    s.fallback_close,
                    s.reconcile_at,
                    s.reconcile_days_back,
                    s.reconcile_days_ahead
                ],
            )
            .map(drop)
        })
    }
}
