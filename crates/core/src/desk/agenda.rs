//! The week and the day's agenda, read from the replica only.

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
}
