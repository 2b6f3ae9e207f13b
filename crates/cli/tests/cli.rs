//! citadesk-cli as IT and cron use it: the real binary, a real replica
//! folder, ghl-sandbox over loopback, the token from the environment.

mod common;

use common::{cli, text};

use ghl_sandbox::{SandboxConfig, Seed};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_sync_agenda_and_offline() {
    let sb = ghl_sandbox::start(SandboxConfig {
        seed: Seed::Demo,
        ..Default::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    // Nothing connected yet: a clear error and a non-zero status.
    let o = cli(d, None, &["agenda"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("setup.not_connected"), "{}", text(&o));

    // A wrong token is refused, and nothing is saved.
    let o = cli(
        d,
        Some("wrong"),
        &[
            "connect",
            "--base-url",
            &sb.base_url(),
            "--location-id",
            sb.location_id(),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("auth.expired"), "{}", text(&o));

    let o = cli(
        d,
        Some(sb.pit()),
        &[
            "connect",
            "--base-url",
            &sb.base_url(),
            "--location-id",
            sb.location_id(),
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("connected: Clínica Demo"), "{}", text(&o));

    let o = cli(d, Some(sb.pit()), &["sync"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("3 calendars"), "{}", text(&o));

    // The support text the app's "Copiar diagnóstico" copies, from the CLI.
    let o = cli(d, Some(sb.pit()), &["diagnostics"]);
    assert!(o.status.success(), "{}", text(&o));
    let diag = text(&o);
    assert!(
        diag.contains("program: citadesk-cli") && diag.contains("last_sync: 20"),
        "{diag}"
    );
    assert!(!diag.contains(sb.pit()), "the token leaked: {diag}");

    let o = cli(d, Some(sb.pit()), &["agenda", "--json"]);
    assert!(o.status.success(), "{}", text(&o));
    let day: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::America::Lima)
        .date_naive()
        .to_string();
    assert_eq!(day["date"], today);
    assert_eq!(day["location"]["timeZone"], "America/Lima");
    let citas = day["citas"].as_array().unwrap();
    assert!(citas
        .iter()
        .all(|c| c["startLocal"].as_str().unwrap().starts_with(&today)));

    // Filtered to one calendar, in text.
    let cal = citas
        .first()
        .map(|c| c["calendarId"].as_str().unwrap().to_string());
    if let Some(cal) = cal {
        let o = cli(d, Some(sb.pit()), &["agenda", "--calendar", &cal]);
        assert!(o.status.success());
        let lines = String::from_utf8_lossy(&o.stdout).lines().count() - 1;
        let want = citas
            .iter()
            .filter(|c| c["calendarId"] == cal.as_str())
            .count();
        assert_eq!(lines, want);
    }

    // Patient search over the synced replica, accents and case ignored.
    let name = citas
        .iter()
        .find_map(|c| c["patientName"].as_str())
        .expect("a patient on today's agenda")
        .to_string();
    let surname = name.split_whitespace().last().unwrap().to_uppercase();
    let o = cli(d, None, &["patients", &surname, "--json"]);
    assert!(o.status.success(), "{}", text(&o));
    let found: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        found
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == name.as_str()),
        "{surname} finds {name}: {found}"
    );

    // Reconciliation for cron: 0 when GHL and the replica agree...
    let o = cli(d, Some(sb.pit()), &["reconcile", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["counts"]["total"], 0);
    // ...4 when someone cancelled a cita in GHL's own UI and no webhook came.
    let victim = citas
        .iter()
        .find(|c| c["status"] != "cancelled")
        .and_then(|c| c["id"].as_str())
        .expect("an active cita today");
    sb.edit_in_ghl_ui(
        reqwest::Method::POST,
        &format!("/appointments/{victim}/cancel"),
        None,
    )
    .await;
    let o = cli(d, Some(sb.pit()), &["reconcile", "--format", "csv"]);
    assert_eq!(o.status.code(), Some(4), "{}", text(&o));
    let csv = String::from_utf8_lossy(&o.stdout);
    if citas[0]["status"] != "cancelled" {
        assert!(
            csv.contains(&format!("canceladas_no_actualizadas,{victim}")),
            "{csv}"
        );
    }
    cli(d, Some(sb.pit()), &["sync"]);

    // GHL gone: sync says so with its own exit status; the agenda still answers.
    sb.shutdown().await;
    let o = cli(d, Some("pit-demo"), &["sync"]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("network.unreachable"), "{}", text(&o));
    let o = cli(d, None, &["agenda", "--json"]);
    assert!(o.status.success(), "{}", text(&o));
    let again: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(again["citas"].as_array().unwrap().len(), citas.len());
    let o = cli(d, None, &["status", "--json"]);
    let status: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(status["connection"], "offline");

    // The token from the environment was never written down.
    for entry in walk(d) {
        let bytes = std::fs::read(&entry).unwrap_or_default();
        assert!(
            !bytes
                .windows(sb_pit().len())
                .any(|w| w == sb_pit().as_bytes()),
            "token on disk in {}",
            entry.display()
        );
    }
}

fn sb_pit() -> &'static str {
    ghl_sandbox::DEMO_PIT
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn help_documents_every_command() {
    let o = cli(std::path::Path::new("."), None, &["--help"]);
    let help = String::from_utf8_lossy(&o.stdout);
    for cmd in [
        "connect",
        "disconnect",
        "sync",
        "agenda",
        "status",
        "doctor",
        "diagnostics",
        "book",
        "move",
        "cancel",
        "push",
        "audit",
        "reconcile",
        "CITADESK_GHL_TOKEN",
    ] {
        assert!(help.contains(cmd), "--help lacks {cmd}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn book_change_status_cancel_and_reconcile_taking_ghls_version() {
    let sb = ghl_sandbox::start(SandboxConfig {
        seed: Seed::Demo,
        ..Default::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let t = Some(sb.pit());
    let connect = [
        "connect",
        "--base-url",
        &sb.base_url(),
        "--location-id",
        sb.location_id(),
    ];
    assert!(cli(d, t, &connect).status.success());
    assert!(cli(d, t, &["sync"]).status.success());
    let o = cli(d, t, &["agenda", "--json"]);
    let day: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let cita = &day["citas"][0];
    let calendar = cita["calendarId"].as_str().unwrap();
    let patient = cita["contactId"].as_str().unwrap();
    let date = (chrono::Utc::now() + chrono::Duration::days(3))
        .with_timezone(&chrono_tz::America::Lima)
        .format("%Y-%m-%d")
        .to_string();

    let book = |extra: &[&str]| {
        let mut args = vec![
            "book",
            "--calendar",
            calendar,
            "--date",
            &date,
            "--start",
            "06:00",
            "--patient",
            patient,
            "--title",
            "Control",
            "--json",
        ];
        args.extend_from_slice(extra);
        cli(d, t, &args)
    };
    // 06:00 is outside open hours: a warning, refused without a reason.
    let o = book(&[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("booking.override_required"),
        "{}",
        text(&o)
    );
    let o = book(&["--override", "el doctor llega temprano"]);
    assert!(o.status.success(), "{}", text(&o));
    let out: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(out["confirmed"], true);
    let id = out["cita"]["id"].as_str().unwrap().to_string();

    let o = cli(d, t, &["status", &id, "showed"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("(showed)"), "{}", text(&o));
    let o = cli(d, t, &["cancel", &id, "--reason", "Paciente viaja"]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(
        sb.sandbox().read().await.appointments[&id].appointment_status,
        "cancelled"
    );
    let o = cli(d, t, &["audit", &id]);
    let trail = text(&o);
    for action in ["override", "create", "status", "cancel_requested", "cancel"] {
        assert!(trail.contains(action), "{action} missing in:\n{trail}");
    }

    // A cancellation made in GHL's UI without a webhook: reported (exit 4),
    // fixed with --apply-ghl, then clean (exit 0).
    let other = (1..=7)
        .find_map(|n| {
            let date = (chrono::Utc::now() + chrono::Duration::days(n))
                .with_timezone(&chrono_tz::America::Lima)
                .format("%Y-%m-%d")
                .to_string();
            let o = cli(d, t, &["agenda", "--date", &date, "--json"]);
            let day: serde_json::Value = serde_json::from_slice(&o.stdout).ok()?;
            day["citas"]
                .as_array()?
                .iter()
                .find(|c| c["status"] != "cancelled" && c["id"] != id.as_str())
                .map(|c| c["id"].as_str().unwrap().to_string())
        })
        .expect("the demo clinic has citas in the coming week");
    {
        sb.edit_in_ghl_ui(
            reqwest::Method::POST,
            &format!("/appointments/{other}/cancel"),
            None,
        )
        .await;
        let o = cli(d, t, &["reconcile", "--apply-ghl"]);
        assert_eq!(o.status.code(), Some(4), "{}", text(&o));
        assert!(text(&o).contains("1 applied"), "{}", text(&o));
        let o = cli(d, t, &["reconcile", "--format", "json"]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    }
    sb.shutdown().await;
}
