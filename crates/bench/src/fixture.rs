//! A replica filled straight through the core's store: a location, its
//! calendars, patients and citas, with a known week holding a set number.

use std::path::Path;
use std::time::Instant;

use chrono::{Duration, NaiveDate, Utc};
use citadesk_core::testing::{CalendarRow, CitaRow, ConnectionRow, Store};

pub const LOCATION: &str = "BenchLocation0000001";
pub const ZONE: &str = "America/Lima";
/// The replica's key (`CITADESK_REPLICA_KEY` for the app the benchmark starts).
pub const REPLICA_KEY: &str = "be7c4be7c4be7c4be7c4be7c4be7c4be7c4be7c4be7c4be7c4be7c4be7c4be7c";

pub fn replica_key() -> citadesk_core::ghl::Secret {
    citadesk_core::ghl::Secret::new(REPLICA_KEY)
}

pub struct Seeded {
    pub citas: usize,
    pub week_monday: NaiveDate,
    pub ms: u128,
}

/// `total` citas over `calendars` calendars: `in_week` of them in the
/// current week (Lima), the rest spread over the year around it.
pub fn seed_replica(data_dir: &Path, total: usize, calendars: usize, in_week: usize) -> Seeded {
    let started = Instant::now();
    let store = Store::open(
        &citadesk_core::paths::replica_path(data_dir),
        &replica_key(),
    )
    .expect("replica");
    let zone: chrono_tz::Tz = ZONE.parse().unwrap();
    store
        .upsert_location(
            LOCATION,
            "Clínica Benchmark",
            Some("BenchCompany00000001"),
            ZONE,
            "{}",
        )
        .unwrap();
    store
        .save_connection(&ConnectionRow {
            location_id: LOCATION.into(),
            // A closed port: GHL is out of reach, the app must open from cache.
            base_url: "http://127.0.0.1:9".into(),
            auth_kind: "pit".into(),
        })
        .unwrap();
    store.record_sync(LOCATION, true, None).unwrap();
    let cals: Vec<CalendarRow> = (0..calendars)
        .map(|i| CalendarRow {
            id: format!("BenchCalendar{i:07}"),
            location_id: LOCATION.into(),
            name: format!("Consultorio {:02}", i + 1),
            is_active: true,
            primary_user_id: None,
            slot_minutes: 30,
            open_hours_json: "[]".into(),
            raw: "{}".into(),
        })
        .collect();
    store.replace_calendars(LOCATION, &cals).unwrap();

    let today = citadesk_core::testing::time::today_in(zone, Utc::now());
    let monday = citadesk_core::testing::time::monday_of(today);
    let week_start = citadesk_core::testing::time::start_of_day(monday, zone);
    // The clinic opens six days of the week, today always among them (on a
    // Sunday it closes the Saturday instead): the first screen, today's day,
    // is as full whatever day the benchmark runs.
    let closed_day = if today == monday + Duration::days(6) {
        5
    } else {
        6
    };
    // Rows per calendar, each a 30-minute cita; the week's share first.
    let mut per_cal: Vec<Vec<CitaRow>> = vec![Vec::new(); calendars];
    for n in 0..total {
        let cal = n % calendars;
        let k = (n / calendars) as i64;
        let in_this_week = n < in_week;
        let start = if in_this_week {
            // 6 days x 20 slots of 30 min from 08:00.
            let day = k % 6;
            week_start
                + Duration::days(if day >= closed_day { day + 1 } else { day })
                + Duration::hours(8)
                + Duration::minutes(30 * (k / 6 % 20))
        } else {
            // Outside the week: from 20 weeks before to 30 weeks after.
            let day = (k * 7) % 350 - 140;
            let day = if (0..7).contains(&day) { day + 7 } else { day };
            week_start + Duration::days(day) + Duration::hours(8) + Duration::minutes(30 * (k % 22))
        };
        per_cal[cal].push(CitaRow {
            id: format!("BenchCita{n:011}"),
            location_id: LOCATION.into(),
            calendar_id: cals[cal].id.clone(),
            contact_id: Some(format!("BenchContact{:08}", n % 10_000)),
            assigned_user_id: None,
            title: format!("Consulta {n}"),
            status: ["confirmed", "new", "showed"][n % 3].into(),
            start,
            end: start + Duration::minutes(30),
            date_updated: None,
            raw: "{}".into(),
        });
    }
    let far = (
        week_start - Duration::days(400),
        week_start + Duration::days(400),
    );
    let mut count = 0;
    for (cal, rows) in cals.iter().zip(per_cal) {
        count += rows.len();
        store
            .apply_calendar_window(&cal.id, far, &rows, false)
            .unwrap();
    }
    for c in 0..10_000.min(total) {
        let id = format!("BenchContact{c:08}");
        store
            .upsert_contact(
                &id,
                LOCATION,
                Some(&format!("Paciente {c}")),
                None,
                None,
                "{}",
            )
            .unwrap();
    }
    Seeded {
        citas: count,
        week_monday: monday,
        ms: started.elapsed().as_millis(),
    }
}
