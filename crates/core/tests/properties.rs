//! Properties of the booking rules and the zone arithmetic, over generated
//! inputs: in America/Lima (no daylight saving) and America/Santiago and
//! America/New_York (both transitions of 2026).

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use citadesk_core::testing::time;
use citadesk_core::testing::{overlaps, within_open_hours};
use proptest::prelude::*;

const ZONES: [Tz; 3] = [
    chrono_tz::America::Lima,
    chrono_tz::America::Santiago,
    chrono_tz::America::New_York,
];

/// Days around the 2026 transitions of the zones above, plus ordinary ones.
fn interesting_day() -> impl Strategy<Value = NaiveDate> {
    prop_oneof![
        // Santiago: 5 April (back) and 6 September (forward).
        (0i64..3).prop_map(|d| NaiveDate::from_ymd_opt(2026, 4, 4).unwrap() + Duration::days(d)),
        (0i64..3).prop_map(|d| NaiveDate::from_ymd_opt(2026, 9, 5).unwrap() + Duration::days(d)),
        // New York: 8 March (forward) and 1 November (back).
        (0i64..3).prop_map(|d| NaiveDate::from_ymd_opt(2026, 3, 7).unwrap() + Duration::days(d)),
        (0i64..3).prop_map(|d| NaiveDate::from_ymd_opt(2026, 10, 31).unwrap() + Duration::days(d)),
        (0i64..365).prop_map(|d| NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + Duration::days(d)),
    ]
}

fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    (0i64..(366 * 24 * 4)).prop_map(|q| {
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + Duration::minutes(15 * q)
    })
}

proptest! {
    #[test]
    fn overlap_is_symmetric_and_back_to_back_is_not_overlap(
        a in instant(), la in 1i64..240, b in instant(), lb in 1i64..240,
    ) {
        let (a1, b1) = (a + Duration::minutes(la), b + Duration::minutes(lb));
        prop_assert_eq!(overlaps(a, a1, b, b1), overlaps(b, b1, a, a1));
        // One ends exactly when the other starts: never an overlap.
        prop_assert!(!overlaps(a, a1, a1, a1 + Duration::minutes(lb)));
        // Same start always overlaps.
        prop_assert!(overlaps(a, a1, a, a + Duration::minutes(lb)));
    }

    #[test]
    fn a_day_splits_into_its_local_hours_without_loss_or_overlap(day in interesting_day(), z in 0usize..3) {
        let zone = ZONES[z];
        let (start, end) = time::days_range(day, 1, zone);
        let hours = (end - start).num_minutes();
        // 23, 24 or 25 hours: a transition day is shorter or longer, never shifted.
        prop_assert!([23 * 60, 24 * 60, 25 * 60].contains(&hours), "{} in {}: {} min", day, zone, hours);
        prop_assert_eq!(time::today_in(zone, start), day);
        prop_assert_eq!(time::today_in(zone, end - Duration::seconds(1)), day);
        // Consecutive days tile: the next day starts where this one ends.
        prop_assert_eq!(time::days_range(day + Duration::days(1), 1, zone).0, end);
    }

    #[test]
    fn local_wall_times_round_trip(t in instant(), z in 0usize..3) {
        let zone = ZONES[z];
        let wall = time::local_string(t, zone);
        let back = time::parse_ghl_time(&wall, zone).unwrap();
        // Ambiguous wall times (the repeated hour) resolve to the first
        // occurrence; otherwise the instant comes back unchanged.
        prop_assert!(back == t || back == t - Duration::hours(1), "{} -> {} -> {}", t, wall, back);
        prop_assert_eq!(time::local_string(back, zone), wall);
    }

    #[test]
    fn a_morning_cita_is_in_fallback_hours_on_any_day(day in interesting_day(), z in 0usize..3, q in 0i64..20) {
        // 08:00 + q*30 min, 30 min long: inside 08:00-20:00 even on a transition day.
        let zone = ZONES[z];
        let wall = day.and_hms_opt(8, 0, 0).unwrap() + Duration::minutes(30 * q);
        let start = time::local_to_utc(wall, zone).unwrap();
        prop_assert!(within_open_hours(&[], start, start + Duration::minutes(30), zone));
        // And 19:45-20:15 is not.
        let late = time::local_to_utc(day.and_hms_opt(19, 45, 0).unwrap(), zone).unwrap();
        prop_assert!(!within_open_hours(&[], late, late + Duration::minutes(30), zone));
    }
}
