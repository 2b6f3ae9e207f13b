//! The logs carry no patient data: a new patient booked while GHL is out of
//! reach leaves no phone, email or name in the log files (issue #14, point 8).
//! One test in this binary: `telemetry::init` sets the process's subscriber.

use citadesk_core::ghl::Secret;
use citadesk_core::{BookingRequest, DemoConnection, Desk, DeskOptions, PatientChoice};
use ghl_sandbox::{SandboxConfig, Seed};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offline_new_patient_leaves_no_patient_data_in_the_logs() {
    let dir = tempfile::tempdir().unwrap();
    let guard = citadesk_core::telemetry::init(dir.path(), "privacy");
    assert!(guard.is_some(), "logs go to files");

    let sb = ghl_sandbox::start(SandboxConfig {
        bind: "127.0.0.1:0".parse().unwrap(),
        seed: Seed::Demo,
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
    desk.sync_now().await.expect("first sync");
    let week = desk.week_view(None).unwrap();
    let calendar = week.calendars[0].id.clone();
    let tomorrow = (chrono::NaiveDate::parse_from_str(&week.today, "%Y-%m-%d").unwrap()
        + chrono::Duration::days(1))
    .to_string();
    let slot = desk
        .free_slots(&calendar, Some(&tomorrow))
        .await
        .unwrap()
        .remove(0);
    sb.shutdown().await;

    let out = desk
        .book(BookingRequest {
            calendar_id: calendar,
            patient: Some(PatientChoice::New {
                first_name: "Zenobia".into(),
                last_name: "Huamanchumo".into(),
                phone: Some("987 123 456".into()),
                email: Some("zenobia.h@correo.pe".into()),
            }),
            date: slot.date,
            start: slot.start,
            duration_minutes: 30,
            title: "Control".into(),
            notes: None,
            override_reason: None,
        })
        .await
        .expect("accepted offline");
    assert!(!out.confirmed);
    drop(desk);
    drop(guard); // flushes the file writer

    let mut logs = String::new();
    for entry in std::fs::read_dir(citadesk_core::paths::logs_dir(dir.path())).unwrap() {
        logs.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    assert!(
        logs.contains("write waits for GHL"),
        "the offline write is logged: {logs}"
    );
    for needle in [
        "987123456",
        "987 123 456",
        "%2B51",
        "zenobia",
        "Zenobia",
        "correo.pe",
        "Huamanchumo",
        "number=",
        "email=",
    ] {
        assert!(!logs.contains(needle), "{needle:?} in the logs:\n{logs}");
    }
}
