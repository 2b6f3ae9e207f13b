//! The week and the day's agenda (of the active sede, or of every sede
//! together), read from the replica only.

use chrono::Utc;

use super::Desk;
use crate::error::Result;
use crate::model::*;
use crate::time;

impl Desk {
    /// The week holding `week_start` (any date of it; default: this week),
    /// read from the replica only.
    pub fn week_view(&self, week_start: Option<&str>) -> Result<WeekView> {
        let started = std::time::Instant::now();
        let (location, zone) = self.require_location()?;
        let today = time::today_in(zone, Utc::now());
        let anchor = match week_start {
            Some(s) => time::parse_date(s)?,
            None => today,
        };
        let monday = time::monday_of(anchor);
        let (start, end) = time::days_range(monday, 7, zone);
        let view = WeekView {
            calendars: self.store.calendar_columns(&location.id)?,
            citas: self.store.citas_between(&location.id, start, end, zone)?,
            week_start: monday.to_string(),
            today: today.to_string(),
            location,
        };
        tracing::debug!(
            citas = view.citas.len(),
            us = started.elapsed().as_micros() as u64,
            "week view read"
        );
        Ok(view)
    }

    /// One day's agenda (default: today in the location's zone).
    pub fn day_agenda(&self, date: Option<&str>) -> Result<DayAgenda> {
        let (location, zone) = self.require_location()?;
        let day = match date {
            Some(s) => time::parse_date(s)?,
            None => time::today_in(zone, Utc::now()),
        };
        let (start, end) = time::days_range(day, 1, zone);
        Ok(DayAgenda {
            calendars: self.store.calendar_columns(&location.id)?,
            citas: self.store.citas_between(&location.id, start, end, zone)?,
            date: day.to_string(),
            location,
        })
    }

    /// One day of every connected location (sede), each in its own zone,
    /// for the day view and the agenda with all sedes together. The date
    /// defaults to today where the active location is. Reads only: a write
    /// on one of them still goes through that location (the UI makes it the
    /// active one first).
    pub fn sedes_day(&self, date: Option<&str>) -> Result<SedesDay> {
        let (active, zone) = self.require_location()?;
        let day = match date.filter(|d| !d.is_empty()) {
            Some(s) => time::parse_date(s)?,
            None => time::today_in(zone, Utc::now()),
        };
        let mut sedes = Vec::new();
        for c in self.store.connections()? {
            let Some(location) = self.store.location(&c.location_id)? else {
                continue; // connected, its first sync has not named it yet
            };
            let zone = time::parse_zone(&location.time_zone)?;
            let (start, end) = time::days_range(day, 1, zone);
            sedes.push(DayAgenda {
                calendars: self.store.calendar_columns(&location.id)?,
                citas: self.store.citas_between(&location.id, start, end, zone)?,
                date: day.to_string(),
                location,
            });
        }
        // The active sede first, the others by name.
        sedes.sort_by(|a, b| {
            (a.location.id != active.id, a.location.name.to_lowercase())
                .cmp(&(b.location.id != active.id, b.location.name.to_lowercase()))
        });
        Ok(SedesDay {
            date: day.to_string(),
            active_location_id: active.id,
            sedes,
        })
    }
}
