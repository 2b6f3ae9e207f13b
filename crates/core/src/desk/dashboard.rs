//! The manager's dashboard ("Panel"): for a range of days and a location,
//! the figures behind each chart, computed from the replica in SQL, and
//! each chart's figures as CSV.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Desk;
use crate::booking::open_minutes_on;
use crate::error::{CoreError, Result};
pub use crate::model::DayCitas;
use crate::reconcile::csv_field;
use crate::{messages, time};

/// The longest range the dashboard answers for.
const MAX_DAYS: i64 = 366;

/// One day's rates, 0..1; null when the day has nothing to divide by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DayRates {
    pub day: String,
    /// noshow ÷ (showed + noshow): of the citas that were due and settled.
    pub no_show_rate: Option<f64>,
    /// cancelled ÷ every cita of the day.
    pub cancellation_rate: Option<f64>,
}

/// One calendar's (practitioner's) occupancy over the range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Occupancy {
    pub calendar_id: String,
    pub calendar: String,
    pub practitioner: Option<String>,
    /// Minutes of citas not cancelled, clipped to the range.
    #[ts(type = "number")]
    pub booked_minutes: i64,
    /// Minutes the calendar is open over the range.
    #[ts(type = "number")]
    pub open_minutes: i64,
    /// booked ÷ open; null when the calendar never opens in the range.
    pub occupancy: Option<f64>,
    /// `ghl`: the calendar's open hours; `fallback`: GHL gives none, the
    /// location's fallback hours (Ajustes) every day.
    pub open_hours_from: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DayPatients {
    pub day: String,
    /// Patients whose first cita in the replica is this day.
    pub new: u32,
    pub returning: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DayDifferences {
    pub day: String,
    /// Differences the day's latest reconciliation found; null: none ran.
    #[ts(type = "number | null")]
    pub differences: Option<i64>,
}

/// The reminders' confirmation rate per day: of the citas reminded (a
/// reminder scheduled in GHL or sent), how many the patient confirmed by
/// answering. A cita counts on the day it was reminded for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConfirmationRates {
    /// False when no cita of the range was reminded (reminders off, or
    /// none due yet): the chart says "no data".
    pub available: bool,
    /// Every day of the range once reminders exist; empty otherwise.
    pub days: Vec<DayConfirmation>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DayConfirmation {
    pub day: String,
    pub reminded: u32,
    pub confirmed: u32,
    /// confirmed ÷ reminded; null on a day without reminded citas.
    pub rate: Option<f64>,
}

/// Everything the Panel draws for one range and location.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Dashboard {
    pub location_id: String,
    pub time_zone: String,
    pub from: String,
    pub to: String,
    pub citas_per_day: Vec<DayCitas>,
    pub rates: Vec<DayRates>,
    pub occupancy: Vec<Occupancy>,
    pub patients: Vec<DayPatients>,
    pub differences: Vec<DayDifferences>,
    pub confirmations: ConfirmationRates,
    /// How long the figures took, request to data.
    pub elapsed_ms: f64,
}

/// One chart of the Panel, for its CSV export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum DashboardChart {
    CitasPerDay,
    Rates,
    Occupancy,
    Patients,
    Differences,
    Confirmations,
}

impl DashboardChart {
    pub const ALL: [DashboardChart; 6] = [
        DashboardChart::CitasPerDay,
        DashboardChart::Rates,
        DashboardChart::Occupancy,
        DashboardChart::Patients,
        DashboardChart::Differences,
        DashboardChart::Confirmations,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DashboardChart::CitasPerDay => "citas_per_day",
            DashboardChart::Rates => "rates",
            DashboardChart::Occupancy => "occupancy",
            DashboardChart::Patients => "patients",
            DashboardChart::Differences => "differences",
            DashboardChart::Confirmations => "confirmations",
        }
    }
}

fn ratio(num: u32, den: u32) -> Option<f64> {
    (den > 0).then(|| f64::from(num) / f64::from(den))
}

impl Desk {
    /// The Panel's figures from `from` to `to` (`YYYY-MM-DD`, inclusive, in
    /// the location's zone) for `location_id` (default: the active one).
    pub fn dashboard(&self, from: &str, to: &str, location_id: Option<&str>) -> Result<Dashboard> {
        let started = std::time::Instant::now();
        let location_id = match location_id.filter(|l| !l.is_empty()) {
            Some(l) => l.to_string(),
            None => self.active_location()?.ok_or(CoreError::NotConnected)?,
        };
        let info = self
            .store
            .location(&location_id)?
            .ok_or(CoreError::NotConnected)?;
        let zone = time::parse_zone(&info.time_zone)?;
        let (first, last) = (time::parse_date(from)?, time::parse_date(to)?);
        let n = (last - first).num_days() + 1;
        if !(1..=MAX_DAYS).contains(&n) {
            return Err(messages::input_invalid_range(n));
        }
        let dates: Vec<NaiveDate> = (0..n).map(|i| first + chrono::Duration::days(i)).collect();
        let bounds: Vec<(i64, i64)> = dates
            .iter()
            .map(|d| {
                let (s, e) = time::days_range(*d, 1, zone);
                (s.timestamp_millis(), e.timestamp_millis())
            })
            .collect();
        let label = |i: usize| dates[i].to_string();

        // One pass over the range: citas by status and patients per day.
        let mut citas_per_day: Vec<DayCitas> = (0..dates.len())
            .map(|i| DayCitas {
                day: label(i),
                ..Default::default()
            })
            .collect();
        let mut patients: Vec<DayPatients> = (0..dates.len())
            .map(|i| DayPatients {
                day: label(i),
                ..Default::default()
            })
            .collect();
        for f in self.store.day_figures(&location_id, &bounds)? {
            citas_per_day[f.day] = DayCitas {
                day: label(f.day),
                ..f.citas
            };
            patients[f.day].returning = f.patients;
        }
        let (range_start, range_end) = (bounds[0].0, bounds[bounds.len() - 1].1);
        // New patients: the first visits that fall in the range, by day;
        // the rest of the day's patients are returning.
        for first in self
            .store
            .first_visits_between(&location_id, range_start, range_end)?
        {
            let i = bounds.partition_point(|(_, end)| *end <= first);
            if let Some(p) = patients.get_mut(i) {
                p.new += 1;
                p.returning = p.returning.saturating_sub(1);
            }
        }
        let rates = citas_per_day
            .iter()
            .map(|d| DayRates {
                day: d.day.clone(),
                no_show_rate: ratio(d.noshow, d.showed + d.noshow),
                cancellation_rate: ratio(d.cancelled, d.total),
            })
            .collect();

        let booked: HashMap<String, i64> = self
            .store
            .booked_minutes_by_calendar(&location_id, range_start, range_end)?
            .into_iter()
            .collect();
        let practitioners: HashMap<String, (Option<String>, bool)> = self
            .store
            .calendar_practitioners(&location_id)?
            .into_iter()
            .map(|(id, name, has_hours)| (id, (name, has_hours)))
            .collect();
        let settings = self.store.location_settings(&location_id)?;
        let mut occupancy: Vec<Occupancy> = self
            .store
            .calendar_rules(&location_id, &settings)?
            .into_iter()
            .map(|cal| {
                let open: i64 = dates
                    .iter()
                    .map(|d| open_minutes_on(&cal.open_hours, *d))
                    .sum();
                let booked = booked.get(&cal.id).copied().unwrap_or(0);
                let (practitioner, has_hours) =
                    practitioners.get(&cal.id).cloned().unwrap_or((None, false));
                Occupancy {
                    occupancy: (open > 0).then(|| booked as f64 / open as f64),
                    calendar_id: cal.id,
                    calendar: cal.name,
                    practitioner,
                    booked_minutes: booked,
                    open_minutes: open,
                    open_hours_from: if has_hours { "ghl" } else { "fallback" }.into(),
                }
            })
            .collect();
        occupancy.sort_by(|a, b| a.calendar.cmp(&b.calendar));

        let found: HashMap<String, i64> = self
            .store
            .differences_per_day(&location_id, &label(0), &label(dates.len() - 1))?
            .into_iter()
            .collect();
        let differences = (0..dates.len())
            .map(|i| DayDifferences {
                differences: found.get(&label(i)).copied(),
                day: label(i),
            })
            .collect();

        let mut confirmations: Vec<DayConfirmation> = (0..dates.len())
            .map(|i| DayConfirmation {
                day: label(i),
                reminded: 0,
                confirmed: 0,
                rate: None,
            })
            .collect();
        for (i, reminded, confirmed) in self.store.confirmations_per_day(&location_id, &bounds)? {
            let c = &mut confirmations[i];
            (c.reminded, c.confirmed) = (reminded, confirmed);
            c.rate = ratio(confirmed, reminded);
        }
        let available = confirmations.iter().any(|c| c.reminded > 0);
        if !available {
            confirmations.clear();
        }

        Ok(Dashboard {
            location_id,
            time_zone: info.time_zone,
            from: label(0),
            to: label(dates.len() - 1),
            citas_per_day,
            rates,
            occupancy,
            patients,
            differences,
            confirmations: ConfirmationRates {
                available,
                days: confirmations,
            },
            elapsed_ms: started.elapsed().as_secs_f64() * 1000.0,
        })
    }

    /// Writes one chart's CSV into the Downloads folder as
    /// `panel-<chart>-<from>-<to>.csv`; returns the path.
    pub fn export_dashboard_chart(
        &self,
        from: &str,
        to: &str,
        location_id: Option<&str>,
        chart: DashboardChart,
    ) -> Result<String> {
        let d = self.dashboard(from, to, location_id)?;
        let path =
            self.export_dir()?
                .join(format!("panel-{}-{}-{}.csv", chart.as_str(), d.from, d.to));
        crate::paths::write_private(&path, d.csv(chart).as_bytes())?;
        Ok(path.display().to_string())
    }

    /// One chart's figures as CSV (safe to open in a spreadsheet).
    pub fn dashboard_csv(
        &self,
        from: &str,
        to: &str,
        location_id: Option<&str>,
        chart: DashboardChart,
    ) -> Result<String> {
        Ok(self.dashboard(from, to, location_id)?.csv(chart))
    }
}

impl Dashboard {
    /// A chart's figures as CSV: a header line, then one line per day or calendar.
    pub fn csv(&self, chart: DashboardChart) -> String {
        let d = self;
        let num = |v: Option<f64>| v.map(|x| format!("{x:.4}")).unwrap_or_default();
        let (header, rows): (&str, Vec<Vec<String>>) = match chart {
        DashboardChart::CitasPerDay => (
            "day,total,new,confirmed,showed,noshow,cancelled,other",
            d.citas_per_day
                .iter()
                .map(|c| {
                    let n = [c.total, c.new, c.confirmed, c.showed, c.noshow, c.cancelled, c.other];
                    std::iter::once(c.day.clone())
                        .chain(n.iter().map(u32::to_string))
                        .collect()
                })
                .collect(),
        ),
        DashboardChart::Rates => (
            "day,no_show_rate,cancellation_rate",
            d.rates
                .iter()
                .map(|r| vec![r.day.clone(), num(r.no_show_rate), num(r.cancellation_rate)])
                .collect(),
        ),
        DashboardChart::Occupancy => (
            "calendar_id,calendar,practitioner,booked_minutes,open_minutes,occupancy,open_hours_from",
            d.occupancy
                .iter()
                .map(|o| {
                    vec![
                        o.calendar_id.clone(),
                        o.calendar.clone(),
                        o.practitioner.clone().unwrap_or_default(),
                        o.booked_minutes.to_string(),
                        o.open_minutes.to_string(),
                        num(o.occupancy),
                        o.open_hours_from.clone(),
                    ]
                })
                .collect(),
        ),
        DashboardChart::Patients => (
            "day,new,returning",
            d.patients
                .iter()
                .map(|p| vec![p.day.clone(), p.new.to_string(), p.returning.to_string()])
                .collect(),
        ),
        DashboardChart::Differences => (
            "day,differences",
            d.differences
                .iter()
                .map(|x| {
                    vec![
                        x.day.clone(),
                        x.differences.map(|n| n.to_string()).unwrap_or_default(),
                    ]
                })
                .collect(),
        ),
        DashboardChart::Confirmations => (
            "day,reminded,confirmed,confirmation_rate",
            d.confirmations
                .days
                .iter()
                .map(|c| {
                    vec![
                        c.day.clone(),
                        c.reminded.to_string(),
                        c.confirmed.to_string(),
                        num(c.rate),
                    ]
                })
                .collect(),
        ),
    };
        let mut out = format!("{header}\n");
        for row in rows {
            let cells: Vec<String> = row.iter().map(|c| csv_field(c)).collect();
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use citadesk_ghl::models::{HourRange, OpenHours};

    #[test]
    fn open_minutes_add_each_range_of_the_weekday() {
        let split = OpenHours {
            days_of_the_week: vec![1, 2, 3, 4, 5],
            hours: vec![
                HourRange {
                    open_hour: 8,
                    open_minute: 0,
                    close_hour: 13,
                    close_minute: 0,
                },
                HourRange {
                    open_hour: 14,
                    open_minute: 0,
                    close_hour: 19,
                    close_minute: 30,
                },
            ],
        };
        let monday = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(
            open_minutes_on(std::slice::from_ref(&split), monday),
            300 + 330
        );
        let sunday = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        assert_eq!(open_minutes_on(&[split], sunday), 0);
    }

    #[test]
    fn a_chart_csv_neutralises_what_a_spreadsheet_would_run() {
        let d = Dashboard {
            location_id: "l".into(),
            time_zone: "America/Lima".into(),
            from: "2026-11-23".into(),
            to: "2026-11-23".into(),
            citas_per_day: Vec::new(),
            rates: Vec::new(),
            occupancy: vec![Occupancy {
                calendar_id: "c1".into(),
                calendar: "=HYPERLINK(\"x\")".into(),
                practitioner: Some("Dra. Rosa, Chávez".into()),
                booked_minutes: 30,
                open_minutes: 120,
                occupancy: Some(0.25),
                open_hours_from: "ghl".into(),
            }],
            patients: Vec::new(),
            differences: Vec::new(),
            confirmations: ConfirmationRates {
                available: false,
                days: Vec::new(),
            },
            elapsed_ms: 0.0,
        };
        let csv = d.csv(DashboardChart::Occupancy);
        let line = csv.lines().nth(1).unwrap();
        assert_eq!(
            line,
            "c1,\"'=HYPERLINK(\"\"x\"\")\",\"Dra. Rosa, Chávez\",30,120,0.2500,ghl"
        );
    }
}
