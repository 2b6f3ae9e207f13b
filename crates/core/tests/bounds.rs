//! The `Desk` API fed extreme values from outside (day counts, durations,
//! dates near chrono's limits): every one is answered, none panics (a
//! release build aborts on panic).

use std::sync::{Arc, OnceLock};

use chrono::NaiveDate;
use citadesk_core::ghl::Secret;
use citadesk_core::{BookingRequest, CitaAction, DemoConnection, Desk, DeskOptions, PatientChoice};
use proptest::prelude::*;

struct World {
    rt: tokio::runtime::Runtime,
    desk: Arc<Desk>,
    calendar: String,
    patient: String,
    cita: String,
    _sandbox: ghl_sandbox::RunningSandbox,
    _dir: tempfile::TempDir,
}

/// One sandbox and one synced desk for every case.
fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let (sandbox, desk) = rt.block_on(async {
            let sb = ghl_sandbox::start(ghl_sandbox::SandboxConfig {
                seed: ghl_sandbox::Seed::Demo,
                ..Default::default()
            })
            .await
            .unwrap();
            let mut o = DeskOptions::new(dir.path());
            o.demo = Some(DemoConnection {
                base_url: sb.base_url(),
                location_id: sb.location_id().to_string(),
                token: Secret::new(sb.pit()),
            });
            let desk = Desk::open(o).unwrap();
            desk.sync_now().await.unwrap();
            (sb, desk)
        });
        let day = desk.week_view(None).unwrap();
        let cita = day
            .citas
            .iter()
            .find(|c| c.contact_id.is_some())
            .expect("the demo week has citas");
        World {
            calendar: cita.calendar_id.clone(),
            patient: cita.contact_id.clone().unwrap(),
            cita: cita.id.clone(),
            rt,
            desk,
            _sandbox: sandbox,
            _dir: dir,
        }
    })
}

fn number() -> impl Strategy<Value = i64> {
    prop_oneof![
        Just(i64::MIN),
        Just(i64::MAX),
        Just(i64::MIN + 1),
        Just(-1i64),
        Just(0i64),
        Just(1i64 << 40),
        any::<i64>(),
        -1000i64..1000,
    ]
}

fn date_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("262142-12-31".to_string()),
        Just("+262142-12-31".to_string()),
        Just("-262143-01-01".to_string()),
        Just(NaiveDate::MAX.to_string()),
        Just(NaiveDate::MIN.to_string()),
        (any::<i32>(), 1u32..13, 1u32..29).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        (1990i32..2300, 1u32..13, 1u32..29).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        ".{0,12}",
    ]
}

fn anchor() -> impl Strategy<Value = Option<NaiveDate>> {
    prop_oneof![
        Just(None),
        Just(Some(NaiveDate::MAX)),
        Just(Some(NaiveDate::MIN)),
        (-262_000i32..262_000, 1u32..366).prop_map(|(y, o)| NaiveDate::from_yo_opt(y, o.min(365))),
    ]
}

/// A refusal from outside says why with an `input.*` code (or a domain one).
fn answered<T>(r: citadesk_core::Result<T>) {
    if let Err(e) = r {
        assert!(!e.code().is_empty());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn reconcile_windows_are_bounded(back in number(), ahead in number(), at in anchor()) {
        let w = world();
        let r = w.rt.block_on(w.desk.reconcile_around(
            at,
            back,
            ahead,
            citadesk_core::RunTrigger::Manual,
        ));
        let in_range = (0..=60).contains(&back) && (0..=365).contains(&ahead);
        if !in_range {
            prop_assert_eq!(r.unwrap_err().code(), "input.invalid_window");
        } else {
            answered(r);
        }
    }

    #[test]
    fn durations_and_dates_of_bookings_and_moves_are_bounded(
        minutes in number(),
        date in date_text(),
    ) {
        let w = world();
        let req = BookingRequest {
            calendar_id: w.calendar.clone(),
            patient: Some(PatientChoice::Existing { contact_id: w.patient.clone() }),
            date: date.clone(),
            start: "06:00".into(),
            duration_minutes: minutes,
            title: String::new(),
            notes: None,
            override_reason: Some("prueba".into()),
        };
        answered(w.desk.check_booking(&req));
        let booked = w.rt.block_on(w.desk.book(req));
        if !(1..=24 * 60).contains(&minutes) {
            prop_assert_eq!(booked.unwrap_err().code(), "input.invalid_duration");
        } else {
            answered(booked);
        }
        let moved = w.rt.block_on(w.desk.change_cita(&w.cita, CitaAction::Move {
            date: date.clone(),
            start: "06:00".into(),
            duration_minutes: minutes,
            calendar_id: None,
            override_reason: Some("prueba".into()),
        }));
        answered(moved);
    }

    #[test]
    fn agenda_dates_are_bounded(date in date_text()) {
        let w = world();
        answered(w.desk.day_agenda(Some(&date)));
        answered(w.desk.week_view(Some(&date)));
        answered(w.rt.block_on(w.desk.free_slots(&w.calendar, Some(&date))));
        if let Ok(d) = citadesk_core::parse_date(&date) {
            prop_assert!((2000..=2199).contains(&chrono::Datelike::year(&d)));
        }
    }
}
