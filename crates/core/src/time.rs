//! Zone arithmetic. Times are stored as UTC instants and shown in the
//! location's IANA zone; day and week bounds are computed in that zone so a
//! daylight-saving change never shifts or duplicates a cita.

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc,
};
use chrono_tz::Tz;

use crate::error::{CoreError, Result};
use crate::messages;

pub fn parse_zone(name: &str) -> Result<Tz> {
    name.parse::<Tz>()
        .map_err(|_| CoreError::InvalidZone(name.to_string()))
}

/// Dates from outside stay within these years (chrono panics near its own
/// limits, and no cita is booked centuries away).
pub const MIN_YEAR: i32 = 2000;
pub const MAX_YEAR: i32 = 2199;
/// A cita lasts at most a day.
pub const MAX_CITA_MINUTES: i64 = 24 * 60;

pub fn parse_date(s: &str) -> Result<NaiveDate> {
    let date = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| CoreError::InvalidDate(s.to_string()))?;
    check_date(date).map_err(|_| messages::date_out_of_range(s, MIN_YEAR, MAX_YEAR))
}

/// A date given from outside, refused outside `MIN_YEAR..=MAX_YEAR`.
pub fn check_date(date: NaiveDate) -> Result<NaiveDate> {
    if (MIN_YEAR..=MAX_YEAR).contains(&date.year()) {
        Ok(date)
    } else {
        Err(messages::date_out_of_range(date, MIN_YEAR, MAX_YEAR))
    }
}

/// A reconciliation window: 0 to 60 days back, 0 to 365 ahead.
pub fn check_window(days_back: i64, days_ahead: i64) -> Result<()> {
    if (0..=60).contains(&days_back) && (0..=365).contains(&days_ahead) {
        Ok(())
    } else {
        Err(messages::input_invalid_window())
    }
}

/// A cita's length: 1 to `MAX_CITA_MINUTES`.
pub fn cita_minutes(minutes: i64) -> Result<Duration> {
    if (1..=MAX_CITA_MINUTES).contains(&minutes) {
        Ok(Duration::minutes(minutes))
    } else {
        Err(messages::invalid_duration(minutes, MAX_CITA_MINUTES))
    }
}

/// A block's length: a minute to 31 days (a vacation; GHL lists at most
/// 31 days at once).
pub fn block_minutes(minutes: i64) -> Result<Duration> {
    const MAX_BLOCK_MINUTES: i64 = 31 * 24 * 60;
    if (1..=MAX_BLOCK_MINUTES).contains(&minutes) {
        Ok(Duration::minutes(minutes))
    } else {
        Err(messages::invalid_duration(minutes, MAX_BLOCK_MINUTES))
    }
}

/// A length as typed, checked as it is typed: zero or negative are left to
/// the booking rules (they say why), beyond a day is refused.
pub fn typed_minutes(minutes: i64) -> Result<Duration> {
    if minutes.unsigned_abs() <= MAX_CITA_MINUTES as u64 {
        Ok(Duration::minutes(minutes))
    } else {
        Err(messages::invalid_duration(minutes, MAX_CITA_MINUTES))
    }
}

/// Reads a GHL time. Events carry an offset (`2026-11-23T09:00:00-05:00`);
/// some responses (contact appointments) carry none, and those are wall
/// times in the location's zone.
pub fn parse_ghl_time(s: &str, zone: Tz) -> Result<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(s, fmt) {
            return local_to_utc(naive, zone).ok_or_else(|| CoreError::InvalidTime(s.to_string()));
        }
    }
    Err(CoreError::InvalidTime(s.to_string()))
}

/// A wall time in `zone` as a UTC instant. In a DST gap the wall time does
/// not exist; it is moved forward past the gap, as clocks are.
pub fn local_to_utc(naive: NaiveDateTime, zone: Tz) -> Option<DateTime<Utc>> {
    match zone.from_local_datetime(&naive) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, _) => Some(first.with_timezone(&Utc)),
        LocalResult::None => {
            (1..=4).find_map(
                |h| match zone.from_local_datetime(&(naive + Duration::hours(h))) {
                    LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => {
                        Some(t.with_timezone(&Utc))
                    }
                    LocalResult::None => None,
                },
            )
        }
    }
}

/// The first instant of `date` in `zone`.
pub fn start_of_day(date: NaiveDate, zone: Tz) -> DateTime<Utc> {
    local_to_utc(date.and_hms_opt(0, 0, 0).expect("midnight"), zone).expect("a day has a start")
}

/// Monday of the week that holds `date`.
pub fn monday_of(date: NaiveDate) -> NaiveDate {
    date - Duration::days(date.weekday().num_days_from_monday() as i64)
}

/// `[start, end)` in UTC of the local days `from ..= to - 1`.
pub fn days_range(from: NaiveDate, days: i64, zone: Tz) -> (DateTime<Utc>, DateTime<Utc>) {
    (
        start_of_day(from, zone),
        start_of_day(from + Duration::days(days), zone),
    )
}

pub fn today_in(zone: Tz, now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&zone).date_naive()
}

/// `YYYY-MM-DDTHH:MM:SS` wall time in `zone`, for the UI.
pub fn local_string(t: DateTime<Utc>, zone: Tz) -> String {
    naive_string(t.with_timezone(&zone).naive_local())
}

/// RFC 3339 in UTC with a `Z` (`2026-11-23T14:00:00Z`).
pub fn utc_string(t: DateTime<Utc>) -> String {
    let mut s = naive_string(t.naive_utc());
    s.push('Z');
    s
}

// Written by hand: the week view formats thousands of these per read and
// chrono's `format` parses its pattern every time.
fn naive_string(n: NaiveDateTime) -> String {
    use chrono::Timelike;
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        n.year(),
        n.month(),
        n.day(),
        n.hour(),
        n.minute(),
        n.second()
    )
}

pub fn hhmm(t: DateTime<Utc>, zone: Tz) -> String {
    t.with_timezone(&zone).format("%H:%M").to_string()
}

pub fn from_ms(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

/// Splits `[start, end)` into windows of at most `max_days` (GHL caps event
/// listings at 31 days).
pub fn windows(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    max_days: i64,
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let mut out = Vec::new();
    let mut from = start;
    while from < end {
        let to = (from + Duration::days(max_days)).min(end);
        out.push((from, to));
        from = to;
    }
    out
}

pub fn parse_hhmm(s: &str) -> Result<NaiveTime> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M").map_err(|_| messages::invalid_time(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lima_offset_and_local_strings() {
        let lima = parse_zone("America/Lima").unwrap();
        let t = parse_ghl_time("2026-11-23T09:00:00-05:00", lima).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-23T14:00:00+00:00");
        assert_eq!(local_string(t, lima), "2026-11-23T09:00:00");
        assert_eq!(utc_string(t), "2026-11-23T14:00:00Z");
        assert_eq!(utc_string(t), "2026-11-23T14:00:00Z");
        // A time without offset is a wall time in the location's zone.
        let t2 = parse_ghl_time("2026-11-23T09:00:00", lima).unwrap();
        assert_eq!(t, t2);
        assert!(parse_ghl_time("mañana", lima).is_err());
    }

    #[test]
    fn week_bounds_across_dst() {
        // America/Santiago leaves DST on 2026-04-05 (clocks go back at 00:00),
        // and enters it on 2026-09-06 (00:00 does not exist that day).
        let scl = parse_zone("America/Santiago").unwrap();
        let gap_day = NaiveDate::from_ymd_opt(2026, 9, 6).unwrap();
        let start = start_of_day(gap_day, scl);
        assert_eq!(local_string(start, scl), "2026-09-06T01:00:00");
        let (a, b) = days_range(monday_of(gap_day), 7, scl);
        // A week with a spring-forward day is 167 hours long, never 168.
        assert_eq!((b - a).num_hours(), 167);
        let back = NaiveDate::from_ymd_opt(2026, 4, 5).unwrap();
        let (a, b) = days_range(monday_of(back), 7, scl);
        assert_eq!((b - a).num_hours(), 169);
    }

    #[test]
    fn dates_and_lengths_from_outside_are_bounded() {
        assert!(parse_date("2026-11-23").is_ok());
        for s in ["1999-12-31", "2200-01-01", "+262142-12-31", "-262143-01-01"] {
            let e = parse_date(s).unwrap_err();
            assert_eq!(e.code(), "input.invalid_date", "{s}");
        }
        assert!(cita_minutes(30).is_ok());
        for m in [0, -30, MAX_CITA_MINUTES + 1, i64::MIN, i64::MAX] {
            assert_eq!(
                cita_minutes(m).unwrap_err().code(),
                "input.invalid_duration"
            );
        }
        assert!(typed_minutes(-30).is_ok());
        assert!(typed_minutes(i64::MIN).is_err());
    }

    #[test]
    fn windows_never_exceed_max() {
        let lima = parse_zone("America/Lima").unwrap();
        let (a, b) = days_range(NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(), 75, lima);
        let w = windows(a, b, 31);
        assert_eq!(w.len(), 3);
        assert!(w.iter().all(|(x, y)| (*y - *x).num_days() <= 31));
        assert_eq!(w.first().unwrap().0, a);
        assert_eq!(w.last().unwrap().1, b);
        assert_eq!(
            monday_of(NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()).to_string(),
            "2026-11-23"
        );
    }
}
