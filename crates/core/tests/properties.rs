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

mod practice_rules {
    use super::*;
    use citadesk_core::testing::practice::*;
    use citadesk_core::{Locale, OverlapMode};

    fn calendar() -> CalendarRules {
        CalendarRules {
            id: "fisio".into(),
            name: "Fisioterapia".into(),
            is_active: true,
            practitioner_id: Some("u".into()),
            open_hours: vec![],
        }
    }

    fn draft(start: DateTime<Utc>, minutes: i64) -> BookingDraft {
        BookingDraft {
            calendar_id: "fisio".into(),
            contact_id: None,
            start,
            end: start + Duration::minutes(minutes),
            moving_cita_id: None,
        }
    }

    proptest! {
        /// A draft is "over a block" exactly when it shares time with one of
        /// its calendar's (or practitioner's) blocks, and a suggestion is
        /// offered exactly when no such finding would be made.
        #[test]
        fn a_block_is_a_finding_exactly_when_the_draft_shares_its_time(
            block_start in instant(), block_len in 15i64..480,
            start in instant(), len in 15i64..240, of_user in any::<bool>(), z in 0usize..3,
        ) {
            let block = Block {
                id: "b".into(),
                calendar_id: (!of_user).then(|| "fisio".into()),
                user_id: of_user.then(|| "u".into()),
                title: "Almuerzo".into(),
                start: block_start,
                end: block_start + Duration::minutes(block_len),
            };
            let practice = Practice { blocks: vec![block.clone()], ..Default::default() };
            let d = draft(start, len);
            let f = check(&d, &calendar(), &practice, &[], ZONES[z], OverlapMode::Flexible, Locale::EsPe);
            let shares = overlaps(d.start, d.end, block.start, block.end);
            prop_assert_eq!(f.iter().any(|x| x.code.as_str() == "booking.blocked_time"), shares);
            prop_assert_eq!(slot_allowed(&calendar(), &practice, d.start, d.end), !shares);
            // Another calendar's block never holds this one.
            let other = Practice {
                blocks: vec![Block { calendar_id: Some("otro".into()), user_id: None, ..block }],
                ..Default::default()
            };
            prop_assert!(check(&d, &calendar(), &other, &[], ZONES[z], OverlapMode::Strict, Locale::En).is_empty());
        }

        /// A room of capacity `places` shared with another calendar is full
        /// exactly when that many of the other calendar's citas run at once
        /// during the draft.
        #[test]
        fn a_room_is_full_exactly_at_its_capacity(
            start in instant(), places in 1u32..4, others in 0usize..6, shift in 0i64..60,
        ) {
            let room = Room {
                id: "r".into(),
                name: "Consultorio 1".into(),
                places,
                calendar_ids: vec!["fisio".into(), "medicina".into()],
            };
            let practice = Practice { rooms: vec![room], ..Default::default() };
            // `others` citas that all cover the draft's first minute.
            let booked: Vec<BookedCita> = (0..others)
                .map(|n| BookedCita {
                    id: format!("c{n}"),
                    calendar_id: "medicina".into(),
                    assigned_user_id: None,
                    contact_id: None,
                    title: format!("Cita {n}"),
                    status: "confirmed".into(),
                    start: start - Duration::minutes(shift),
                    end: start + Duration::minutes(30),
                })
                .collect();
            let f = check(&draft(start, 30), &calendar(), &practice, &booked, ZONES[0], OverlapMode::Flexible, Locale::EsPe);
            prop_assert_eq!(f.iter().any(|x| x.code.as_str() == "booking.room_full"), others >= places as usize);
        }
    }
}
