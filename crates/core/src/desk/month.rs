//! The month view: per day, the citas of each calendar and the free time
//! left in its open hours, read from the replica in one SQL pass.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Desk;
use crate::error::Result;
use crate::model::*;
use crate::practice::bookable_minutes;
use crate::time;

/// One calendar on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MonthCell {
    pub calendar_id: String,
    /// Citas not cancelled.
    pub citas: u32,
    #[ts(type = "number")]
    pub open_minutes: i64,
    /// Open minutes not taken by citas (never below 0).
    #[ts(type = "number")]
    pub free_minutes: i64,
    /// How many of the calendar's slots fit in the free minutes.
    pub free_slots: u32,
}

/// One day of the month's grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MonthDay {
    /// `YYYY-MM-DD` in the location's zone.
    pub date: String,
    /// False for the days of the weeks around the month.
    pub in_month: bool,
    /// Citas not cancelled, every calendar.
    pub citas: u32,
    pub cancelled: u32,
    #[ts(type = "number")]
    pub open_minutes: i64,
    #[ts(type = "number")]
    pub free_minutes: i64,
    pub free_slots: u32,
    /// In the order of `MonthView::calendars`.
    pub calendars: Vec<MonthCell>,
}

/// A month as whole weeks (Monday first), from the replica only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MonthView {
    pub location: LocationInfo,
    /// `YYYY-MM`.
    pub month: String,
    pub today: String,
    pub calendars: Vec<CalendarColumn>,
    /// Whole weeks: 28 to 42 days.
    pub days: Vec<MonthDay>,
    /// How long the figures took, request to data.
    pub elapsed_ms: f64,
}

/// The first of the month holding `s` (`YYYY-MM` or any `YYYY-MM-DD`).
fn month_of(s: &str) -> Result<NaiveDate> {
    let date = if s.len() == 7 {
        time::parse_date(&format!("{s}-01"))?
    } else {
        time::parse_date(s)?
    };
    Ok(date.with_day(1).unwrap_or(date))
}

impl Desk {
    /// The month holding `month` (`YYYY-MM`, or a date in it; default this
    /// month): every day of its weeks, citas per calendar and free capacity
    /// from the calendars' open hours as they are today (GHL's, else the
    /// location's fallback hours), narrowed by the practitioners' schedules
    /// and less the blocked time.
    pub fn month_view(&self, month: Option<&str>) -> Result<MonthView> {
        let started = std::time::Instant::now();
        let (location, zone) = self.require_location()?;
        let today = time::today_in(zone, Utc::now());
        let first = match month {
            Some(m) if !m.is_empty() => month_of(m)?,
            _ => today.with_day(1).unwrap_or(today),
        };
        let next = if first.month() == 12 {
            NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
        }
        .unwrap_or(first);
        let grid_start = time::monday_of(first);
        let grid_end = time::monday_of(next - Duration::days(1)) + Duration::days(7);
        let dates: Vec<NaiveDate> = (0..(grid_end - grid_start).num_days())
            .map(|i| grid_start + Duration::days(i))
            .collect();
        let bounds: Vec<(i64, i64)> = dates
            .iter()
            .map(|d| {
                let (s, e) = time::days_range(*d, 1, zone);
                (s.timestamp_millis(), e.timestamp_millis())
            })
            .collect();

        let calendars = self.store.calendar_columns(&location.id)?;
        let settings = self.store.location_settings(&location.id)?;
        // Open time with the practitioners' schedules and blocked time taken
        // out, as the grid shades it and free slots skip it.
        let rules: HashMap<String, _> = self
            .store
            .calendar_rules(&location.id, &settings)?
            .into_iter()
            .map(|c| (c.id.clone(), c))
            .collect();
        let practice = self.store.practice(
            &location.id,
            bounds.first().map_or(0, |b| b.0),
            bounds.last().map_or(0, |b| b.1),
        )?;
        let slots: HashMap<String, i64> = self
            .store
            .calendar_slot_lengths(&location.id)?
            .into_iter()
            .collect();
        let column: HashMap<&str, usize> = calendars
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), i))
            .collect();
        // (citas, booked minutes) per day and calendar column.
        let mut counts = vec![vec![(0u32, 0i64); calendars.len()]; dates.len()];
        let mut cancelled = vec![0u32; dates.len()];
        for (d, cal, citas, gone, minutes) in self.store.month_counts(&location.id, &bounds)? {
            cancelled[d] += gone;
            if let Some(&i) = column.get(cal.as_str()) {
                counts[d][i] = (citas, minutes);
            }
        }

        let days = dates
            .iter()
            .enumerate()
            .map(|(d, date)| {
                let cells: Vec<MonthCell> = calendars
                    .iter()
                    .enumerate()
                    .map(|(i, cal)| {
                        let (citas, booked) = counts[d][i];
                        let open = rules
                            .get(&cal.id)
                            .map(|r| bookable_minutes(r, &practice, *date, zone))
                            .unwrap_or(0);
                        let free = (open - booked).max(0);
                        let slot = slots.get(&cal.id).copied().filter(|s| *s > 0).unwrap_or(30);
                        MonthCell {
                            calendar_id: cal.id.clone(),
                            citas,
                            open_minutes: open,
                            free_minutes: free,
                            free_slots: (free / slot) as u32,
                        }
                    })
                    .collect();
                MonthDay {
                    date: date.to_string(),
                    in_month: date.month() == first.month(),
                    citas: cells.iter().map(|c| c.citas).sum(),
                    cancelled: cancelled[d],
                    open_minutes: cells.iter().map(|c| c.open_minutes).sum(),
                    free_minutes: cells.iter().map(|c| c.free_minutes).sum(),
                    free_slots: cells.iter().map(|c| c.free_slots).sum(),
                    calendars: cells,
                }
            })
            .collect();
        Ok(MonthView {
            location,
            month: first.format("%Y-%m").to_string(),
            today: today.to_string(),
            calendars,
            days,
            elapsed_ms: started.elapsed().as_secs_f64() * 1000.0,
        })
    }
}
