//! `citadesk-cli reminders` and `inbox` as cron runs them: off until turned
//! on, a dry run that sends nothing, two processes sending at once that
//! still give one message per cita and rule, and the day's list.

mod common;

use common::{cli, cli_command, next_open_day, text};
use ghl_sandbox::{RateLimits, SandboxConfig, Seed};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_crons_at_once_send_each_reminder_once() {
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
    let run = |args: &[&str]| cli(d, Some(&token), args);
    let o = run(&[
        "connect",
        "--base-url",
        &sb.base_url(),
        "--location-id",
        sb.location_id(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(run(&["sync"]).status.success());
    let tomorrow = next_open_day();

    let off = run(&["reminders", "send", "--date", &tomorrow]);
    assert_eq!(off.status.code(), Some(1));
    assert!(text(&off).contains("Reminders are off"), "{}", text(&off));
    assert!(run(&["reminders", "on"]).status.success());

    let dry = run(&[
        "reminders",
        "send",
        "--date",
        &tomorrow,
        "--dry-run",
        "--json",
    ]);
    assert!(dry.status.success(), "{}", text(&dry));
    let planned: serde_json::Value = serde_json::from_slice(&dry.stdout).unwrap();
    let planned = planned.as_array().unwrap().clone();
    assert!(
        !planned.is_empty(),
        "the demo has citas on its next open day"
    );
    assert!(
        sb.sandbox().read().await.messages.is_empty(),
        "a dry run sends nothing"
    );
    let to_send = planned.iter().filter(|l| l["state"] == "queued").count();
    assert!(to_send > 0);

    let spawn = || {
        cli_command(d, Some(&token), &["reminders", "send", "--date", &tomorrow])
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert!(a.status.success(), "{}", text(&a));
    assert!(b.status.success(), "{}", text(&b));
    let world = sb.sandbox().read().await;
    let mut per_cita = std::collections::HashMap::new();
    for m in world.messages.values() {
        *per_cita
            .entry(m.appointment_id.clone().unwrap())
            .or_insert(0) += 1;
    }
    assert_eq!(per_cita.len(), to_send, "{per_cita:?}");
    assert!(per_cita.values().all(|n| *n == 1), "{per_cita:?}");
    drop(world);

    let list = run(&["reminders", "list", "--date", &tomorrow, "--json"]);
    assert!(list.status.success(), "{}", text(&list));
    let lines: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let sent = lines
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["state"] == "sent" || l["state"] == "scheduled")
        .count();
    assert_eq!(sent, to_send);
    let inbox = run(&["inbox", "--json"]);
    assert!(inbox.status.success(), "{}", text(&inbox));
    assert_eq!(String::from_utf8_lossy(&inbox.stdout).trim(), "[]");
    sb.shutdown().await;
}

/// A cron killed right after GHL took a reminder (before the replica knew),
/// then run again: every cita still has exactly one message.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cron_killed_mid_send_and_run_again_never_sends_twice() {
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
    let run = |args: &[&str]| cli(d, Some(&token), args);
    assert!(run(&[
        "connect",
        "--base-url",
        &sb.base_url(),
        "--location-id",
        sb.location_id()
    ])
    .status
    .success());
    assert!(run(&["sync"]).status.success());
    assert!(run(&["reminders", "on"]).status.success());
    let tomorrow = next_open_day();
    let crashed = cli_command(d, Some(&token), &["reminders", "send", "--date", &tomorrow])
        .env("CITADESK_CRASH_AT", "after_reminder_post")
        .output()
        .unwrap();
    assert!(!crashed.status.success(), "aborted at the crash point");
    assert_eq!(
        sb.sandbox().read().await.messages.len(),
        1,
        "GHL took one before the crash"
    );
    let again = run(&["reminders", "send", "--date", &tomorrow]);
    assert!(again.status.success(), "{}", text(&again));
    let world = sb.sandbox().read().await;
    let mut per_cita = std::collections::HashMap::new();
    for m in world.messages.values() {
        *per_cita
            .entry(m.appointment_id.clone().unwrap())
            .or_insert(0) += 1;
    }
    assert!(per_cita.len() > 1, "the rest went out on the second run");
    assert!(per_cita.values().all(|n| *n == 1), "{per_cita:?}");
    drop(world);
    sb.shutdown().await;
}
