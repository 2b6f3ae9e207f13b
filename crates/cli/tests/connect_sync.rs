//! `connect` runs the location's first sync with progress on stderr, so the
//! app opens on a full agenda; `--no-sync` leaves it for later.

mod common;

use common::{cli, text};
use ghl_sandbox::{SandboxConfig, Seed};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_runs_the_first_sync_and_says_how_far_it_is() {
    let sb = ghl_sandbox::start(SandboxConfig {
        seed: Seed::Demo,
        ..Default::default()
    })
    .await
    .unwrap();
    let connect = |d: &std::path::Path, extra: &[&str]| {
        let mut args = vec![
            "connect",
            "--base-url",
            &sb.base_url(),
            "--location-id",
            sb.location_id(),
        ]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
        args.extend(extra.iter().map(|s| s.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        cli(d, Some(sb.pit()), &args)
    };

    let dir = tempfile::tempdir().unwrap();
    let o = connect(dir.path(), &[]);
    assert!(o.status.success(), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    // Not a terminal: one line per calendar, the last one complete.
    assert!(err.contains("syncing: calendars 0/3"), "{err}");
    assert!(err.contains("syncing: calendars 3/3"), "{err}");
    assert!(!err.contains('\x1b'), "no terminal codes in a log: {err}");
    assert!(text(&o).contains("synced: 3 calendars"), "{}", text(&o));
    // The agenda is there without a `sync`.
    let o = cli(dir.path(), Some(sb.pit()), &["agenda", "--json"]);
    assert!(o.status.success(), "{}", text(&o));
    let day: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(!day["calendars"].as_array().unwrap().is_empty());

    let later = tempfile::tempdir().unwrap();
    let o = connect(later.path(), &["--no-sync"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(!text(&o).contains("synced:"), "{}", text(&o));
    sb.shutdown().await;
}
