//! The practice around the citas, as pure rules: rooms (and equipment) with
//! their capacity, practitioners' schedules and blocked time. Each is a
//! booking finding beside the overlap rules of `booking` (warn, or refuse
//! in strict mode), and free-slot suggestions are filtered by the same
//! rules so a suggestion never lands on a block or outside a schedule.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;
use citadesk_ghl::ScheduleRule;

use crate::booking::{
    overlaps, BookedCita, BookingDraft, CalendarRules, Finding, OverlapMode, Severity,
};
use crate::error::ErrorCode;
use crate::model::Locale;

/// A room or a piece of equipment and the calendars it serves.
#[derive(Debug, Clone, PartialEq)]
pub struct Room {
    pub id: String,
    pub name: String,
    /// How many citas it holds at once.
    pub places: u32,
    pub calendar_ids: Vec<String>,
}

/// A practitioner's schedule, for the calendars it lists.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleRules {
    pub user_id: String,
    pub zone: Tz,
    pub rules: Vec<ScheduleRule>,
    pub calendar_ids: Vec<String>,
}

/// Blocked time of a calendar or of one practitioner.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub id: String,
    pub calendar_id: Option<String>,
    pub user_id: Option<String>,
    pub title: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Block {
    /// Whether it keeps `calendar` (and its practitioner) from taking citas.
    pub fn holds(&self, calendar: &CalendarRules) -> bool {
        self.calendar_id.as_deref() == Some(calendar.id.as_str())
            || (self.user_id.is_some() && self.user_id == calendar.practitioner_id)
    }
}

/// What the replica knows of the practice around a draft.
#[derive(Debug, Clone, Default)]
pub struct Practice {
    pub rooms: Vec<Room>,
    pub schedules: Vec<ScheduleRules>,
    pub blocks: Vec<Block>,
}

/// GHL's weekday names in schedule rules.
fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Sun => "sunday",
        Weekday::Mon => "monday",
        Weekday::Tue => "tuesday",
        Weekday::Wed => "wednesday",
        Weekday::Thu => "thursday",
        Weekday::Fri => "friday",
        Weekday::Sat => "saturday",
    }
}

impl ScheduleRules {
    /// Whether it governs `calendar` (its practitioner's schedule, for it).
    pub fn governs(&self, calendar: &CalendarRules) -> bool {
        calendar.practitioner_id.as_deref() == Some(self.user_id.as_str())
            && self.calendar_ids.contains(&calendar.id)
    }

    /// The open intervals of one local day, in order: a date rule replaces
    /// the weekday's rules (an empty one closes the day).
    pub fn intervals_on(&self, day: NaiveDate) -> Vec<(NaiveTime, NaiveTime)> {
        let date = day.format("%Y-%m-%d").to_string();
        let dated: Vec<&ScheduleRule> = self
            .rules
            .iter()
            .filter(|r| r.kind == "date" && r.date.as_deref() == Some(date.as_str()))
            .collect();
        let rules = if dated.is_empty() {
            let name = weekday_name(day.weekday());
            self.rules
                .iter()
                .filter(|r| r.kind == "wday" && r.day.as_deref() == Some(name))
                .collect()
        } else {
            dated
        };
        let hhmm = |s: &str| NaiveTime::parse_from_str(s, "%H:%M").ok();
        let mut out: Vec<_> = rules
            .iter()
            .flat_map(|r| r.intervals.iter())
            .filter_map(|i| Some((hhmm(&i.from)?, hhmm(&i.to)?)))
            .filter(|(from, to)| from < to)
            .collect();
        out.sort();
        out
    }

    /// Whether `[start, end)` lies inside one interval of its local day.
    pub fn allows(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
        let (s, e) = (
            start.with_timezone(&self.zone),
            end.with_timezone(&self.zone),
        );
        let day = s.date_naive();
        let at_midnight = e.time() == NaiveTime::MIN && e.date_naive() == day + Duration::days(1);
        if e.date_naive() != day && !at_midnight {
            return false;
        }
        self.intervals_on(day)
            .iter()
            .any(|(open, close)| *open <= s.time() && !at_midnight && e.time() <= *close)
    }
}

/// The most citas of `booked` running at once inside `[start, end)`.
fn busiest(booked: &[&BookedCita], start: DateTime<Utc>, end: DateTime<Utc>) -> usize {
    // +1 at each start, -1 at each end; an end sorts before a start at the
    // same instant, so back-to-back citas do not add up.
    let mut edges: Vec<(DateTime<Utc>, i32)> = booked
        .iter()
        .flat_map(|c| [(c.start.max(start), 1), (c.end.min(end), -1)])
        .collect();
    edges.sort();
    let (mut now, mut most) = (0i32, 0i32);
    for (_, step) in edges {
        now += step;
        most = most.max(now);
    }
    most.max(0) as usize
}

/// The practice's findings for a draft on `calendar`: over a block, outside
/// the practitioner's schedule, a room already full. A calendar's own
/// overlapping citas are the overlap rule's; a room counts the citas of the
/// other calendars it serves.
#[allow(clippy::too_many_arguments)]
pub fn check(
    draft: &BookingDraft,
    calendar: &CalendarRules,
    practice: &Practice,
    booked: &[BookedCita],
    zone: Tz,
    mode: OverlapMode,
    locale: Locale,
) -> Vec<Finding> {
    let es = locale == Locale::EsPe;
    let severity = if mode == OverlapMode::Strict {
        Severity::Blocking
    } else {
        Severity::Warning
    };
    let hhmm = |t: DateTime<Utc>| t.with_timezone(&zone).format("%H:%M").to_string();
    let (start, end) = (draft.start, draft.end);
    let mut out = Vec::new();
    if end <= start {
        return out;
    }
    for block in practice
        .blocks
        .iter()
        .filter(|b| b.holds(calendar) && overlaps(start, end, b.start, b.end))
    {
        out.push(Finding {
            code: ErrorCode::BookingBlockedTime,
            severity,
            message: if es {
                format!(
                    "Horario bloqueado: «{}» ({}–{}).",
                    block.title,
                    hhmm(block.start),
                    hhmm(block.end)
                )
            } else {
                format!(
                    "Blocked time: “{}” ({}–{}).",
                    block.title,
                    hhmm(block.start),
                    hhmm(block.end)
                )
            },
            conflicting_cita_id: None,
        });
    }
    if practice
        .schedules
        .iter()
        .filter(|s| s.governs(calendar))
        .any(|s| !s.allows(start, end))
    {
        out.push(Finding {
            code: ErrorCode::BookingOutsideSchedule,
            severity,
            message: if es {
                format!(
                    "{}–{} está fuera del horario del profesional de «{}».",
                    hhmm(start),
                    hhmm(end),
                    calendar.name
                )
            } else {
                format!(
                    "{}–{} is outside the practitioner's schedule for “{}”.",
                    hhmm(start),
                    hhmm(end),
                    calendar.name
                )
            },
            conflicting_cita_id: None,
        });
    }
    for room in practice
        .rooms
        .iter()
        .filter(|r| r.calendar_ids.contains(&calendar.id))
    {
        let inside: Vec<&BookedCita> = booked
            .iter()
            .filter(|c| !matches!(c.status.as_str(), "cancelled" | "invalid"))
            .filter(|c| draft.moving_cita_id.as_deref() != Some(c.id.as_str()))
            .filter(|c| c.calendar_id != calendar.id)
            .filter(|c| room.calendar_ids.contains(&c.calendar_id))
            .filter(|c| overlaps(start, end, c.start, c.end))
            .collect();
        if busiest(&inside, start, end) < room.places as usize {
            continue;
        }
        let first = inside.iter().min_by_key(|c| (c.start, c.id.as_str()));
        out.push(Finding {
            code: ErrorCode::BookingRoomFull,
            severity,
            message: match (es, first) {
                (true, Some(c)) => format!(
                    "«{}» está ocupado a esa hora (capacidad {}): «{}» ({}–{}).",
                    room.name,
                    room.places,
                    c.title,
                    hhmm(c.start),
                    hhmm(c.end)
                ),
                (false, Some(c)) => format!(
                    "“{}” is in use at that time (capacity {}): “{}” ({}–{}).",
                    room.name,
                    room.places,
                    c.title,
                    hhmm(c.start),
                    hhmm(c.end)
                ),
                (true, None) => format!("«{}» está ocupado a esa hora.", room.name),
                (false, None) => format!("“{}” is in use at that time.", room.name),
            },
            conflicting_cita_id: first.map(|c| c.id.clone()),
        });
    }
    out
}

/// Whether a suggested slot may be offered: no block holds it and every
/// schedule of the calendar's practitioner has it.
pub fn slot_allowed(
    calendar: &CalendarRules,
    practice: &Practice,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> bool {
    !practice
        .blocks
        .iter()
        .any(|b| b.holds(calendar) && overlaps(start, end, b.start, b.end))
        && practice
            .schedules
            .iter()
            .filter(|s| s.governs(calendar))
            .all(|s| s.allows(start, end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use chrono_tz::America::Lima;
    use citadesk_ghl::ScheduleInterval;

    fn lima(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        Lima.with_ymd_and_hms(2026, 11, d, h, m, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn calendar(id: &str, user: &str) -> CalendarRules {
        CalendarRules {
            id: id.into(),
            name: id.into(),
            is_active: true,
            practitioner_id: Some(user.into()),
            open_hours: vec![],
        }
    }

    fn rule(day: &str, from: &str, to: &str) -> ScheduleRule {
        ScheduleRule {
            kind: "wday".into(),
            day: Some(day.into()),
            date: None,
            intervals: vec![ScheduleInterval {
                from: from.into(),
                to: to.into(),
            }],
        }
    }

    fn cita(id: &str, cal: &str, from: DateTime<Utc>, mins: i64) -> BookedCita {
        BookedCita {
            id: id.into(),
            calendar_id: cal.into(),
            assigned_user_id: None,
            contact_id: None,
            title: format!("Cita {id}"),
            status: "confirmed".into(),
            start: from,
            end: from + Duration::minutes(mins),
        }
    }

    fn draft(cal: &str, from: DateTime<Utc>, mins: i64) -> BookingDraft {
        BookingDraft {
            calendar_id: cal.into(),
            contact_id: None,
            start: from,
            end: from + Duration::minutes(mins),
            moving_cita_id: None,
        }
    }

    fn codes(f: &[Finding]) -> Vec<&str> {
        f.iter().map(|x| x.code.as_str()).collect()
    }

    fn practice() -> Practice {
        Practice {
            rooms: vec![Room {
                id: "r1".into(),
                name: "Consultorio 1".into(),
                places: 1,
                calendar_ids: vec!["fisio".into(), "medicina".into()],
            }],
            schedules: vec![ScheduleRules {
                user_id: "u-lucia".into(),
                zone: Lima,
                // Monday 23 Nov 2026: 09:00-13:00 only.
                rules: vec![rule("monday", "09:00", "13:00")],
                calendar_ids: vec!["fisio".into()],
            }],
            blocks: vec![
                Block {
                    id: "b1".into(),
                    calendar_id: Some("fisio".into()),
                    user_id: None,
                    title: "Almuerzo".into(),
                    start: lima(23, 12, 0),
                    end: lima(23, 13, 0),
                },
                Block {
                    id: "b2".into(),
                    calendar_id: None,
                    user_id: Some("u-carlos".into()),
                    title: "Vacaciones".into(),
                    start: lima(24, 0, 0),
                    end: lima(25, 0, 0),
                },
            ],
        }
    }

    #[test]
    fn bookable_minutes_follow_the_schedule_and_leave_out_blocks_once() {
        use citadesk_ghl::models::{HourRange, OpenHours};
        let mut fisio = calendar("fisio", "u-lucia");
        fisio.open_hours = vec![OpenHours {
            days_of_the_week: vec![1, 2, 3, 4, 5],
            hours: vec![HourRange {
                open_hour: 8,
                open_minute: 0,
                close_hour: 18,
                close_minute: 0,
            }],
        }];
        let mut p = practice();
        // Monday: the schedule keeps 09:00-13:00 of 08:00-18:00; the lunch
        // block (12:00-13:00) and an overlapping one (12:30-13:30) take
        // 12:00-13:00 once: 3 hours left.
        p.blocks.push(Block {
            id: "b3".into(),
            calendar_id: Some("fisio".into()),
            user_id: None,
            title: "Reunión".into(),
            start: lima(23, 12, 30),
            end: lima(23, 13, 30),
        });
        let monday = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(bookable_minutes(&fisio, &p, monday, Lima), 180);
        // Tuesday: whatever the schedule allows that day, with no block.
        let tuesday = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let open_tuesday: i64 = open_spans(&fisio, &p, tuesday, Lima)
            .iter()
            .map(|(a, b)| (*b - *a).num_minutes())
            .sum();
        assert_eq!(bookable_minutes(&fisio, &p, tuesday, Lima), open_tuesday);
        // Without a schedule or blocks: the open hours whole (10 hours).
        let plain = Practice::default();
        assert_eq!(bookable_minutes(&fisio, &plain, monday, Lima), 600);
        // Saturday: closed.
        let saturday = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        assert_eq!(bookable_minutes(&fisio, &plain, saturday, Lima), 0);
    }

    fn run(
        cal: &CalendarRules,
        d: &BookingDraft,
        booked: &[BookedCita],
        mode: OverlapMode,
    ) -> Vec<Finding> {
        check(d, cal, &practice(), booked, Lima, mode, Locale::EsPe)
    }

    #[test]
    fn a_booking_over_a_block_warns_or_is_refused_in_strict_mode() {
        let fisio = calendar("fisio", "u-lucia");
        let f = run(
            &fisio,
            &draft("fisio", lima(23, 11, 30), 45),
            &[],
            OverlapMode::Flexible,
        );
        assert_eq!(codes(&f), ["booking.blocked_time"]);
        assert_eq!(f[0].severity, Severity::Warning);
        assert!(
            f[0].message.contains("«Almuerzo» (12:00–13:00)"),
            "{}",
            f[0].message
        );
        // Past the schedule's 13:00 too: both.
        let f = run(
            &fisio,
            &draft("fisio", lima(23, 12, 30), 45),
            &[],
            OverlapMode::Flexible,
        );
        assert_eq!(
            codes(&f),
            ["booking.blocked_time", "booking.outside_schedule"]
        );
        let f = run(
            &fisio,
            &draft("fisio", lima(23, 11, 45), 30),
            &[],
            OverlapMode::Strict,
        );
        assert_eq!(codes(&f), ["booking.blocked_time"]);
        assert_eq!(f[0].severity, Severity::Blocking);
        // Back to back with the block: fine.
        assert!(run(
            &fisio,
            &draft("fisio", lima(23, 11, 15), 45),
            &[],
            OverlapMode::Strict
        )
        .is_empty());
        // A practitioner's block holds every calendar they book.
        let medicina = calendar("medicina", "u-carlos");
        let f = run(
            &medicina,
            &draft("medicina", lima(24, 10, 0), 30),
            &[],
            OverlapMode::Flexible,
        );
        assert_eq!(codes(&f), ["booking.blocked_time"]);
        assert!(f[0].message.contains("Vacaciones"));
    }

    #[test]
    fn outside_the_practitioners_schedule_is_a_finding() {
        let fisio = calendar("fisio", "u-lucia");
        let f = check(
            &draft("fisio", lima(23, 14, 0), 30),
            &fisio,
            &practice(),
            &[],
            Lima,
            OverlapMode::Flexible,
            Locale::En,
        );
        assert_eq!(codes(&f), ["booking.outside_schedule"]);
        assert!(f[0].message.contains("practitioner's schedule"));
        // Tuesday has no rule: closed.
        let f = run(
            &fisio,
            &draft("fisio", lima(24, 10, 0), 30),
            &[],
            OverlapMode::Flexible,
        );
        assert_eq!(codes(&f), ["booking.outside_schedule"]);
        // A date rule replaces the weekday's.
        let mut p = practice();
        p.schedules[0].rules.push(ScheduleRule {
            kind: "date".into(),
            day: None,
            date: Some("2026-11-24".into()),
            intervals: vec![ScheduleInterval {
                from: "08:00".into(),
                to: "10:00".into(),
            }],
        });
        let ok = check(
            &draft("fisio", lima(24, 9, 0), 30),
            &fisio,
            &p,
            &[],
            Lima,
            OverlapMode::Strict,
            Locale::EsPe,
        );
        assert!(ok.is_empty(), "{ok:?}");
        // A schedule for another calendar does not apply.
        let other = calendar("fisio-2", "u-lucia");
        assert!(check(
            &draft("fisio-2", lima(24, 15, 0), 30),
            &other,
            &practice(),
            &[],
            Lima,
            OverlapMode::Strict,
            Locale::EsPe
        )
        .is_empty());
    }

    #[test]
    fn a_room_used_beyond_its_capacity_is_a_finding() {
        let medicina = calendar("medicina", "u-carlos");
        let booked = [cita("a", "fisio", lima(23, 10, 0), 45)];
        let f = run(
            &medicina,
            &draft("medicina", lima(23, 10, 30), 30),
            &booked,
            OverlapMode::Flexible,
        );
        assert_eq!(codes(&f), ["booking.room_full"]);
        assert_eq!(f[0].conflicting_cita_id.as_deref(), Some("a"));
        assert!(f[0].message.contains("Consultorio 1"), "{}", f[0].message);
        // Capacity 2: one other cita leaves room.
        let mut p = practice();
        p.rooms[0].places = 2;
        assert!(check(
            &draft("medicina", lima(23, 10, 30), 30),
            &medicina,
            &p,
            &booked,
            Lima,
            OverlapMode::Strict,
            Locale::EsPe
        )
        .is_empty());
        // Two citas one after the other are one at a time.
        let two = [
            cita("a", "fisio", lima(23, 10, 0), 30),
            cita("b", "fisio", lima(23, 10, 30), 30),
        ];
        assert!(check(
            &draft("medicina", lima(23, 10, 0), 60),
            &medicina,
            &p,
            &two,
            Lima,
            OverlapMode::Strict,
            Locale::EsPe
        )
        .is_empty());
        // Cancelled citas, the moved cita and the calendar's own citas do not count.
        let mut gone = cita("c", "fisio", lima(23, 10, 0), 60);
        gone.status = "cancelled".into();
        let own = cita("d", "medicina", lima(23, 10, 0), 60);
        assert!(run(
            &medicina,
            &draft("medicina", lima(23, 10, 0), 30),
            &[gone, own],
            OverlapMode::Strict
        )
        .is_empty());
        let mut moving = draft("medicina", lima(23, 10, 0), 30);
        let mine = cita("e", "fisio", lima(23, 10, 0), 30);
        moving.moving_cita_id = Some("e".into());
        assert!(run(&medicina, &moving, &[mine], OverlapMode::Strict).is_empty());
    }

    #[test]
    fn suggestions_skip_blocks_and_follow_schedules() {
        let fisio = calendar("fisio", "u-lucia");
        let p = practice();
        assert!(slot_allowed(&fisio, &p, lima(23, 9, 0), lima(23, 9, 45)));
        assert!(!slot_allowed(&fisio, &p, lima(23, 12, 0), lima(23, 12, 45)));
        assert!(!slot_allowed(&fisio, &p, lima(23, 13, 0), lima(23, 13, 45)));
        assert!(!slot_allowed(&fisio, &p, lima(23, 8, 0), lima(23, 8, 45)));
    }
}

/// A calendar's open time on one local day, as instants: its open hours
/// (the fallback filled in) narrowed by every schedule that governs it.
pub fn open_spans(
    calendar: &CalendarRules,
    practice: &Practice,
    day: NaiveDate,
    zone: Tz,
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let at = |z: Tz, t: NaiveTime| crate::time::local_to_utc(day.and_time(t), z);
    let weekday = day.weekday().num_days_from_sunday() as u8;
    let mut open: Vec<(DateTime<Utc>, DateTime<Utc>)> = calendar
        .open_hours
        .iter()
        .filter(|o| o.days_of_the_week.contains(&weekday))
        .flat_map(|o| o.hours.iter())
        .filter_map(|h| {
            let from = NaiveTime::from_hms_opt(h.open_hour.into(), h.open_minute.into(), 0)?;
            let to = NaiveTime::from_hms_opt(h.close_hour.into(), h.close_minute.into(), 0)?;
            Some((at(zone, from)?, at(zone, to)?))
        })
        .filter(|(a, b)| a < b)
        .collect();
    open.sort();
    for schedule in practice.schedules.iter().filter(|s| s.governs(calendar)) {
        let allowed: Vec<_> = schedule
            .intervals_on(day)
            .into_iter()
            .filter_map(|(a, b)| Some((at(schedule.zone, a)?, at(schedule.zone, b)?)))
            .collect();
        open = open
            .iter()
            .flat_map(|&(a0, a1)| {
                allowed
                    .iter()
                    .map(move |&(b0, b1)| (a0.max(b0), a1.min(b1)))
                    .filter(|(s, e)| s < e)
            })
            .collect();
        open.sort();
    }
    open
}

/// Minutes `calendar` can be booked on one local day: its open time
/// (schedules applied) less the blocks that hold it (overlapping blocks
/// counted once). The month's free capacity.
pub fn bookable_minutes(
    calendar: &CalendarRules,
    practice: &Practice,
    day: NaiveDate,
    zone: Tz,
) -> i64 {
    let mut total = 0;
    for (a, b) in open_spans(calendar, practice, day, zone) {
        let mut cuts: Vec<(DateTime<Utc>, DateTime<Utc>)> = practice
            .blocks
            .iter()
            .filter(|k| k.holds(calendar))
            .map(|k| (k.start.max(a), k.end.min(b)))
            .filter(|(s, e)| s < e)
            .collect();
        cuts.sort();
        let (mut blocked, mut cursor) = (0, a);
        for (s, e) in cuts {
            let s = s.max(cursor);
            if e > s {
                blocked += (e - s).num_minutes();
                cursor = e;
            }
        }
        total += (b - a).num_minutes() - blocked;
    }
    total
}

/// The closed time of one local day: what `open_spans` leaves out of it.
pub fn closed_spans(
    calendar: &CalendarRules,
    practice: &Practice,
    day: NaiveDate,
    zone: Tz,
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let (mut from, end) = crate::time::days_range(day, 1, zone);
    let mut out = Vec::new();
    for (a, b) in open_spans(calendar, practice, day, zone) {
        if a > from {
            out.push((from, a));
        }
        from = from.max(b);
    }
    if from < end {
        out.push((from, end));
    }
    out
}

#[cfg(test)]
mod spans {
    use super::*;
    use chrono::TimeZone;
    use chrono_tz::America::Lima;
    use citadesk_ghl::models::{HourRange, OpenHours};
    use citadesk_ghl::ScheduleInterval;

    #[test]
    fn closed_time_is_outside_open_hours_and_the_schedule() {
        let calendar = CalendarRules {
            id: "medicina".into(),
            name: "Medicina".into(),
            is_active: true,
            practitioner_id: Some("u".into()),
            open_hours: vec![OpenHours {
                days_of_the_week: vec![1],
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
                        close_minute: 0,
                    },
                ],
            }],
        };
        let at = |h: u32, m: u32| {
            Lima.with_ymd_and_hms(2026, 11, 23, h, m, 0)
                .unwrap()
                .with_timezone(&Utc)
        };
        let monday = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let mut practice = Practice::default();
        let closed = closed_spans(&calendar, &practice, monday, Lima);
        assert_eq!(
            closed,
            vec![
                (at(0, 0), at(8, 0)),
                (at(13, 0), at(14, 0)),
                (at(19, 0), at(0, 0) + Duration::days(1))
            ]
        );
        practice.schedules.push(ScheduleRules {
            user_id: "u".into(),
            zone: Lima,
            rules: vec![ScheduleRule {
                kind: "wday".into(),
                day: Some("monday".into()),
                date: None,
                intervals: vec![ScheduleInterval {
                    from: "10:00".into(),
                    to: "16:00".into(),
                }],
            }],
            calendar_ids: vec!["medicina".into()],
        });
        assert_eq!(
            open_spans(&calendar, &practice, monday, Lima),
            vec![(at(10, 0), at(13, 0)), (at(14, 0), at(16, 0))]
        );
        // Tuesday: closed all day.
        let tuesday = monday + Duration::days(1);
        assert_eq!(closed_spans(&calendar, &practice, tuesday, Lima).len(), 1);
    }
}
