//! The whole live path with real parts on loopback: ghl-sandbox (GHL) posts
//! signed webhooks to citadesk-relay, which streams them to the app's core
//! (citadesk-core's relay client), which applies them to its SQLite replica.

mod common;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use citadesk_core::RelayState;
use citadesk_relay::sqlite::SqliteStore;
use citadesk_relay::store::{NewEvent, Store as _};
use common::app::*;
use common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_in_ghl_reaches_the_replica_and_an_echo_is_not_applied_twice() {
    let sb = sandbox().await;
    let loc = sb.location_id().to_string();
    let (relay_dir, relay, base) = relay_for(&sb).await;
    let app_dir = tempfile::tempdir().expect("tempdir");
    let desk = desk(&sb, app_dir.path()).await;
    let ids: Vec<String> = citas(&desk, &loc).into_keys().collect();
    let (first, second) = (ids[0].clone(), ids[1].clone());

    // The echo: GHL changes a cita while the app is away, and the app's
    // pull brings the same version in before the webhook arrives.
    retitle(&sb, &second, "Control – ya sincronizado").await;
    wait_until("the relay stores it", Duration::from_secs(10), || {
        delivered(&sb).len() == 1
    })
    .await;
    desk.sync_now().await.expect("sync");
    assert_eq!(
        citas(&desk, &loc)[&second].title,
        "Control – ya sincronizado"
    );

    let task = follow_connected(&desk, relay_dir.path(), &base, &loc).await;
    let log = desk.store().processed_webhooks(&loc).expect("log");
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].outcome, "echo", "{log:?}");

    retitle(&sb, &first, "Revisión – Muñoz").await;
    wait_until(
        "the new title in the replica",
        Duration::from_secs(10),
        || citas(&desk, &loc)[&first].title == "Revisión – Muñoz",
    )
    .await;

    // A new cita and a deleted one.
    let cal = citas(&desk, &loc)[&first].calendar_id.clone();
    let contact = citas(&desk, &loc)
        .values()
        .find_map(|c| c.contact_id.clone())
        .expect("a patient");
    let start = (Utc::now() + chrono::Duration::days(2))
        .format("%Y-%m-%dT07:00:00-05:00")
        .to_string();
    let created = admin(
        &sb,
        reqwest::Method::POST,
        "appointments",
        serde_json::json!({"calendarId": cal, "contactId": contact, "startTime": start, "title": "Nueva por webhook"}),
    )
    .await;
    let new_id = created["id"].as_str().expect("id").to_string();
    wait_until("the new cita", Duration::from_secs(10), || {
        citas(&desk, &loc).contains_key(&new_id)
    })
    .await;
    admin(
        &sb,
        reqwest::Method::DELETE,
        &format!("appointments/{second}"),
        serde_json::Value::Null,
    )
    .await;
    wait_until("the deleted cita gone", Duration::from_secs(10), || {
        !citas(&desk, &loc).contains_key(&second)
    })
    .await;

    let log = desk.store().processed_webhooks(&loc).expect("log");
    let outcomes: Vec<&str> = log.iter().map(|p| p.outcome.as_str()).collect();
    assert_eq!(
        outcomes,
        ["echo", "applied", "applied", "applied"],
        "{log:?}"
    );
    let status = desk.status().expect("status");
    assert_eq!(status.relay, RelayState::Connected);
    assert!(status.relay_last_event_at.is_some());

    task.abort();
    relay.shutdown().await.expect("relay stops");
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_app_offline_for_a_while_catches_up_in_order_and_a_tampered_event_is_not_applied() {
    let sb = sandbox().await;
    let loc = sb.location_id().to_string();
    let (relay_dir, relay, base) = relay_for(&sb).await;
    let app_dir = tempfile::tempdir().expect("tempdir");
    let desk = desk(&sb, app_dir.path()).await;
    let ids: Vec<String> = citas(&desk, &loc).into_keys().take(3).collect();

    // While the app is closed: 3 citas changed 10 times each.
    for round in 0..10 {
        for id in &ids {
            retitle(&sb, id, &format!("Versión {round}")).await;
        }
    }
    wait_until("30 stored", Duration::from_secs(20), || {
        delivered(&sb).len() == 30
    })
    .await;

    // A relay that turned bad: it serves a signed body with one byte changed.
    let mut body = fixture_event(&loc, "tampered-1", &ids[0], "Versión 0");
    let sig = sign_ed25519("ed25519-test.pem", &body);
    let at = body.len() - 40;
    body[at] ^= 0x01;
    {
        let store = SqliteStore::open(relay_dir.path()).expect("store");
        store
            .append_batch(&[NewEvent {
                webhook_id: "tampered-1".into(),
                location_id: loc.clone(),
                event_type: "AppointmentUpdate".into(),
                received_at_ms: Utc::now().timestamp_millis(),
                ghl_signature: Some(sig),
                wh_signature: None,
                body,
            }])
            .expect("append");
    }
    // One more genuine change after it: the stream must go on.
    retitle(&sb, &ids[1], "Después del evento alterado").await;
    wait_until("31 stored", Duration::from_secs(20), || {
        delivered(&sb).len() == 31
    })
    .await;

    let tok = install_token(relay_dir.path(), "Recepción 1", &loc);
    let task = follow(&desk, &base, &tok).await;
    wait_until("caught up", Duration::from_secs(20), || {
        desk.store().processed_webhooks(&loc).expect("log").len() == 32
    })
    .await;
    let log = desk.store().processed_webhooks(&loc).expect("log");
    let cursors: Vec<i64> = log.iter().map(|p| p.relay_cursor).collect();
    assert!(
        cursors.windows(2).all(|w| w[0] < w[1]),
        "in relay order: {cursors:?}"
    );
    let rejected: Vec<_> = log.iter().filter(|p| p.outcome == "rejected").collect();
    assert_eq!(rejected.len(), 1, "{log:?}");
    assert_eq!(
        log.iter().filter(|p| p.outcome == "applied").count(),
        31,
        "every genuine change applied once, in order: {log:?}"
    );
    let now = citas(&desk, &loc);
    assert_eq!(
        now[&ids[0]].title, "Versión 9",
        "the tampered title was not applied"
    );
    assert_eq!(now[&ids[1]].title, "Después del evento alterado");
    assert_eq!(now[&ids[2]].title, "Versión 9");

    task.abort();
    relay.shutdown().await.expect("relay stops");
    sb.shutdown().await;
}

/// An AppointmentUpdate body as GHL shapes it, for a cita of the sandbox.
fn fixture_event(location: &str, webhook_id: &str, cita: &str, title: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "type": "AppointmentUpdate",
        "locationId": location,
        "appointment": {"id": cita, "title": title, "calendarId": "cal-x",
            "startTime": "2026-11-24T10:00:00-05:00", "endTime": "2026-11-24T10:30:00-05:00",
            "dateUpdated": "2099-01-01T00:00:00-05:00"},
        "timestamp": now_iso(),
        "webhookId": webhook_id,
    }))
    .expect("json")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_install_of_a_location_gets_everything_and_another_locations_install_nothing() {
    let sb = sandbox().await;
    let loc = sb.location_id().to_string();
    let (relay_dir, relay, base) = relay_for(&sb).await;
    let dirs: Vec<_> = (0..3)
        .map(|_| tempfile::tempdir().expect("tempdir"))
        .collect();
    let mut desks = Vec::new();
    let mut tasks = Vec::new();
    for (i, dir) in dirs.iter().enumerate() {
        let desk = desk(&sb, dir.path()).await;
        // The third install belongs to another clinic's location.
        let scope = if i < 2 {
            loc.clone()
        } else {
            "OtraSedeXXXXXXXXXXXX".to_string()
        };
        let tok = install_token(relay_dir.path(), &format!("Recepción {i}"), &scope);
        tasks.push(follow(&desk, &base, &tok).await);
        desks.push(desk);
    }
    for d in &desks {
        wait_until("connected", Duration::from_secs(10), || {
            d.relay_state() == RelayState::Connected
        })
        .await;
    }
    let ids: Vec<String> = citas(&desks[0], &loc).into_keys().take(5).collect();
    for (n, id) in ids.iter().enumerate() {
        retitle(&sb, id, &format!("Para todos {n}")).await;
    }
    wait_until("5 stored", Duration::from_secs(10), || {
        delivered(&sb).len() == 5
    })
    .await;
    let expected: HashSet<String> = delivered(&sb).into_iter().collect();
    for d in &desks[..2] {
        wait_until("both installs have all", Duration::from_secs(10), || {
            processed_ids(d, &loc).into_iter().collect::<HashSet<_>>() == expected
        })
        .await;
        assert_eq!(citas(d, &loc)[&ids[4]].title, "Para todos 4");
    }
    // Give the other location's install the same time, then check it saw nothing.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(processed_ids(&desks[2], &loc).is_empty());
    assert_ne!(citas(&desks[2], &loc)[&ids[4]].title, "Para todos 4");

    for t in tasks {
        t.abort();
    }
    relay.shutdown().await.expect("relay stops");
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_of_the_relay_under_a_steady_stream_loses_nothing_it_answered_200_for() {
    let sb = sandbox().await;
    let loc = sb.location_id().to_string();
    let relay_dir = tempfile::tempdir().expect("tempdir");
    let listen = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
        l.local_addr().expect("addr").to_string()
    };
    let (mut child, base) = spawn_relay_with_keys(relay_dir.path(), &listen);
    sb.sandbox()
        .webhooks()
        .set_urls(vec![format!("{base}/webhooks/ghl")]);
    let app_dir = tempfile::tempdir().expect("tempdir");
    let desk = desk(&sb, app_dir.path()).await;
    let task = follow_connected(&desk, relay_dir.path(), &base, &loc).await;

    // GHL: a steady stream of changes through the admin API.
    let ids: Vec<String> = citas(&desk, &loc).into_keys().take(20).collect();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let changer = {
        let (stop, ids, url) = (stop.clone(), ids.clone(), sb.base_url());
        tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut n = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let id = &ids[(n as usize) % ids.len()];
                let _ = http
                    .patch(format!("{url}/_sandbox/appointments/{id}"))
                    .header("content-type", "application/json")
                    .body(format!("{{\"title\":\"Cambio {n}\"}}"))
                    .send()
                    .await;
                n += 1;
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };
    let mut at_kill = 0;
    for _ in 0..2 {
        wait_until("more deliveries", Duration::from_secs(30), || {
            delivered(&sb).len() >= at_kill + 100
        })
        .await;
        child.kill().expect("kill -9");
        child.wait().expect("reap");
        at_kill = delivered(&sb).len();
        tokio::time::sleep(Duration::from_millis(200)).await;
        child = spawn_relay_with_keys(relay_dir.path(), &listen).0;
    }
    wait_until("more deliveries", Duration::from_secs(30), || {
        delivered(&sb).len() >= at_kill + 100
    })
    .await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    changer.await.expect("changer");
    // Let the sandbox's queue drain.
    tokio::time::sleep(Duration::from_millis(500)).await;

    let answered_200: HashSet<String> = delivered(&sb).into_iter().collect();
    wait_until(
        "the app has every event answered 200",
        Duration::from_secs(30),
        || {
            let seen: HashSet<String> = processed_ids(&desk, &loc).into_iter().collect();
            answered_200.is_subset(&seen)
        },
    )
    .await;
    let log = processed_ids(&desk, &loc);
    let unique: HashSet<&String> = log.iter().collect();
    assert_eq!(unique.len(), log.len(), "each webhook handled exactly once");
    let lost = sb.sandbox().webhooks().stats();
    eprintln!(
        "answered 200: {}, in the app: {}, sandbox stats: {lost:?}",
        answered_200.len(),
        log.len()
    );

    task.abort();
    child.kill().expect("kill");
    child.wait().expect("reap");
    sb.shutdown().await;
}

/// The relay binary, verifying with the test key the sandbox signs with.
fn spawn_relay_with_keys(dir: &std::path::Path, listen: &str) -> (std::process::Child, String) {
    spawn_relay(dir, listen)
}
