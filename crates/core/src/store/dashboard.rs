//! Figures per day of a range: the manager's dashboard (citas, patients and
//! reconciliation differences per day, booked minutes per calendar) and the
//! month view (citas and booked minutes per day and calendar). Days are
//! the location's local days, passed in as `[start_ms, end_ms)` bounds so
//! clock changes fall where they should. Every query reads indexes only
//! (migrations 0008 and 0014): the rows carry GHL's raw JSON, and each page
//! read is decrypted. Measured on 90 days x 20 calendars (72,000 citas,
//! `citadesk-bench dashboard`): SQLite's `count(DISTINCT contact_id)` per
//! day cost ~85 ms in its temporary b-trees, a patient's first visit looked
//! up one seek at a time ~80 ms; reading the range once in start order and
//! counting while reading, and one ordered scan of the first-visit index,
//! cost ~10 ms each.

use std::collections::HashSet;

use rusqlite::params;
use rusqlite::types::ValueRef;

use super::Store;
use crate::error::Result;
use crate::model::DayCitas;

/// The days table every query joins: `d` (index), `s` and `e` (UTC ms),
/// from the JSON array of bounds in `?2`.
pub(crate) const DAYS: &str = "days(d, s, e) AS (
    SELECT CAST(key AS INTEGER), json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?2))";

/// (day index, calendar id, citas not cancelled, cancelled, minutes booked).
pub(crate) type MonthCount = (usize, String, u32, u32, i64);

/// Statuses that never took a practitioner's time. Written as the partial
/// index `citas_first_visit` writes it, so SQLite can use that index.
const NOT_BOOKED: &str = "('cancelled', 'invalid')";
const NOT_BOOKED_STATUSES: [&[u8]; 2] = [b"cancelled", b"invalid"];

pub(crate) fn days_json(days: &[(i64, i64)]) -> String {
    serde_json::to_string(days).unwrap_or_else(|_| "[]".into())
}

/// One day's citas by GHL status, and its patients (each counted once).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayFigures {
    /// The day's index in the bounds given.
    pub day: usize,
    /// Counted by status; `day` left empty.
    pub citas: DayCitas,
    /// Patients with a cita that took a practitioner's time that day.
    pub patients: u32,
}

impl Store {
    /// Each day's citas by status and its patients (each patient once a
    /// day, when the cita took a practitioner's time), from one range scan
    /// of `citas_for_stats` in start order; days without citas are left out.
    pub fn day_figures(&self, location_id: &str, days: &[(i64, i64)]) -> Result<Vec<DayFigures>> {
        let (Some(first), Some(last)) = (days.first(), days.last()) else {
            return Ok(Vec::new());
        };
        self.with(|c| {
            let mut st = c.prepare_cached(
                "SELECT start_ms, status, contact_id FROM citas INDEXED BY citas_for_stats
                  WHERE location_id = ?1 AND start_ms >= ?2 AND start_ms < ?3
                  ORDER BY start_ms",
            )?;
            let mut rows = st.query(params![location_id, first.0, last.1])?;
            let mut out: Vec<DayFigures> = Vec::new();
            let mut day = 0;
            // The day's patients: borrowed lookups, one copy per patient.
            let mut seen: HashSet<Box<[u8]>> = HashSet::new();
            while let Some(r) = rows.next()? {
                let start: i64 = r.get(0)?;
                while day < days.len() && days[day].1 <= start {
                    day += 1;
                }
                if day == days.len() {
                    break;
                }
                if out.last().is_none_or(|f| f.day != day) {
                    out.push(DayFigures {
                        day,
                        ..Default::default()
                    });
                    seen.clear();
                }
                let f = out.last_mut().expect("pushed above");
                let n = &mut f.citas;
                n.total += 1;
                let status = match r.get_ref(1)? {
                    ValueRef::Text(t) => t,
                    _ => b"",
                };
                match status {
                    b"new" => n.new += 1,
                    b"confirmed" => n.confirmed += 1,
                    b"showed" => n.showed += 1,
                    b"noshow" => n.noshow += 1,
                    b"cancelled" => n.cancelled += 1,
                    _ => n.other += 1,
                }
                if NOT_BOOKED_STATUSES.contains(&status) {
                    continue;
                }
                if let ValueRef::Text(contact) = r.get_ref(2)? {
                    if !seen.contains(contact) {
                        seen.insert(contact.into());
                        f.patients += 1;
                    }
                }
            }
            Ok(out)
        })
    }

    /// (day index, calendar id, citas not cancelled, cancelled, minutes
    /// booked) of the location's citas starting each day: the month view.
    /// Minutes are of citas not cancelled, clipped to their day.
    pub fn month_counts(&self, location_id: &str, days: &[(i64, i64)]) -> Result<Vec<MonthCount>> {
        self.with(|c| {
            let mut st = c.prepare_cached(&format!(
                "WITH {DAYS}
                 SELECT days.d, c.calendar_id,
                        sum(c.status NOT IN {NOT_BOOKED}), sum(c.status IN {NOT_BOOKED}),
                        coalesce(sum(CASE WHEN c.status NOT IN {NOT_BOOKED}
                                     THEN min(c.end_ms, days.e) - c.start_ms END), 0) / 60000
                   FROM days
                   CROSS JOIN citas c ON c.location_id = ?1 AND c.start_ms >= days.s AND c.start_ms < days.e
                  GROUP BY days.d, c.calendar_id"
            ))?;
            let rows = st.query_map(params![location_id, days_json(days)], |r| {
                Ok((
                    r.get::<_, i64>(0)? as usize,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                ))
            })?;
            rows.collect()
        })
    }

    /// (calendar id, minutes) booked in `[start_ms, end_ms)`: citas not
    /// cancelled, their time clipped to the range. One range scan of
    /// `citas_by_calendar_start` per calendar of the location.
    pub fn booked_minutes_by_calendar(
        &self,
        location_id: &str,
        start_ms: i64,
        end_ms: i64,
    ) -> Result<Vec<(String, i64)>> {
        self.with(|c| {
            let mut st = c.prepare_cached(&format!(
                "SELECT cal.id,
                        (SELECT sum(min(ci.end_ms, ?3) - max(ci.start_ms, ?2)) / 60000
                           FROM citas ci INDEXED BY citas_by_calendar_start
                          WHERE ci.calendar_id = cal.id AND ci.start_ms >= ?2 - 86400000 AND ci.start_ms < ?3
                            AND ci.end_ms > ?2 AND ci.status NOT IN {NOT_BOOKED})
                   FROM calendars cal WHERE cal.location_id = ?1"
            ))?;
            let rows = st.query_map(params![location_id, start_ms, end_ms], |r| {
                Ok((r.get(0)?, r.get::<_, Option<i64>>(1)?.unwrap_or(0)))
            })?;
            rows.collect()
        })
    }

    /// The first visits in `[start_ms, end_ms)`: each patient's first
    /// cita that took a practitioner's time (in the whole replica), when it
    /// falls in the range: the range's new patients. One ordered scan of
    /// the partial index `citas_first_visit`, grouped in its order.
    pub fn first_visits_between(
        &self,
        location_id: &str,
        start_ms: i64,
        end_ms: i64,
    ) -> Result<Vec<i64>> {
        self.with(|c| {
            let mut st = c.prepare_cached(&format!(
                "SELECT min(start_ms) AS f FROM citas INDEXED BY citas_first_visit
                  WHERE location_id = ?1 AND contact_id IS NOT NULL AND status NOT IN {NOT_BOOKED}
                  GROUP BY contact_id
                 HAVING f >= ?2 AND f < ?3"
            ))?;
            let rows = st.query_map(params![location_id, start_ms, end_ms], |r| r.get(0))?;
            rows.collect()
        })
    }

    /// (fecha, differences) of the latest stored reconciliation of each day
    /// from `from` to `to` (`YYYY-MM-DD`, inclusive).
    pub fn differences_per_day(
        &self,
        location_id: &str,
        from: &str,
        to: &str,
    ) -> Result<Vec<(String, i64)>> {
        self.with(|c| {
            let mut st = c.prepare_cached(
                "SELECT fecha, total FROM reconciliation_reports r
                  WHERE location_id = ?1 AND fecha BETWEEN ?2 AND ?3
                    AND id = (SELECT max(id) FROM reconciliation_reports
                               WHERE location_id = r.location_id AND fecha = r.fecha)
                  ORDER BY fecha",
            )?;
            let rows = st.query_map(params![location_id, from, to], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
            rows.collect()
        })
    }

    /// (calendar id, practitioner's name, whether GHL gave open hours) of
    /// the location's calendars.
    pub fn calendar_practitioners(
        &self,
        location_id: &str,
    ) -> Result<Vec<(String, Option<String>, bool)>> {
        self.with(|c| {
            let mut st = c.prepare_cached(
                "SELECT c.id, u.name, c.open_hours NOT IN ('', '[]', 'null') FROM calendars c
                   LEFT JOIN users u ON u.id = c.primary_user_id
                  WHERE c.location_id = ?1",
            )?;
            let rows = st.query_map([location_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            rows.collect()
        })
    }
}
