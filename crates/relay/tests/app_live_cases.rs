//! More of the live path with real parts on loopback (ghl-sandbox → citadesk-relay
//! → the app's core): partial webhooks completed from GHL by id, the install
//! token kept in the real OS keychain, and the connection following the
//! desk's active location.

mod common;

use std::time::Duration;

use chrono::{DateTime, Utc};
use citadesk_core::ghl::{Secret, TokenStore, TokenStoreError};
use citadesk_core::RelayState;
use citadesk_core::{Desk, TokenKeeping};
use common::app::*;
use common::now_iso;
use ghl_sandbox::RunningSandbox;

/// GETs of one cita by id that reached the sandbox, with their statuses.
fn fetches_of(sb: &RunningSandbox, cita: &str) -> Vec<u16> {
    let path = format!("/calendars/events/appointments/{cita}");
    sb.sandbox()
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path == path)
        .map(|r| r.status)
        .collect()
}

fn instant(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("ISO time")
        .with_timezone(&Utc)
}

/// The replica's row equals GHL's cita, field by field.
async fn assert_replica_matches_ghl(sb: &RunningSandbox, desk: &Desk, loc: &str, id: &str) {
    let ghl = sb.sandbox().read().await.appointments[id].clone();
    let row = citas(desk, loc)
        .remove(id)
        .expect("the cita in the replica");
    assert_eq!(row.title, ghl.title);
    assert_eq!(row.status, ghl.appointment_status);
    assert_eq!(row.calendar_id, ghl.calendar_id);
    assert_eq!(row.contact_id.as_deref(), Some(ghl.contact_id.as_str()));
    assert_eq!(
        row.assigned_user_id.as_deref(),
        Some(ghl.assigned_user_id.as_str())
    );
    assert_eq!(row.start, ghl.start_time);
    assert_eq!(row.end, ghl.end_time);
    assert_eq!(
        row.date_updated.as_deref().map(instant),
        Some(ghl.date_updated)
    );
}

/// An AppointmentUpdate as GHL sometimes sends it (#332): `appointment` as given.
fn appointment_update(
    loc: &str,
    webhook_id: &str,
    appointment: serde_json::Value,
) -> serde_json::Value {
    serde_json::json!({
        "type": "AppointmentUpdate",
        "locationId": loc,
        "webhookId": webhook_id,
        "timestamp": now_iso(),
        "appointment": appointment,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partial_webhook_is_completed_from_ghl_by_id() {
    let sb = sandbox().await;
    let loc = sb.location_id().to_string();
    let relay_dir = tempfile::tempdir().expect("tempdir");
    let (relay, base) = relay(relay_dir.path()).await;
    let app_dir = tempfile::tempdir().expect("tempdir");
    let desk = desk(&sb, app_dir.path()).await;
    let task = follow_connected(&desk, relay_dir.path(), &base, &loc).await;
    let id = citas(&desk, &loc)
        .into_values()
        .find(|c| c.status != "cancelled")
        .expect("a cita")
        .id;
    let before = citas(&desk, &loc)[&id].clone();

    // GHL changes the cita (no webhook of its own: the partial one is all
    // the app hears about it).
    let moved = before.start + chrono::Duration::hours(1);
    admin(
        &sb,
        reqwest::Method::PATCH,
        &format!("appointments/{id}?webhooks=false"),
        serde_json::json!({
            "title": "Control – cambiada en GHL",
            "appointmentStatus": "showed",
            "startTime": moved.to_rfc3339(),
            "endTime": (moved + (before.end - before.start)).to_rfc3339(),
        }),
    )
    .await;
    sb.sandbox().clear_requests();

    // Only the id.
    post_as_ghl(
        &base,
        appointment_update(&loc, "parcial-solo-id", serde_json::json!({ "id": id })),
    )
    .await;
    wait_until("the partial one handled", Duration::from_secs(10), || {
        processed_ids(&desk, &loc).contains(&"parcial-solo-id".to_string())
    })
    .await;
    let log = desk.store().processed_webhooks(&loc).expect("log");
    let entry = log.last().expect("logged");
    assert_eq!(
        (entry.outcome.as_str(), entry.subject_id.as_deref()),
        ("applied", Some(id.as_str()))
    );
    assert_eq!(fetches_of(&sb, &id), [200], "one GET by id");
    assert_replica_matches_ghl(&sb, &desk, &loc, &id).await;
    assert_eq!(citas(&desk, &loc)[&id].title, "Control – cambiada en GHL");

    // Times and calendar, but no title, status nor patient (#332): the
    // replica takes GHL's version, not blanks and a default status.
    admin(
        &sb,
        reqwest::Method::PATCH,
        &format!("appointments/{id}?webhooks=false"),
        serde_json::json!({ "title": "Control – segunda versión", "appointmentStatus": "confirmed" }),
    )
    .await;
    post_as_ghl(
        &base,
        appointment_update(
            &loc,
            "parcial-sin-estado",
            serde_json::json!({
                "id": id,
                "calendarId": before.calendar_id,
                "startTime": moved.to_rfc3339(),
                "endTime": (moved + (before.end - before.start)).to_rfc3339(),
            }),
        ),
    )
    .await;
    wait_until("the thin one handled", Duration::from_secs(10), || {
        processed_ids(&desk, &loc).contains(&"parcial-sin-estado".to_string())
    })
    .await;
    assert_eq!(fetches_of(&sb, &id), [200, 200], "fetched again");
    assert_replica_matches_ghl(&sb, &desk, &loc, &id).await;
    let row = &citas(&desk, &loc)[&id];
    assert_eq!(
        (row.title.as_str(), row.status.as_str()),
        ("Control – segunda versión", "confirmed")
    );

    task.abort();
    relay.shutdown().await.expect("relay stops");
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partial_webhook_for_a_cita_ghl_no_longer_has_keeps_the_replica_and_says_so() {
    let sb = sandbox().await;
    let loc = sb.location_id().to_string();
    let (relay_dir, relay, base) = relay_for(&sb).await;
    let app_dir = tempfile::tempdir().expect("tempdir");
    let desk = desk(&sb, app_dir.path()).await;
    let task = follow_connected(&desk, relay_dir.path(), &base, &loc).await;
    let ids: Vec<String> = citas(&desk, &loc).into_keys().take(2).collect();
    let (gone, other) = (ids[0].clone(), ids[1].clone());
    let before = citas(&desk, &loc)[&gone].clone();
    let count_before = citas(&desk, &loc).len();

    admin(
        &sb,
        reqwest::Method::DELETE,
        &format!("appointments/{gone}?webhooks=false"),
        serde_json::Value::Null,
    )
    .await;
    sb.sandbox().clear_requests();
    post_as_ghl(
        &base,
        appointment_update(
            &loc,
            "parcial-ya-no-esta",
            serde_json::json!({ "id": gone }),
        ),
    )
    .await;
    wait_until("the partial one handled", Duration::from_secs(10), || {
        processed_ids(&desk, &loc).contains(&"parcial-ya-no-esta".to_string())
    })
    .await;

    // Recorded as such, with the cita it named.
    let log = desk.store().processed_webhooks(&loc).expect("log");
    let entry = log
        .iter()
        .find(|p| p.webhook_id == "parcial-ya-no-esta")
        .expect("logged");
    assert_eq!(entry.event_type, "AppointmentUpdate");
    assert_eq!(entry.outcome, "not_found");
    assert_eq!(entry.subject_id.as_deref(), Some(gone.as_str()));
    // GHL was asked once; it answers an unknown event id with 400 "not found".
    assert_eq!(fetches_of(&sb, &gone), [400]);

    // Nothing lost or changed: the replica keeps its copy as it was.
    let now = citas(&desk, &loc);
    assert_eq!(now.len(), count_before);
    let kept = &now[&gone];
    assert_eq!(
        (
            &kept.title,
            &kept.status,
            &kept.calendar_id,
            &kept.contact_id,
            kept.start,
            kept.end,
            &kept.date_updated
        ),
        (
            &before.title,
            &before.status,
            &before.calendar_id,
            &before.contact_id,
            before.start,
            before.end,
            &before.date_updated
        )
    );

    // The stream goes on: a genuine change after it is applied.
    retitle(&sb, &other, "Después del aviso").await;
    wait_until("the next change", Duration::from_secs(10), || {
        citas(&desk, &loc)[&other].title == "Después del aviso"
    })
    .await;
    // And a redelivery of the partial one is not fetched again.
    post_as_ghl(
        &base,
        appointment_update(
            &loc,
            "parcial-ya-no-esta",
            serde_json::json!({ "id": gone }),
        ),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(fetches_of(&sb, &gone), [400]);

    task.abort();
    relay.shutdown().await.expect("relay stops");
    sb.shutdown().await;
}

fn keychain_expected() -> bool {
    std::env::var("CITADESK_REQUIRE_KEYCHAIN").is_ok_and(|v| v == "1")
        || std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
}

/// Files under `dir` whose bytes contain `needle`.
fn files_containing(dir: &std::path::Path, needle: &[u8]) -> Vec<String> {
    let mut hits = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let p = entry.path();
        if p.is_dir() {
            hits.extend(files_containing(&p, needle));
        } else if let Ok(bytes) = std::fs::read(&p) {
            if bytes.windows(needle.len()).any(|w| w == needle) {
                hits.push(p.display().to_string());
            }
        }
    }
    hits
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_relay_install_token_lives_in_the_keychain_only() {
    if !keychain_expected() {
        eprintln!("skipped: no D-Bus session (scripts/test.sh provides one)");
        return;
    }
    let sb = sandbox().await;
    let loc = sb.location_id().to_string();
    let (relay_dir, relay, base) = relay_for(&sb).await;
    let app_dir = tempfile::tempdir().expect("tempdir");
    let desk = desk(&sb, app_dir.path()).await;
    // A silent fallback to keyring's in-memory mock would pass the rest.
    assert_eq!(desk.keychain_backend().expect("backend"), "secret-service");
    let tok = install_token(relay_dir.path(), "Recepción 1", &loc);

    let settings = desk
        .set_relay(
            None,
            &base,
            Some(Secret::new(tok.clone())),
            TokenKeeping::Keychain,
        )
        .await
        .expect("relay settings");
    assert!(settings.has_token);
    let account = citadesk_core::relay_account(&loc);
    let keychain = TokenStore::new();
    let kept = {
        let (k, a) = (keychain.clone(), account.clone());
        tokio::task::spawn_blocking(move || k.load(&a))
            .await
            .expect("join")
    };
    assert_eq!(kept.expect("in the keychain").expose(), tok);

    // The app restarts: the token comes from the keychain, not from memory.
    drop(desk);
    let desk = common::app::desk(&sb, app_dir.path()).await;
    let task = tokio::spawn(desk.clone().run_relay_loop());
    wait_until("connected", Duration::from_secs(10), || {
        desk.relay_state() == RelayState::Connected
    })
    .await;
    let id = citas(&desk, &loc).into_keys().next().expect("a cita");
    retitle(&sb, &id, "Llegó con el token del llavero").await;
    wait_until("the change applied", Duration::from_secs(10), || {
        citas(&desk, &loc)[&id].title == "Llegó con el token del llavero"
    })
    .await;
    // Every file of the data folder: the replica, its WAL, logs.
    let hits = files_containing(app_dir.path(), tok.as_bytes());
    assert!(hits.is_empty(), "the install token is on disk: {hits:?}");
    // The replica is encrypted (the search above reads its bytes and the
    // logs); what it keeps reads back through the desk: the URL, a token
    // held elsewhere.
    let replica = std::fs::read(app_dir.path().join("citadesk.db")).expect("replica");
    assert!(!replica.starts_with(b"SQLite format 3"));
    let shown = desk.relay_settings(None).await.expect("settings");
    assert_eq!(shown.url.as_deref(), Some(base.trim_end_matches('/')));
    assert!(shown.has_token);

    desk.clear_relay(None).await.expect("clear");
    let after = {
        let (k, a) = (keychain.clone(), account.clone());
        tokio::task::spawn_blocking(move || k.load(&a))
            .await
            .expect("join")
    };
    assert!(
        matches!(after, Err(TokenStoreError::Missing(_))),
        "{after:?}"
    );
    assert!(!desk.relay_settings(None).await.expect("settings").has_token);
    wait_until("not configured", Duration::from_secs(10), || {
        desk.relay_state() == RelayState::NotConfigured
    })
    .await;

    task.abort();
    relay.shutdown().await.expect("relay stops");
    sb.shutdown().await;
}

/// A second location in the sandbox, with its own Private Integration Token.
async fn add_location(sb: &RunningSandbox, id: &str, name: &str, pit: &str) {
    {
        let mut world = sb.sandbox().write().await;
        let mut location = world.primary_location().clone();
        location.id = id.to_string();
        location.name = name.to_string();
        location.timezone = "America/Bogota".to_string();
        world.locations.insert(id.to_string(), location);
    }
    sb.sandbox().tokens().insert(
        pit.to_string(),
        ghl_sandbox::auth::Grant {
            location_id: id.to_string(),
            kind: ghl_sandbox::auth::TokenKind::PrivateIntegration,
            app_id: format!("pit:{pit}"),
            expires_at: None,
        },
    );
}

/// A complete AppointmentCreate of location `loc`, as GHL shapes it.
fn appointment_create(loc: &str, webhook_id: &str, cita: &str, title: &str) -> serde_json::Value {
    let start = (Utc::now() + chrono::Duration::days(1))
        .format("%Y-%m-%dT09:00:00-05:00")
        .to_string();
    let end = (Utc::now() + chrono::Duration::days(1))
        .format("%Y-%m-%dT09:30:00-05:00")
        .to_string();
    serde_json::json!({
        "type": "AppointmentCreate",
        "locationId": loc,
        "webhookId": webhook_id,
        "timestamp": now_iso(),
        "appointment": {
            "id": cita, "title": title, "calendarId": "cal-norte", "contactId": "paciente-norte",
            "appointmentStatus": "confirmed", "assignedUserId": "dra-norte",
            "startTime": start, "endTime": end, "dateUpdated": now_iso(),
        },
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switching_the_active_location_switches_the_relay_connection() {
    let sb = sandbox().await;
    let sede_a = sb.location_id().to_string();
    let sede_b = "SedeNorte00000000001".to_string();
    // Each location on its own relay: the URL changes with the token.
    let (dir_a, dir_b) = (
        tempfile::tempdir().expect("tempdir"),
        tempfile::tempdir().expect("tempdir"),
    );
    let (relay_a, base_a) = relay(dir_a.path()).await;
    let (relay_b, base_b) = relay(dir_b.path()).await;
    sb.sandbox()
        .webhooks()
        .set_urls(vec![format!("{base_a}/webhooks/ghl")]);
    let tok_a = install_token(dir_a.path(), "Recepción A", &sede_a);
    let tok_b = install_token(dir_b.path(), "Recepción B", &sede_b);

    let app_dir = tempfile::tempdir().expect("tempdir");
    let desk = desk(&sb, app_dir.path()).await;
    let task = follow(&desk, &base_a, &tok_a).await;
    wait_until("connected to A's relay", Duration::from_secs(10), || {
        desk.relay_state() == RelayState::Connected
    })
    .await;
    let cita_a = citas(&desk, &sede_a).into_keys().next().expect("a cita");
    retitle(&sb, &cita_a, "Antes del cambio de sede").await;
    wait_until("A's change applied", Duration::from_secs(10), || {
        citas(&desk, &sede_a)[&cita_a].title == "Antes del cambio de sede"
    })
    .await;
    assert!(desk.status().expect("status").relay_last_event_at.is_some());
    let log_a = processed_ids(&desk, &sede_a);

    // Connecting a second location makes it the active one; it has no relay yet.
    add_location(&sb, &sede_b, "Clínica Demo – Sede Norte", "pit-sede-norte").await;
    desk.connect_pit(
        &sb.base_url(),
        &sede_b,
        Secret::new("pit-sede-norte"),
        TokenKeeping::Environment,
    )
    .await
    .expect("connect B");
    let status = desk.status().expect("status");
    assert_eq!(
        status.location.as_ref().map(|l| l.id.as_str()),
        Some(sede_b.as_str())
    );
    assert_ne!(
        status.relay,
        RelayState::Connected,
        "not A's connection any more"
    );
    assert!(status.relay_last_event_at.is_none(), "not A's last event");
    wait_until("B has no relay", Duration::from_secs(10), || {
        desk.relay_state() == RelayState::NotConfigured
    })
    .await;

    // A's changes go on in GHL; the desk, on B, applies none of them.
    let delivered_before = delivered(&sb).len();
    retitle(&sb, &cita_a, "Mientras se ve la Sede Norte").await;
    wait_until("A's relay has it", Duration::from_secs(10), || {
        delivered(&sb).len() == delivered_before + 1
    })
    .await;

    desk.set_relay(
        Some(&sede_b),
        &base_b,
        Some(Secret::new(tok_b.clone())),
        TokenKeeping::Environment,
    )
    .await
    .expect("B's relay");
    wait_until("connected to B's relay", Duration::from_secs(10), || {
        desk.relay_state() == RelayState::Connected
    })
    .await;
    post_as_ghl(
        &base_b,
        appointment_create(
            &sede_b,
            "norte-1",
            "cita-norte-1",
            "Primera de la Sede Norte",
        ),
    )
    .await;
    wait_until("B's cita in the replica", Duration::from_secs(10), || {
        citas(&desk, &sede_b).contains_key("cita-norte-1")
    })
    .await;
    assert_eq!(processed_ids(&desk, &sede_b), ["norte-1"]);
    assert_eq!(
        processed_ids(&desk, &sede_a),
        log_a,
        "nothing of A applied on B"
    );
    assert_eq!(
        citas(&desk, &sede_a)[&cita_a].title,
        "Antes del cambio de sede"
    );

    // Back to A: A's relay again, from A's cursor, so what A missed arrives.
    let status = desk.switch_location(&sede_a).expect("switch");
    assert_ne!(
        status.relay,
        RelayState::Connected,
        "not B's connection any more"
    );
    wait_until("A's missed change applied", Duration::from_secs(10), || {
        citas(&desk, &sede_a)[&cita_a].title == "Mientras se ve la Sede Norte"
    })
    .await;
    wait_until("connected to A's relay", Duration::from_secs(10), || {
        desk.relay_state() == RelayState::Connected
    })
    .await;
    assert_eq!(processed_ids(&desk, &sede_a).len(), log_a.len() + 1);

    // B's events go on reaching B's relay; the desk, on A, applies none.
    post_as_ghl(
        &base_b,
        appointment_create(
            &sede_b,
            "norte-2",
            "cita-norte-2",
            "Segunda de la Sede Norte",
        ),
    )
    .await;
    retitle(&sb, &cita_a, "Otra vez en A").await;
    wait_until("A's next change", Duration::from_secs(10), || {
        citas(&desk, &sede_a)[&cita_a].title == "Otra vez en A"
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(processed_ids(&desk, &sede_b), ["norte-1"]);
    assert!(!citas(&desk, &sede_b).contains_key("cita-norte-2"));

    task.abort();
    relay_a.shutdown().await.expect("relay stops");
    relay_b.shutdown().await.expect("relay stops");
    sb.shutdown().await;
}
