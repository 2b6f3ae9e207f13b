//! Figures per day of a range: the manager's dashboard (citas, patients and
//! reconciliation differences per day, booked minutes per calendar) and the
//! month view (citas and booked minutes per day and calendar). Days are
//! the location's local days, passed in as `[start_ms, end_ms)` bounds (a
//! JSON array, read with `json_each`) so clock changes fall where they should.
//! `CROSS JOIN` keeps the days as the outer loop: one index range scan of
//! `citas_by_location_start` per day.

use rusqlite::params;

use super::Store;
use crate::error::Result;

/// The days table every query joins: `d` (index), `s` and `e` (UTC ms).
const DAYS: &str = "days(d, s, e) AS (
    SELECT CAST(key AS INTEGER), json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?2))";

/// (day index, calendar id, citas not cancelled, cancelled, minutes booked).
pub(crate) type MonthCount = (usize, String, u32, u32, i64);

/// Statuses that never took a practitioner's time.
const NOT_BOOKED: &str = "('cancelled', 'invalid')";

fn days_json(days: &[(i64, i64)]) -> String {
    serde_json::to_string(days).unwrap_or_else(|_| "[]".into())
}

impl Store {
    /// (day index, status, citas) of the location's citas starting each day.
    pub fn citas_per_day_by_status(
        &self,
        location_id: &str,
        days: &[(i64, i64)],
    ) -> Result<Vec<(usize, String, u32)>> {
        self.with(|c| {
            let mut st = c.prepare_cached(&format!(
                "WITH {DAYS}
                 SELECT days.d, c.status, count(*) FROM days
                   CROSS JOIN citas c ON c.location_id = ?1 AND c.start_ms >= days.s AND c.start_ms < days.e
                  GROUP BY days.d, c.status"
            ))?;
            let rows = st.query_map(params![location_id, days_json(days)], |r| {
                Ok((r.get::<_, i64>(0)? as usize, r.get(1)?, r.get(2)?))
            })?;
            rows.collect()
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
    /// cancelled, their time clipped to the range.
    pub fn booked_minutes_by_calendar(
        &self,
        location_id: &str,
        start_ms: i64,
        end_ms: i64,
    ) -> Result<Vec<(String, i64)>> {
        self.with(|c| {
            let mut st = c.prepare_cached(&format!(
                "SELECT calendar_id, sum(min(end_ms, ?3) - max(start_ms, ?2)) / 60000 FROM citas
                  WHERE location_id = ?1 AND start_ms < ?3 AND start_ms >= ?2 - 86400000 AND end_ms > ?2
                    AND status NOT IN {NOT_BOOKED}
                  GROUP BY calendar_id"
            ))?;
            let rows = st.query_map(params![location_id, start_ms, end_ms], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
            rows.collect()
        })
    }

    /// (day index, new, returning) patients with a cita each day: new when
    /// it is the patient's first cita (not cancelled) in the replica.
    pub fn patients_per_day(
        &self,
        location_id: &str,
        days: &[(i64, i64)],
    ) -> Result<Vec<(usize, u32, u32)>> {
        self.with(|c| {
            let mut st = c.prepare_cached(&format!(
                "WITH {DAYS},
                 seen AS MATERIALIZED (SELECT DISTINCT days.d AS d, days.s AS s, c.contact_id AS contact_id FROM days
                   CROSS JOIN citas c ON c.location_id = ?1 AND c.start_ms >= days.s AND c.start_ms < days.e
                  WHERE c.contact_id IS NOT NULL AND c.status NOT IN {NOT_BOOKED}),
                 first AS MATERIALIZED (SELECT contact_id, min(start_ms) AS f FROM citas
                  WHERE location_id = ?1 AND status NOT IN {NOT_BOOKED}
                    AND contact_id IN (SELECT contact_id FROM seen)
                  GROUP BY contact_id)
                 SELECT seen.d, sum(first.f >= seen.s), sum(first.f < seen.s)
                   FROM seen JOIN first ON first.contact_id = seen.contact_id
                  GROUP BY seen.d"
            ))?;
            let rows = st.query_map(params![location_id, days_json(days)], |r| {
                Ok((r.get::<_, i64>(0)? as usize, r.get(1)?, r.get(2)?))
            })?;
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
