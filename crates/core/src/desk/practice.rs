//! The practice as the desk reads it: specialties (calendar groups), each
//! calendar's practitioner, rooms and hours, the rooms themselves, and the
//! closed time and blocks the grid draws. From the replica only.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{block_view, BlockView, Desk};
use crate::booking::LocationSettings;
use crate::error::Result;
use crate::model::Locale;
use crate::practice;
use crate::time;

/// A specialty: a GHL calendar group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct GroupView {
    pub id: String,
    pub name: String,
}

/// A room (`rooms`) or equipment (`equipments`) and the calendars it serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RoomView {
    pub id: String,
    pub name: String,
    pub kind: String,
    /// How many citas it holds at once.
    pub places: u32,
    pub calendar_ids: Vec<String>,
    pub is_active: bool,
}

/// One calendar with its practitioner, specialty, rooms and hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CalendarPractice {
    pub id: String,
    pub name: String,
    pub is_active: bool,
    pub practitioner_id: Option<String>,
    pub practitioner: Option<String>,
    pub group_id: Option<String>,
    /// The specialty's name (none: the calendar is in no group).
    pub group_name: Option<String>,
    pub room_ids: Vec<String>,
    /// Open hours, one line per day: `lun 08:00–13:00, 14:00–19:00`.
    pub open_hours: Vec<String>,
    /// The practitioner's schedule for this calendar, in the same form
    /// (empty: GHL has none, the open hours rule).
    pub schedule: Vec<String>,
}

/// The location's practice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PracticeView {
    pub groups: Vec<GroupView>,
    pub calendars: Vec<CalendarPractice>,
    pub rooms: Vec<RoomView>,
}

/// A span of a calendar's time, local `YYYY-MM-DDTHH:MM:SS`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CalendarSpan {
    pub calendar_id: String,
    pub start: String,
    pub end: String,
}

/// What the grid draws besides the citas over some days: each calendar's
/// closed time (shaded) and the blocks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PracticeDays {
    pub closed: Vec<CalendarSpan>,
    pub blocks: Vec<BlockView>,
}

const DAYS_ES: [&str; 7] = ["dom", "lun", "mar", "mié", "jue", "vie", "sáb"];
const DAYS_EN: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/// `lun 08:00–13:00, 14:00–19:00`, a line per day with hours, Monday first.
fn hours_lines(per_day: impl Fn(usize) -> Vec<String>, locale: Locale) -> Vec<String> {
    let names = if locale == Locale::EsPe {
        DAYS_ES
    } else {
        DAYS_EN
    };
    [1, 2, 3, 4, 5, 6, 0]
        .into_iter()
        .filter_map(|d| {
            let ranges = per_day(d);
            (!ranges.is_empty()).then(|| format!("{} {}", names[d], ranges.join(", ")))
        })
        .collect()
}

const WEEKDAYS: [&str; 7] = [
    "sunday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
];

impl Desk {
    /// The location's specialties, calendars (practitioner, specialty,
    /// rooms, hours) and rooms: the calendar picker's grouping, the room
    /// filter, and `citadesk-cli calendars`.
    pub fn practice_view(&self) -> Result<PracticeView> {
        let (location, _) = self.require_location()?;
        let locale = self.locale();
        let groups = self.store.groups(&location.id)?;
        let rooms = self.store.rooms(&location.id)?;
        let group_of: std::collections::HashMap<String, Option<String>> = self
            .store
            .calendar_group_ids(&location.id)?
            .into_iter()
            .collect();
        let columns = self.store.calendar_columns(&location.id)?;
        let rules = self
            .store
            .calendar_rules(&location.id, &LocationSettings::default())?;
        let schedules = self.store.schedules(&location.id)?;
        let calendars = columns
            .into_iter()
            .map(|col| {
                let rule = rules.iter().find(|r| r.id == col.id);
                let group_id = group_of.get(&col.id).cloned().flatten();
                let practitioner_id = rule.and_then(|r| r.practitioner_id.clone());
                let open_hours = rule
                    .map(|r| {
                        hours_lines(
                            |d| {
                                r.open_hours
                                    .iter()
                                    .filter(|o| o.days_of_the_week.contains(&(d as u8)))
                                    .flat_map(|o| o.hours.iter())
                                    .map(|h| {
                                        format!(
                                            "{:02}:{:02}–{:02}:{:02}",
                                            h.open_hour,
                                            h.open_minute,
                                            h.close_hour,
                                            h.close_minute
                                        )
                                    })
                                    .collect()
                            },
                            locale,
                        )
                    })
                    .unwrap_or_default();
                let schedule = schedules
                    .iter()
                    .filter(|s| {
                        practitioner_id.as_deref() == Some(s.user_id.as_str())
                            && s.calendar_ids.contains(&col.id)
                    })
                    .filter_map(|s| {
                        serde_json::from_str::<Vec<citadesk_ghl::ScheduleRule>>(&s.rules_json).ok()
                    })
                    .flat_map(|rules| {
                        hours_lines(
                            |d| {
                                rules
                                    .iter()
                                    .filter(|r| {
                                        r.kind == "wday" && r.day.as_deref() == Some(WEEKDAYS[d])
                                    })
                                    .flat_map(|r| r.intervals.iter())
                                    .map(|i| format!("{}–{}", i.from, i.to))
                                    .collect()
                            },
                            locale,
                        )
                    })
                    .collect();
                CalendarPractice {
                    group_name: group_id
                        .as_ref()
                        .and_then(|g| groups.iter().find(|x| &x.id == g))
                        .map(|g| g.name.clone()),
                    group_id,
                    room_ids: rooms
                        .iter()
                        .filter(|r| r.calendar_ids.contains(&col.id))
                        .map(|r| r.id.clone())
                        .collect(),
                    id: col.id,
                    name: col.name,
                    is_active: col.is_active,
                    practitioner_id,
                    practitioner: col.practitioner,
                    open_hours,
                    schedule,
                }
            })
            .collect();
        Ok(PracticeView {
            groups: groups
                .into_iter()
                .filter(|g| g.is_active)
                .map(|g| GroupView {
                    id: g.id,
                    name: g.name,
                })
                .collect(),
            calendars,
            rooms: rooms
                .into_iter()
                .map(|r| RoomView {
                    id: r.id,
                    name: r.name,
                    kind: r.kind,
                    places: r.places,
                    calendar_ids: r.calendar_ids,
                    is_active: r.is_active,
                })
                .collect(),
        })
    }

    /// Closed time and blocks from `from` (`YYYY-MM-DD`) for `days` days
    /// (at most 62), for the grid.
    pub fn practice_days(&self, from: &str, days: i64) -> Result<PracticeDays> {
        let (location, zone) = self.require_location()?;
        let settings = self.store.location_settings(&location.id)?;
        let first = time::parse_date(from)?;
        let days = days.clamp(1, 62);
        let (start, end) = time::days_range(first, days, zone);
        let practice = self.store.practice(
            &location.id,
            start.timestamp_millis(),
            end.timestamp_millis(),
        )?;
        let mut closed = Vec::new();
        for calendar in self.store.calendar_rules(&location.id, &settings)? {
            for d in 0..days {
                let day = first + chrono::Duration::days(d);
                for (a, b) in practice::closed_spans(&calendar, &practice, day, zone) {
                    closed.push(CalendarSpan {
                        calendar_id: calendar.id.clone(),
                        start: time::local_string(a, zone),
                        end: time::local_string(b, zone),
                    });
                }
            }
        }
        let blocks = self
            .store
            .blocks_between(
                &location.id,
                start.timestamp_millis(),
                end.timestamp_millis(),
            )?
            .iter()
            .map(|b| block_view(b, zone))
            .collect();
        Ok(PracticeDays { closed, blocks })
    }
}
