//! `health` and `stats` as a cron job runs them: the real binary, a real
//! replica (its key from the environment), ghl-sandbox over loopback.

mod common;

use std::time::Duration;

use common::{cli_command, text};
use ghl_sandbox::{FaultKind, FaultRule, RateLimits, SandboxConfig, Seed};

const KEY: &str = "5eed00000000000000000000000000000000000000000000000000000000c0de";

fn run(d: &std::path::Path, token: &str, args: &[&str]) -> std::process::Output {
    cli_command(d, Some(token), args)
        .env("CITADESK_REPLICA_KEY", KEY)
        .output()
        .expect("run citadesk-cli")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_exits_2_while_an_alert_is_open_and_stats_exports_csv() {
    let sb = ghl_sandbox::start(SandboxConfig {
        seed: Seed::Demo,
        rate_limits: RateLimits {
            burst: 100,
            interval: Duration::from_millis(100),
            daily: 200_000,
        },
        ..Default::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let pit = sb.pit().to_string();
    let base = sb.base_url();
    let o = run(
        d,
        &pit,
        &[
            "connect",
            "--base-url",
            &base,
            "--location-id",
            sb.location_id(),
        ],
    );
    assert!(o.status.success(), "{}", text(&o));

    let o = run(d, &pit, &["health"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("(no alerts)"), "{}", text(&o));

    sb.sandbox().faults().add(FaultRule {
        kind: FaultKind::RateLimited,
        remaining: 1000,
        ms: 0,
        path: None,
    });
    let o = run(d, &pit, &["sync"]);
    assert!(!o.status.success(), "{}", text(&o));
    let o = run(d, &pit, &["health"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("ALERT [rate_limit_low]"), "{}", text(&o));
    let o = run(d, &pit, &["health", "--json"]);
    assert_eq!(o.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["alerts"][0]["kind"], "rate_limit_low");

    sb.sandbox().faults().clear();
    let o = run(d, &pit, &["sync"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = run(d, &pit, &["health"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    let today = chrono::Utc::now().date_naive();
    let (from, to) = (
        (today - chrono::Duration::days(7)).to_string(),
        today.to_string(),
    );
    let o = run(
        d,
        &pit,
        &[
            "stats",
            "--from",
            &from,
            "--to",
            &to,
            "--format",
            "csv",
            "--chart",
            "citas-per-day",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "day,total,new,confirmed,showed,noshow,cancelled,other"
    );
    assert_eq!(lines.len(), 9, "a line per day: {out}");
    let total: u32 = lines[1..]
        .iter()
        .map(|l| l.split(',').nth(1).unwrap().parse::<u32>().unwrap())
        .sum();
    assert!(total > 0, "the seed's past week has citas: {out}");
    let o = run(d, &pit, &["stats", "--from", &to, "--to", &from]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("input.invalid_range"), "{}", text(&o));
    sb.shutdown().await;
}
