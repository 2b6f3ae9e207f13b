//! The list of citas (any range, filtered, ordered, paged), its CSV export
//! and the printed day: one query in `store/cita_list.rs` serves all three,
//! so the window, the CLI and the printout agree.

use chrono::Utc;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Desk;
use crate::error::Result;
use crate::listing::{self, ListPage, ListQuery, ListRow, ListSort};
use crate::model::LocationInfo;
use crate::store::ListFilter;
use crate::{messages, time};

/// The longest range the list answers for: ten years of days.
const MAX_DAYS: i64 = 3660;

/// One practitioner's (calendar's) citas of the printed day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PrintGroup {
    pub calendar_id: String,
    pub calendar: String,
    pub practitioner: Option<String>,
    pub rows: Vec<ListRow>,
}

/// The day's sheet to print: per calendar (practitioner), in time order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PrintedDay {
    pub location: LocationInfo,
    /// `YYYY-MM-DD` in the location's zone.
    pub date: String,
    /// `YYYY-MM-DDTHH:MM:SS` when it was read, in the location's zone.
    pub printed_at_local: String,
    pub groups: Vec<PrintGroup>,
}

impl Desk {
    /// The query's instants and location, after checking the range and the
    /// filters the replica cannot answer.
    fn list_scope(&self, q: &ListQuery) -> Result<(LocationInfo, chrono_tz::Tz, i64, i64)> {
        let (location, zone) = self.require_location()?;
        let (first, last) = (time::parse_date(&q.from)?, time::parse_date(&q.to)?);
        let days = (last - first).num_days() + 1;
        if !(1..=MAX_DAYS).contains(&days) {
            return Err(messages::list_invalid_range(&q.from, &q.to));
        }
        if let Some(room) = q.room_id.as_deref().filter(|r| !r.is_empty()) {
            // A room the replica does not know is refused, not ignored (an
            // empty list would read as "no citas there").
            if !self.store.rooms(&location.id)?.iter().any(|r| r.id == room) {
                return Err(messages::unknown_room(room));
            }
        }
        let (start, _) = time::days_range(first, 1, zone);
        let (_, end) = time::days_range(last, 1, zone);
        Ok((
            location,
            zone,
            start.timestamp_millis(),
            end.timestamp_millis(),
        ))
    }

    /// One page of the list: citas starting from `from` to `to` (inclusive)
    /// that pass the filters, in the asked order, with the filtered total.
    pub fn cita_list(&self, q: &ListQuery) -> Result<ListPage> {
        let started = std::time::Instant::now();
        let (location, zone, start_ms, end_ms) = self.list_scope(q)?;
        let f = ListFilter {
            location_id: &location.id,
            start_ms,
            end_ms,
            query: q,
        };
        let total = self.store.cita_list_total(&f)?;
        let rows = self
            .store
            .cita_list(&f, Some((q.offset, q.page_size())), zone)?;
        Ok(ListPage {
            from: q.from.clone(),
            to: q.to.clone(),
            total,
            offset: q.offset,
            rows,
            practitioners: self.store.location_practitioners(&location.id)?,
            elapsed_ms: started.elapsed().as_secs_f64() * 1000.0,
        })
    }

    /// Every row of the list (no paging), as CSV safe to open in a spreadsheet.
    pub fn cita_list_csv(&self, q: &ListQuery) -> Result<String> {
        let (location, zone, start_ms, end_ms) = self.list_scope(q)?;
        let f = ListFilter {
            location_id: &location.id,
            start_ms,
            end_ms,
            query: q,
        };
        Ok(listing::to_csv(&self.store.cita_list(&f, None, zone)?))
    }

    /// Writes the list's CSV into the Downloads folder as
    /// `citas-<from>-<to>.csv`; returns the path.
    pub fn export_cita_list(&self, q: &ListQuery) -> Result<String> {
        let csv = self.cita_list_csv(q)?;
        let path = self
            .export_dir()?
            .join(format!("citas-{}-{}.csv", q.from, q.to));
        crate::paths::write_private(&path, csv.as_bytes())?;
        Ok(path.display().to_string())
    }

    /// The day's sheet (default today) for one calendar or all of them.
    pub fn printed_day(&self, date: Option<&str>, calendar_id: Option<&str>) -> Result<PrintedDay> {
        let (location, zone) = self.require_location()?;
        let now = Utc::now();
        let day = match date.filter(|d| !d.is_empty()) {
            Some(d) => time::parse_date(d)?,
            None => time::today_in(zone, now),
        };
        let q = ListQuery {
            from: day.to_string(),
            to: day.to_string(),
            calendar_id: calendar_id.filter(|c| !c.is_empty()).map(Into::into),
            sort: ListSort::Calendar,
            ..Default::default()
        };
        let (_, _, start_ms, end_ms) = self.list_scope(&q)?;
        let f = ListFilter {
            location_id: &location.id,
            start_ms,
            end_ms,
            query: &q,
        };
        let mut groups: Vec<PrintGroup> = Vec::new();
        for row in self.store.cita_list(&f, None, zone)? {
            match groups.last_mut() {
                Some(g) if g.calendar_id == row.calendar_id => g.rows.push(row),
                _ => groups.push(PrintGroup {
                    calendar_id: row.calendar_id.clone(),
                    calendar: row
                        .calendar
                        .clone()
                        .unwrap_or_else(|| row.calendar_id.clone()),
                    practitioner: row.practitioner.clone(),
                    rows: vec![row],
                }),
            }
        }
        Ok(PrintedDay {
            location,
            date: day.to_string(),
            printed_at_local: time::local_string(now, zone),
            groups,
        })
    }
}
