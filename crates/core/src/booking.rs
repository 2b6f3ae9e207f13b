//! The booking rules of DESIGN.md, as pure functions the app and the CLI
//! share: they run on every keystroke of the booking dialog, locally, so
//! they take what the replica holds and do no I/O.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Timelike, Utc};
use chrono_tz::Tz;
use citadesk_ghl::models::{HourRange, OpenHours};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::ErrorCode;
use crate::model::Locale;
use crate::time::parse_hhmm;

/// Citas shorter than this are refused.
pub const MIN_MINUTES: i64 = 15;

/// Open hours used when GHL gives a calendar none.
pub const FALLBACK_OPEN: (u32, u32) = (8, 20);

/// Whether warnings may be overridden (flexible) or block (strict); a
/// location setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum OverlapMode {
    #[default]
    Flexible,
    Strict,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Severity {
    /// Shown before saving; the receptionist may go ahead (recorded in the audit log).
    Warning,
    /// Saving is not possible.
    Blocking,
}

/// One thing wrong with a booking, with a stable code and a message in the
/// user's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Finding {
    pub code: crate::error::ErrorCode,
    pub severity: Severity,
    pub message: String,
    /// The cita it collides with, for overlaps.
    pub conflicting_cita_id: Option<String>,
}

/// What the rules need to know about a calendar.
#[derive(Debug, Clone)]
pub struct CalendarRules {
    pub id: String,
    pub name: String,
    pub is_active: bool,
    /// The practitioner (GHL user) the calendar books.
    pub practitioner_id: Option<String>,
    pub open_hours: Vec<OpenHours>,
}

/// A cita already in the agenda.
#[derive(Debug, Clone)]
pub struct BookedCita {
    pub id: String,
    pub calendar_id: String,
    pub assigned_user_id: Option<String>,
    pub contact_id: Option<String>,
    pub title: String,
    pub status: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// The booking being typed in (or a move of `moving_cita_id`).
#[derive(Debug, Clone)]
pub struct BookingDraft {
    pub calendar_id: String,
    pub contact_id: Option<String>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// When moving a cita, it does not collide with itself.
    pub moving_cita_id: Option<String>,
}

/// `[a0, a1)` and `[b0, b1)` share time. Back-to-back citas do not.
pub fn overlaps(
    a0: DateTime<Utc>,
    a1: DateTime<Utc>,
    b0: DateTime<Utc>,
    b1: DateTime<Utc>,
) -> bool {
    a0 < b1 && b0 < a1
}

/// True when `[start, end)` lies inside one open range of its local day.
/// GHL numbers days 0 (Sunday) to 6; a cita crossing midnight is outside.
pub fn within_open_hours(
    open: &[OpenHours],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    zone: Tz,
) -> bool {
    let (s, e) = (start.with_timezone(&zone), end.with_timezone(&zone));
    let same_day = s.date_naive() == e.date_naive()
        || (e.time() == NaiveTime::MIN && e.date_naive() == s.date_naive() + Duration::days(1));
    if !same_day {
        return false;
    }
    let from = s.hour() * 60 + s.minute();
    let to = if e.date_naive() != s.date_naive() {
        24 * 60
    } else {
        e.hour() * 60 + e.minute()
    };
    let weekday = s.weekday().num_days_from_sunday() as u8;
    if open.is_empty() {
        return from >= FALLBACK_OPEN.0 * 60 && to <= FALLBACK_OPEN.1 * 60;
    }
    open.iter()
        .filter(|o| o.days_of_the_week.contains(&weekday))
        .flat_map(|o| o.hours.iter())
        .any(|h| {
            let open_at = h.open_hour as u32 * 60 + h.open_minute as u32;
            let close_at = h.close_hour as u32 * 60 + h.close_minute as u32;
            from >= open_at && to <= close_at
        })
}

/// Minutes `open` gives on `date` (GHL numbers days 0 = Sunday).
pub(crate) fn open_minutes_on(open: &[OpenHours], date: NaiveDate) -> i64 {
    let weekday = date.weekday().num_days_from_sunday() as u8;
    open.iter()
        .filter(|o| o.days_of_the_week.contains(&weekday))
        .flat_map(|o| &o.hours)
        .map(|h| {
            let from = i64::from(h.open_hour) * 60 + i64::from(h.open_minute);
            let to = i64::from(h.close_hour) * 60 + i64::from(h.close_minute);
            (to - from).max(0)
        })
        .sum()
}

fn is_cancelled(status: &str) -> bool {
    matches!(status, "cancelled" | "invalid")
}

/// Every rule of DESIGN.md against a draft, most serious first.
pub fn check(
    draft: &BookingDraft,
    calendars: &[CalendarRules],
    booked: &[BookedCita],
    zone: Tz,
    mode: OverlapMode,
    locale: Locale,
) -> Vec<Finding> {
    let es = locale == Locale::EsPe;
    let soft = if mode == OverlapMode::Strict {
        Severity::Blocking
    } else {
        Severity::Warning
    };
    let mut out = Vec::new();
    let mut push = |code: ErrorCode, severity, message: String, with: Option<&BookedCita>| {
        out.push(Finding {
            code,
            severity,
            message,
            conflicting_cita_id: with.map(|c| c.id.clone()),
        })
    };
    let hhmm = |t: DateTime<Utc>| t.with_timezone(&zone).format("%H:%M").to_string();

    let Some(calendar) = calendars.iter().find(|c| c.id == draft.calendar_id) else {
        push(
            ErrorCode::BookingCalendarUnknown,
            Severity::Blocking,
            if es {
                "El calendario no existe en esta sede. Sincronice y elija otro.".into()
            } else {
                "This calendar does not exist at this location. Sync and choose another.".into()
            },
            None,
        );
        return out;
    };
    if !calendar.is_active {
        push(
            ErrorCode::BookingCalendarInactive,
            Severity::Blocking,
            if es {
                format!("El calendario «{}» está inactivo en GHL.", calendar.name)
            } else {
                format!("The calendar “{}” is inactive in GHL.", calendar.name)
            },
            None,
        );
    }
    if draft.end <= draft.start {
        push(
            ErrorCode::BookingEndBeforeStart,
            Severity::Blocking,
            if es {
                "La hora de fin debe ser posterior a la de inicio.".into()
            } else {
                "The end time must be after the start time.".into()
            },
            None,
        );
        return out;
    }
    let minutes = (draft.end - draft.start).num_minutes();
    if minutes < MIN_MINUTES {
        push(
            ErrorCode::BookingTooShort,
            Severity::Blocking,
            if es {
                format!("La cita dura {minutes} min; el mínimo es {MIN_MINUTES} min.")
            } else {
                format!("The cita lasts {minutes} min; the minimum is {MIN_MINUTES} min.")
            },
            None,
        );
    }
    if !within_open_hours(&calendar.open_hours, draft.start, draft.end, zone) {
        push(
            ErrorCode::BookingOutsideHours,
            soft,
            if es {
                format!(
                    "{}–{} está fuera del horario de atención de «{}».",
                    hhmm(draft.start),
                    hhmm(draft.end),
                    calendar.name
                )
            } else {
                format!(
                    "{}–{} is outside “{}”'s opening hours.",
                    hhmm(draft.start),
                    hhmm(draft.end),
                    calendar.name
                )
            },
            None,
        );
    }
    let active = booked.iter().filter(|c| {
        !is_cancelled(&c.status)
            && draft.moving_cita_id.as_deref() != Some(c.id.as_str())
            && overlaps(draft.start, draft.end, c.start, c.end)
    });
    for other in active {
        let same_calendar = other.calendar_id == draft.calendar_id;
        let same_practitioner = calendar.practitioner_id.is_some()
            && (other.assigned_user_id == calendar.practitioner_id
                || calendars
                    .iter()
                    .find(|c| c.id == other.calendar_id)
                    .is_some_and(|c| c.practitioner_id == calendar.practitioner_id));
        if same_calendar || same_practitioner {
            push(
                ErrorCode::BookingOverlap,
                soft,
                if es {
                    format!(
                        "Se cruza con «{}» ({}–{}).",
                        other.title,
                        hhmm(other.start),
                        hhmm(other.end)
                    )
                } else {
                    format!(
                        "Overlaps “{}” ({}–{}).",
                        other.title,
                        hhmm(other.start),
                        hhmm(other.end)
                    )
                },
                Some(other),
            );
        } else if draft.contact_id.is_some() && other.contact_id == draft.contact_id {
            push(
                ErrorCode::BookingPatientOverlap,
                soft,
                if es {
                    format!(
                        "El paciente ya tiene «{}» a esa hora ({}–{}).",
                        other.title,
                        hhmm(other.start),
                        hhmm(other.end)
                    )
                } else {
                    format!(
                        "The patient already has “{}” at that time ({}–{}).",
                        other.title,
                        hhmm(other.start),
                        hhmm(other.end)
                    )
                },
                Some(other),
            );
        }
    }
    out.sort_by_key(|f| f.severity != Severity::Blocking);
    out
}

/// Whether the draft may be saved: nothing blocks. Warnings are allowed
/// and must be overridden explicitly (and audited) by the caller.
pub fn can_save(findings: &[Finding]) -> bool {
    findings.iter().all(|f| f.severity == Severity::Warning)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use chrono_tz::America::Lima;
    use citadesk_ghl::models::HourRange;

    fn lima(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        Lima.with_ymd_and_hms(2026, 11, d, h, m, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn weekdays_9_to_18() -> Vec<OpenHours> {
        vec![OpenHours {
            days_of_the_week: vec![1, 2, 3, 4, 5],
            hours: vec![HourRange {
                open_hour: 9,
                open_minute: 0,
                close_hour: 18,
                close_minute: 0,
            }],
        }]
    }

    fn calendars() -> Vec<CalendarRules> {
        vec![
            CalendarRules {
                id: "fisio".into(),
                name: "Fisioterapia".into(),
                is_active: true,
                practitioner_id: Some("u-lucia".into()),
                open_hours: weekdays_9_to_18(),
            },
            CalendarRules {
                id: "fisio-2".into(),
                name: "Fisioterapia (sede 2)".into(),
                is_active: true,
                practitioner_id: Some("u-lucia".into()),
                open_hours: vec![],
            },
            CalendarRules {
                id: "nutri".into(),
                name: "Nutrición".into(),
                is_active: false,
                practitioner_id: Some("u-rosa".into()),
                open_hours: vec![],
            },
        ]
    }

    fn cita(
        id: &str,
        cal: &str,
        contact: &str,
        from: DateTime<Utc>,
        mins: i64,
        status: &str,
    ) -> BookedCita {
        BookedCita {
            id: id.into(),
            calendar_id: cal.into(),
            assigned_user_id: None,
            contact_id: Some(contact.into()),
            title: format!("Cita {id}"),
            status: status.into(),
            start: from,
            end: from + Duration::minutes(mins),
        }
    }

    fn draft(cal: &str, contact: &str, from: DateTime<Utc>, mins: i64) -> BookingDraft {
        BookingDraft {
            calendar_id: cal.into(),
            contact_id: Some(contact.into()),
            start: from,
            end: from + Duration::minutes(mins),
            moving_cita_id: None,
        }
    }

    /// The rules for the demo-like calendars, in Lima, in Spanish.
    fn run(d: &BookingDraft, booked: &[BookedCita], mode: OverlapMode) -> Vec<Finding> {
        check(d, &calendars(), booked, Lima, mode, Locale::EsPe)
    }

    fn codes(f: &[Finding]) -> Vec<&str> {
        f.iter().map(|x| x.code.as_str()).collect()
    }

    // Monday 23 Nov 2026.
    #[test]
    fn a_clean_booking_has_no_findings() {
        let booked = [cita("a", "fisio", "p1", lima(23, 9, 0), 30, "confirmed")];
        // Back to back with "a": fine.
        let f = run(
            &draft("fisio", "p2", lima(23, 9, 30), 30),
            &booked,
            OverlapMode::Strict,
        );
        assert!(f.is_empty(), "{f:?}");
    }

    #[test]
    fn overlap_in_the_calendar_warns_or_blocks_by_mode() {
        let booked = [cita("a", "fisio", "p1", lima(23, 9, 0), 45, "confirmed")];
        let d = draft("fisio", "p2", lima(23, 9, 30), 30);
        let f = run(&d, &booked, OverlapMode::Flexible);
        assert_eq!(codes(&f), ["booking.overlap"]);
        assert_eq!(f[0].severity, Severity::Warning);
        assert_eq!(f[0].conflicting_cita_id.as_deref(), Some("a"));
        assert!(f[0].message.contains("09:00–09:45"), "{}", f[0].message);
        assert!(can_save(&f));
        let f = check(
            &d,
            &calendars(),
            &booked,
            Lima,
            OverlapMode::Strict,
            Locale::En,
        );
        assert_eq!(f[0].severity, Severity::Blocking);
        assert!(f[0].message.starts_with("Overlaps"));
        assert!(!can_save(&f));
    }

    #[test]
    fn the_same_practitioner_in_another_calendar_overlaps() {
        let booked = [cita("a", "fisio-2", "p1", lima(23, 10, 0), 60, "new")];
        let f = run(
            &draft("fisio", "p2", lima(23, 10, 30), 30),
            &booked,
            OverlapMode::Flexible,
        );
        assert_eq!(codes(&f), ["booking.overlap"]);
    }

    #[test]
    fn the_same_patient_elsewhere_overlaps() {
        let booked = [cita("a", "nutri", "p1", lima(23, 10, 0), 60, "confirmed")];
        let f = run(
            &draft("fisio", "p1", lima(23, 10, 30), 30),
            &booked,
            OverlapMode::Flexible,
        );
        assert_eq!(codes(&f), ["booking.patient_overlap"]);
        assert!(f[0].message.contains("paciente"));
    }

    #[test]
    fn cancelled_citas_and_the_moved_cita_itself_do_not_collide() {
        let booked = [
            cita("gone", "fisio", "p1", lima(23, 10, 0), 60, "cancelled"),
            cita("me", "fisio", "p2", lima(23, 10, 0), 60, "confirmed"),
        ];
        let mut d = draft("fisio", "p2", lima(23, 10, 30), 30);
        d.moving_cita_id = Some("me".into());
        assert!(run(&d, &booked, OverlapMode::Strict).is_empty());
    }

    #[test]
    fn hours_length_and_calendar_rules() {
        let none: [BookedCita; 0] = [];
        // 08:30 is before 09:00 opening.
        let f = run(
            &draft("fisio", "p", lima(23, 8, 30), 30),
            &none,
            OverlapMode::Flexible,
        );
        assert_eq!(codes(&f), ["booking.outside_hours"]);
        // Saturday: closed.
        let f = run(
            &draft("fisio", "p", lima(28, 10, 0), 30),
            &none,
            OverlapMode::Flexible,
        );
        assert_eq!(codes(&f), ["booking.outside_hours"]);
        // Fallback 08:00-20:00 when GHL gives no hours; 19:45-20:15 runs past it.
        let f = run(
            &draft("fisio-2", "p", lima(28, 19, 45), 30),
            &none,
            OverlapMode::Flexible,
        );
        assert_eq!(codes(&f), ["booking.outside_hours"]);
        let f = run(
            &draft("fisio", "p", lima(23, 10, 0), 10),
            &none,
            OverlapMode::Flexible,
        );
        assert_eq!(codes(&f), ["booking.too_short"]);
        assert!(!can_save(&f));
        let mut d = draft("fisio", "p", lima(23, 10, 0), 30);
        d.end = d.start - Duration::minutes(5);
        assert_eq!(
            codes(&run(&d, &none, OverlapMode::Flexible)),
            ["booking.end_before_start"]
        );
        let f = run(
            &draft("nutri", "p", lima(23, 10, 0), 30),
            &none,
            OverlapMode::Flexible,
        );
        assert_eq!(codes(&f), ["booking.calendar_inactive"]);
        let f = run(
            &draft("nope", "p", lima(23, 10, 0), 30),
            &none,
            OverlapMode::Flexible,
        );
        assert_eq!(codes(&f), ["booking.calendar_unknown"]);
    }

    #[test]
    fn blocking_findings_come_first() {
        let booked = [cita("a", "fisio", "p1", lima(23, 10, 0), 60, "confirmed")];
        let f = run(
            &draft("fisio", "p2", lima(23, 10, 0), 10),
            &booked,
            OverlapMode::Flexible,
        );
        assert_eq!(codes(&f), ["booking.too_short", "booking.overlap"]);
    }
}

/// The reconciliation's default window: yesterday, today and 29 days
/// ahead, 31 days in all, which GHL lists in one call per calendar.
pub const RECONCILE_DAYS_BACK: i64 = 1;
pub const RECONCILE_DAYS_AHEAD: i64 = 29;

/// A location's front-desk settings. The zone always comes from GHL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LocationSettings {
    pub overlap_mode: OverlapMode,
    pub default_calendar_id: Option<String>,
    /// `HH:MM`, used for calendars GHL gives no open hours.
    pub fallback_open: String,
    pub fallback_close: String,
    /// `HH:MM` local: the daily reconciliation.
    pub reconcile_at: String,
    #[ts(type = "number")]
    pub reconcile_days_back: i64,
    #[ts(type = "number")]
    pub reconcile_days_ahead: i64,
}

impl Default for LocationSettings {
    fn default() -> Self {
        Self {
            overlap_mode: OverlapMode::Flexible,
            default_calendar_id: None,
            fallback_open: "08:00".into(),
            fallback_close: "20:00".into(),
            reconcile_at: "06:30".into(),
            reconcile_days_back: RECONCILE_DAYS_BACK,
            reconcile_days_ahead: RECONCILE_DAYS_AHEAD,
        }
    }
}

pub(crate) fn fallback_hours(s: &LocationSettings) -> Vec<OpenHours> {
    let (Ok(open), Ok(close)) = (parse_hhmm(&s.fallback_open), parse_hhmm(&s.fallback_close))
    else {
        return Vec::new();
    };
    use chrono::Timelike;
    vec![OpenHours {
        days_of_the_week: (0..7).collect(),
        hours: vec![HourRange {
            open_hour: open.hour() as _,
            open_minute: open.minute() as _,
            close_hour: close.hour() as _,
            close_minute: close.minute() as _,
        }],
    }]
}
