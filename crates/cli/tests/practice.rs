//! `calendars`, `block` and `unblock` as IT and cron use them: the real
//! binary, a real replica folder, ghl-sandbox over loopback.

mod common;

use common::{cli, text};

use ghl_sandbox::{SandboxConfig, Seed};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calendars_list_the_practice_and_blocks_reach_ghl_and_go() {
    let sb = ghl_sandbox::start(SandboxConfig {
        seed: Seed::Demo,
        ..Default::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let pit = Some(sb.pit());
    let o = cli(
        d,
        pit,
        &[
            "connect",
            "--base-url",
            &sb.base_url(),
            "--location-id",
            sb.location_id(),
        ],
    );
    assert!(o.status.success(), "{}", text(&o));

    let o = cli(d, pit, &["calendars"]);
    assert!(o.status.success(), "{}", text(&o));
    let shown = text(&o);
    assert!(
        shown.contains("Fisioterapia") && shown.contains("Consultorio 1 (1)"),
        "{shown}"
    );
    assert!(
        shown.contains("specialty: Consultorios") || shown.contains("especialidad: Consultorios"),
        "{shown}"
    );
    let o = cli(d, pit, &["calendars", "--json"]);
    let view: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let fisio = view["calendars"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Fisioterapia")
        .unwrap()
        .clone();
    assert_eq!(view["rooms"].as_array().unwrap().len(), 4);
    assert!(!fisio["openHours"].as_array().unwrap().is_empty());
    let calendar = fisio["id"].as_str().unwrap();

    let day = (chrono::Utc::now()
        .with_timezone(&chrono_tz::America::Lima)
        .date_naive()
        + chrono::Duration::days(5))
    .to_string();
    let o = cli(
        d,
        pit,
        &[
            "block",
            "--calendar",
            calendar,
            "--date",
            &day,
            "--start",
            "15:00",
            "--duration",
            "45",
            "--reason",
            "Inventario",
            "--json",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let made: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(made["confirmed"], true);
    let id = made["block"]["id"].as_str().unwrap().to_string();
    assert!(sb.sandbox().read().await.blocks.contains_key(&id));

    // A bad duration is refused before anything is recorded.
    let o = cli(
        d,
        pit,
        &[
            "block",
            "--calendar",
            calendar,
            "--date",
            &day,
            "--start",
            "15:00",
            "--duration",
            "-5",
            "--reason",
            "x",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));

    let o = cli(d, pit, &["unblock", &id]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(!sb.sandbox().read().await.blocks.contains_key(&id));
    let o = cli(d, pit, &["unblock", &id]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("block.not_found"), "{}", text(&o));
    sb.shutdown().await;
}
