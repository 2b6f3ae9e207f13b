//! The crash test of the outbox: a booking of a new patient is killed at each
//! step (100 runs, cycling through the steps, plus kills while the create is
//! in flight), the desk is started again, and GHL (the sandbox's own state)
//! holds exactly one contact and one cita for that patient every time.

mod common;

use common::{cli_command, text};
use std::time::Duration;

use ghl_sandbox::faults::{FaultKind, FaultRule};
use ghl_sandbox::{RateLimits, SandboxConfig, Seed};

const RUNS: usize = 100;

/// Every crash point a booking of a new patient passes (outbox.rs), and a
/// SIGKILL while GHL is still answering the cita's POST.
const STEPS: &[&str] = &[
    "after_outbox_recorded",
    "after_duplicate_check",
    "after_contact_post",
    "after_contact_recorded",
    "before_cita_post",
    "after_cita_post",
    "after_cita_recorded",
    "sigkill_during_cita_post",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_booking_killed_at_any_step_lands_exactly_once() {
    let sb = ghl_sandbox::start(SandboxConfig {
        seed: Seed::Demo,
        rate_limits: RateLimits::unlimited(),
        ..Default::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let token = sb.pit().to_string();
    let run = |crash: Option<&str>, args: &[&str]| {
        let mut cmd = cli_command(d, Some(&token), args);
        if let Some(point) = crash {
            cmd.env("CITADESK_CRASH_AT", point);
        }
        cmd.output().unwrap()
    };
    let o = run(
        None,
        &[
            "connect",
            "--base-url",
            &sb.base_url(),
            "--location-id",
            sb.location_id(),
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = run(None, &["sync"]);
    assert!(o.status.success(), "{}", text(&o));
    let calendar = {
        let world = sb.sandbox().read().await;
        let mut ids: Vec<_> = world.calendars.keys().cloned().collect();
        ids.sort();
        ids[0].clone()
    };
    let date = (chrono::Utc::now() + chrono::Duration::days(2))
        .with_timezone(&chrono_tz::America::Lima)
        .format("%Y-%m-%d")
        .to_string();

    let mut crashed = 0;
    for i in 0..RUNS {
        let step = STEPS[i % STEPS.len()];
        let phone = format!("+5198{:07}", 1_000_000 + i);
        let start = format!("{:02}:{:02}", 9 + (i / 4) % 10, (i % 4) * 15);
        let args = [
            "book",
            "--calendar",
            &calendar,
            "--date",
            &date,
            "--start",
            &start,
            "--duration",
            "30",
            "--first-name",
            "Crash",
            "--last-name",
            &format!("Prueba {i}"),
            "--phone",
            &phone,
            "--title",
            "Prueba de caída",
            "--override",
            "prueba de caídas",
        ];
        let o = if step == "sigkill_during_cita_post" {
            // GHL takes 400 ms to answer the cita's POST; the desk dies first.
            sb.sandbox().faults().add(FaultRule {
                kind: FaultKind::Latency,
                remaining: 1,
                ms: 400,
                path: Some("/calendars/events/appointments".into()),
            });
            let mut child = cli_command(d, Some(&token), &args).spawn().unwrap();
            wait_for_post(&sb).await;
            tokio::time::sleep(Duration::from_millis(100)).await;
            child.kill().unwrap();
            let o = child.wait_with_output().unwrap();
            sb.sandbox().faults().clear();
            o
        } else {
            run(Some(step), &args)
        };
        assert!(
            !o.status.success(),
            "run {i} ({step}) did not crash: {}",
            text(&o)
        );
        crashed += 1;
        // GHL finishes the POST the desk died waiting for: that cita exists
        // before the desk starts again, and it is the one to keep.
        let made_while_dead = if step == "sigkill_during_cita_post" {
            Some(cita_made_while_dead(&sb, &phone).await)
        } else {
            None
        };

        // Started again: the outbox resumes what was recorded.
        let o = run(None, &["push"]);
        assert!(o.status.success(), "run {i} ({step}) push: {}", text(&o));
        assert!(
            text(&o).contains("still waiting 0"),
            "run {i} ({step}): {}",
            text(&o)
        );

        let world = sb.sandbox().read().await;
        let contacts: Vec<_> = world
            .contacts
            .values()
            .filter(|c| c.phone.as_deref() == Some(phone.as_str()))
            .collect();
        assert_eq!(contacts.len(), 1, "run {i} ({step}): contacts for {phone}");
        let citas = world
            .appointments
            .values()
            .filter(|a| a.contact_id == contacts[0].id)
            .count();
        assert_eq!(citas, 1, "run {i} ({step}): citas for {phone}");
        if let Some(made) = made_while_dead {
            assert!(
                world.appointments.contains_key(&made),
                "run {i} ({step}): the cita GHL made while the desk died was found and kept"
            );
        }
    }
    assert_eq!(crashed, RUNS);

    // The replica agrees: every booking synced, nothing pending or refused.
    let o = run(None, &["status", "--json"]);
    let status: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(status["pendingWrites"], 0);
    assert_eq!(status["refusedWrites"], 0);
    sb.shutdown().await;
}

/// The cita GHL made for `phone`'s contact after the desk was killed during
/// its POST (the sandbox finishes a held request, as GHL does).
async fn cita_made_while_dead(sb: &ghl_sandbox::RunningSandbox, phone: &str) -> String {
    for _ in 0..500 {
        {
            let world = sb.sandbox().read().await;
            let contact = world
                .contacts
                .values()
                .find(|c| c.phone.as_deref() == Some(phone));
            if let Some(contact) = contact {
                let mut citas = world
                    .appointments
                    .values()
                    .filter(|a| a.contact_id == contact.id);
                if let Some(cita) = citas.next() {
                    return cita.id.clone();
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("GHL never finished the cita's POST the desk died during");
}

/// Until the sandbox has seen the cita's POST arrive (it is held by the latency fault).
async fn wait_for_post(sb: &ghl_sandbox::RunningSandbox) {
    for _ in 0..200 {
        let pending = sb.sandbox().faults().pending();
        if pending.is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("the cita's POST never reached the sandbox");
}
