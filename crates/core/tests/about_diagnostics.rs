//! "Acerca de Citadesk" (issue #19): the diagnostics text says what support
//! needs (versions, folders, connection, error codes) and carries no token
//! and no patient data; the update settings refuse what would break updates.

use citadesk_core::ghl::Secret;
use citadesk_core::{DemoConnection, Desk, DeskOptions, ErrorCode, ShellFacts, UpdateSettings};
use ghl_sandbox::{SandboxConfig, Seed};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diagnostics_tell_support_what_they_need_and_nothing_private() {
    let dir = tempfile::tempdir().unwrap();
    let sb = ghl_sandbox::start(SandboxConfig {
        bind: "127.0.0.1:0".parse().unwrap(),
        seed: Seed::Demo,
        ..Default::default()
    })
    .await
    .unwrap();
    let pit = sb.pit().to_string();
    let mut o = DeskOptions::new(dir.path());
    o.demo = Some(DemoConnection {
        base_url: sb.base_url(),
        location_id: sb.location_id().to_string(),
        token: Secret::new(pit.clone()),
    });
    let desk = Desk::open(o).unwrap();
    desk.sync_now().await.expect("first sync");

    let text = desk
        .diagnostics(&ShellFacts {
            program: "citadesk 9.9.9".into(),
            versions: vec![("tauri".into(), "2.x".into())],
            update: None,
        })
        .unwrap();
    for expected in [
        "program: citadesk 9.9.9",
        "tauri: 2.x",
        "connection: online",
        &format!("data_dir: {}", dir.path().display()),
        "log_dir: ",
        &format!("location: {}", sb.location_id()),
        "last_errors: none",
        "update_feed: build default",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
    assert!(!text.contains(&pit), "the token leaked:\n{text}");
    // No patient of the replica appears (names, phones, emails).
    for p in desk.search_patients("a", 50).unwrap() {
        for v in [&p.name, &p.phone, &p.email].into_iter().flatten() {
            assert!(
                !text.contains(v.as_str()),
                "a patient's data leaked:\n{text}"
            );
        }
    }

    // Update settings: https (or http on this machine) and a real version.
    let bad = desk
        .set_update_settings(UpdateSettings {
            feed_url: Some("http://updates.example.com/latest.json".into()),
            hold_version: None,
        })
        .unwrap_err();
    assert_eq!(bad.error_code(), ErrorCode::InputInsecureUrl);
    let bad = desk
        .set_update_settings(UpdateSettings {
            feed_url: None,
            hold_version: Some("la 2".into()),
        })
        .unwrap_err();
    assert_eq!(bad.error_code(), ErrorCode::UpdateBadHold);
    let saved = desk
        .set_update_settings(UpdateSettings {
            feed_url: Some(" https://relay.clinica.pe/updates/latest.json ".into()),
            hold_version: Some("0.4.0".into()),
        })
        .unwrap();
    assert_eq!(
        saved.feed_url.as_deref(),
        Some("https://relay.clinica.pe/updates/latest.json")
    );
    let text = desk.diagnostics(&ShellFacts::default()).unwrap();
    assert!(text.contains("update_feed: relay.clinica.pe"), "{text}");
    assert!(text.contains("update_hold: 0.4.0"), "{text}");
    let cleared = desk
        .set_update_settings(UpdateSettings {
            feed_url: Some("".into()),
            hold_version: None,
        })
        .unwrap();
    assert_eq!(cleared, UpdateSettings::default());
    sb.shutdown().await;
}
