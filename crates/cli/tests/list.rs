//! `list` as a manager's script runs it: the real binary, a real replica
//! (its key from the environment) synced from ghl-sandbox's demo clinic,
//! every format, the filters, and a room's citas (an unknown room refused).

mod common;

use common::{cli_command, text};
use ghl_sandbox::{RateLimits, SandboxConfig, Seed};

const KEY: &str = "5eed00000000000000000000000000000000000000000000000000000000c0de";

fn run(d: &std::path::Path, token: &str, args: &[&str]) -> std::process::Output {
    cli_command(d, Some(token), args)
        .env("CITADESK_REPLICA_KEY", KEY)
        .output()
        .expect("run citadesk-cli")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_answers_in_text_json_and_csv_alike() {
    let sb = ghl_sandbox::start(SandboxConfig {
        seed: Seed::Demo,
        rate_limits: RateLimits::unlimited(),
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

    let today = chrono::Utc::now().date_naive();
    let (from, to) = (
        (today - chrono::Duration::days(7)).to_string(),
        (today + chrono::Duration::days(7)).to_string(),
    );
    let range = ["list", "--from", from.as_str(), "--to", to.as_str()];
    let with = |extra: &[&str]| -> Vec<String> {
        range.iter().chain(extra).map(|s| s.to_string()).collect()
    };
    let call = |args: Vec<String>| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(d, &pit, &args)
    };

    // JSON: the whole range, every row (more than one page of the UI's is fine).
    let o = call(with(&["--format", "json"]));
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let total = v["total"].as_u64().unwrap() as usize;
    assert!(
        total > 20,
        "the demo clinic has citas around today: {total}"
    );
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), total);
    let starts: Vec<&str> = rows
        .iter()
        .map(|r| r["startLocal"].as_str().unwrap())
        .collect();
    let mut sorted = starts.clone();
    sorted.sort();
    assert_eq!(starts, sorted, "by start");

    // Text: a line per cita and the count.
    let o = call(with(&[]));
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    assert_eq!(out.lines().count(), total + 1, "{out}");
    assert!(out.ends_with(&format!("{total} citas\n")), "{out}");

    // CSV: the header and a row per cita, the same ids in the same order.
    let o = call(with(&["--format", "csv"]));
    assert!(o.status.success(), "{}", text(&o));
    let csv = String::from_utf8_lossy(&o.stdout).to_string();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "date,start,end,calendar,practitioner,patient,phone,status,title,notes,id"
    );
    assert_eq!(lines.len(), total + 1);
    for (line, row) in lines[1..].iter().zip(rows) {
        assert!(
            line.ends_with(&format!(",{}", row["id"].as_str().unwrap())),
            "{line}"
        );
    }

    // Statuses by the clinic's names, and one calendar.
    let o = call(with(&["--status", "asistió,cancelada", "--format", "json"]));
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let some = v["rows"].as_array().unwrap();
    assert!(!some.is_empty() && some.len() < total);
    assert!(some
        .iter()
        .all(|r| matches!(r["status"].as_str(), Some("showed" | "cancelled"))));
    let calendar = rows[0]["calendarId"].as_str().unwrap().to_string();
    let o = call(with(&["--calendar", &calendar, "--format", "csv"]));
    let on_one = String::from_utf8_lossy(&o.stdout).lines().count() - 1;
    let expected = rows
        .iter()
        .filter(|r| r["calendarId"] == calendar.as_str())
        .count();
    assert_eq!(on_one, expected);

    // By patient, descending.
    let o = call(with(&["--sort", "patient", "--desc", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let names: Vec<String> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["patientName"].as_str().unwrap_or("").to_lowercase())
        .collect();
    let mut desc = names.clone();
    desc.sort_by(|a, b| b.cmp(a));
    assert_eq!(names, desc);

    // A room: the citas of the calendars it serves, and only those.
    let room = {
        let w = sb.sandbox().read().await;
        w.resources
            .values()
            .find(|r| r.resource_type == "rooms" && !r.calendar_ids.is_empty())
            .cloned()
            .expect("the demo seed has rooms")
    };
    let o = call(with(&["--room", room.id.as_str(), "--format", "json"]));
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let in_room = v["rows"].as_array().unwrap();
    assert!(!in_room.is_empty(), "{}", text(&o));
    assert!(in_room.len() < total, "a room narrows the list");
    for r in in_room {
        let calendar = r["calendarId"].as_str().unwrap();
        assert!(room.calendar_ids.iter().any(|c| c == calendar), "{r}");
    }
    // A room the desk does not know is refused (exit 1, the room named).
    let o = call(with(&["--room", "sala-1"]));
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("sala-1"), "{}", text(&o));
    sb.shutdown().await;
}
