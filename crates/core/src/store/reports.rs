//! Stored reconciliation reports and the daily schedule's last run.

use chrono::Utc;
use rusqlite::{params, OptionalExtension};

use super::Store;
use crate::error::Result;
use crate::reconcile::{LineFix, ReconciliationReport};

/// The fixes made on a stored report's lines, by cita.
fn fixes_of(
    c: &rusqlite::Connection,
    report_id: i64,
) -> rusqlite::Result<std::collections::HashMap<String, LineFix>> {
    let mut st = c.prepare_cached(
        "SELECT cita_id, action, actor, at FROM report_fixes WHERE report_id = ?1",
    )?;
    let rows = st.query_map([report_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            LineFix {
                action: r.get(1)?,
                by: r.get(2)?,
                at: crate::time::utc_string(crate::time::from_ms(r.get(3)?)),
            },
        ))
    })?;
    rows.collect()
}

impl Store {
    pub fn save_report(&self, report: &crate::reconcile::ReconciliationReport) -> Result<i64> {
        let json = serde_json::to_string(report).unwrap_or_default();
        self.with(|c| {
            c.execute(
                "INSERT INTO reconciliation_reports (location_id, fecha, created_at, total, report) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![report.location_id, report.fecha, Utc::now().timestamp_millis(), report.counts.total, json],
            )?;
            Ok(c.last_insert_rowid())
        })
    }

    /// Stored reports of a location, newest first.
    pub fn reports(
        &self,
        location_id: &str,
        limit: u32,
    ) -> Result<Vec<crate::reconcile::ReconciliationReport>> {
        self.with(|c| {
            let mut st = c.prepare(
                "SELECT id, report FROM reconciliation_reports WHERE location_id = ?1 ORDER BY created_at DESC, id DESC LIMIT ?2",
            )?;
            let rows = st.query_map(params![location_id, limit], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
            })?;
            rows.map(|r| {
                r.and_then(|(id, json)| {
                    serde_json::from_str::<crate::reconcile::ReconciliationReport>(&json)
                        .map(|mut report| {
                            report.id = Some(id);
                            report
                        })
                        .map(|mut report| {
                            if let Ok(fixes) = fixes_of(c, id) {
                                report.attach_fixes(&fixes);
                            }
                            report
                        })
                        .map_err(|e| {
                            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
                        })
                })
            })
            .collect()
        })
    }

    pub fn report_by_id(&self, id: i64) -> Result<Option<ReconciliationReport>> {
        let (json, fixes) = self.with(|c| {
            let json: Option<String> = c
                .query_row(
                    "SELECT report FROM reconciliation_reports WHERE id = ?1",
                    [id],
                    |r| r.get(0),
                )
                .optional()?;
            Ok((json, fixes_of(c, id)?))
        })?;
        Ok(json
            .and_then(|j| serde_json::from_str::<ReconciliationReport>(&j).ok())
            .map(|mut r| {
                r.id = Some(id);
                r.attach_fixes(&fixes);
                r
            }))
    }

    /// A line of a stored report was fixed: by whom and how.
    pub(crate) fn record_line_fix(
        &self,
        report_id: i64,
        cita_id: &str,
        action: &str,
        actor: &str,
    ) -> Result<()> {
        self.with(|c| {
            c.execute(
                "INSERT OR REPLACE INTO report_fixes (report_id, cita_id, action, actor, at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![report_id, cita_id, action, actor, Utc::now().timestamp_millis()],
            )
            .map(drop)
        })
    }

    pub fn last_scheduled_run(&self, location_id: &str) -> Result<Option<String>> {
        self.with(|c| {
            c.query_row(
                "SELECT last_scheduled_run FROM location_settings WHERE location_id = ?1",
                [location_id],
                |r| r.get(0),
            )
            .optional()
            .map(Option::flatten)
        })
    }

    pub fn set_last_scheduled_run(&self, location_id: &str, fecha: &str) -> Result<()> {
        self.with(|c| {
            c.execute(
                "INSERT INTO location_settings (location_id, last_scheduled_run) VALUES (?1, ?2)
                 ON CONFLICT (location_id) DO UPDATE SET last_scheduled_run = excluded.last_scheduled_run",
                params![location_id, fecha],
            )
            .map(drop)
        })
    }
}
