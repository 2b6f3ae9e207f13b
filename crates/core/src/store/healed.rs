//! Differences the desk healed as it applied them (`healed_changes`): a
//! pull or a webhook that brought a cita created, cancelled, changed or
//! deleted outside this desk. The daily report lists them, since by then the
//! replica already equals GHL.

use chrono::Utc;
use chrono_tz::Tz;
use rusqlite::{params, Connection};

use super::Store;
use crate::cita::{snapshot_json, CitaRow, CitaSnapshot};
use crate::error::Result;
use crate::reconcile::{healed_line, HealedLine, Via};

/// Records one applied change when it is a difference; returns whether it was.
pub(crate) fn insert_healed(
    c: &Connection,
    location_id: &str,
    before: Option<&CitaRow>,
    after: Option<&CitaRow>,
    via: Via,
    lost_webhook: bool,
) -> rusqlite::Result<bool> {
    // The zone only shapes the line's text, which is made again at report time.
    let Some(line) = healed_line(before, after, chrono_tz::UTC) else {
        return Ok(false);
    };
    c.execute(
        "INSERT INTO healed_changes (location_id, cita_id, category, arrived, lost_webhook, before, after, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            location_id,
            line.id(),
            line.category().as_str(),
            via_str(via),
            lost_webhook,
            before.map(snapshot_json),
            after.map(snapshot_json),
            Utc::now().timestamp_millis()
        ],
    )?;
    Ok(true)
}

fn via_str(via: Via) -> &'static str {
    match via {
        Via::Webhook => "webhook",
        Via::Pull => "pull",
    }
}

/// A stored snapshot as a row of `location_id`, for comparing.
fn row_of(location_id: &str, json: Option<String>) -> Option<CitaRow> {
    let s: CitaSnapshot = serde_json::from_str(&json?).ok()?;
    Some(CitaRow {
        id: s.id,
        location_id: location_id.to_string(),
        calendar_id: s.calendar_id,
        contact_id: s.contact_id,
        assigned_user_id: s.assigned_user_id,
        title: s.title,
        status: s.status,
        start: crate::time::from_ms(s.start_ms),
        end: crate::time::from_ms(s.end_ms),
        date_updated: s.date_updated,
        raw: "{}".into(),
    })
}

impl Store {
    /// Records what a pull changed (each pair is the cita before and after).
    pub(crate) fn record_healed(
        &self,
        location_id: &str,
        changes: &[(Option<CitaRow>, Option<CitaRow>)],
        via: Via,
        lost_webhook: bool,
    ) -> Result<u32> {
        self.with(|c| {
            let tx = c.transaction()?;
            let mut n = 0;
            for (before, after) in changes {
                if insert_healed(
                    &tx,
                    location_id,
                    before.as_ref(),
                    after.as_ref(),
                    via,
                    lost_webhook,
                )? {
                    n += 1;
                }
            }
            tx.commit()?;
            Ok(n)
        })
    }

    /// The differences not yet in a daily report, one line per cita: its
    /// first "before" against its last "after" (moved twice is one move).
    pub(crate) fn open_healed(
        &self,
        location_id: &str,
        zone: Tz,
    ) -> Result<Vec<(HealedLine, Via, bool)>> {
        type Row = (String, Option<String>, Option<String>, String, bool);
        let rows: Vec<Row> = self.with(|c| {
            let mut st = c.prepare(
                "SELECT cita_id, before, after, arrived, lost_webhook FROM healed_changes
                 WHERE location_id = ?1 AND report_id IS NULL ORDER BY id",
            )?;
            let rows = st.query_map([location_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?;
            rows.collect()
        })?;
        let mut order: Vec<String> = Vec::new();
        let mut net: std::collections::HashMap<String, Row> = Default::default();
        for (id, before, after, arrived, lost) in rows {
            match net.get_mut(&id) {
                Some(kept) => {
                    kept.2 = after;
                    kept.3 = arrived;
                    kept.4 |= lost;
                }
                None => {
                    order.push(id.clone());
                    net.insert(id.clone(), (id, before, after, arrived, lost));
                }
            }
        }
        Ok(order
            .into_iter()
            .filter_map(|id| {
                let (_, before, after, arrived, lost) = net.remove(&id)?;
                let before = row_of(location_id, before);
                let after = row_of(location_id, after);
                let line = healed_line(before.as_ref(), after.as_ref(), zone)?;
                let via = if arrived == "webhook" {
                    Via::Webhook
                } else {
                    Via::Pull
                };
                Some((line, via, lost))
            })
            .collect())
    }

    /// The open differences were listed by the daily report `report_id`.
    pub(crate) fn healed_reported(&self, location_id: &str, report_id: i64) -> Result<()> {
        self.with(|c| {
            c.execute(
                "UPDATE healed_changes SET report_id = ?2 WHERE location_id = ?1 AND report_id IS NULL",
                params![location_id, report_id],
            )
            .map(drop)
        })
    }

    /// The desk's version of a cita before GHL's change (the first healed
    /// change of it not yet fixed), for "restore the desk's version".
    pub(crate) fn healed_before(
        &self,
        location_id: &str,
        cita_id: &str,
    ) -> Result<Option<CitaRow>> {
        let json: Option<Option<String>> = self.with(|c| {
            use rusqlite::OptionalExtension;
            c.query_row(
                "SELECT before FROM healed_changes WHERE location_id = ?1 AND cita_id = ?2
                 ORDER BY (report_id IS NULL), report_id DESC, id LIMIT 1",
                params![location_id, cita_id],
                |r| r.get(0),
            )
            .optional()
        })?;
        Ok(row_of(location_id, json.flatten()))
    }
}
