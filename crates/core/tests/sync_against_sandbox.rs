//! The pull sync and the offline path against ghl-sandbox over real HTTP on
//! loopback, with a real SQLite file.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use citadesk_core::ghl::Secret;
use citadesk_core::ConnectionState;
use citadesk_core::{DemoConnection, Desk, DeskOptions, TokenKeeping};
use ghl_sandbox::{RunningSandbox, SandboxConfig, Seed};

async fn sandbox_on(bind: std::net::SocketAddr) -> RunningSandbox {
    ghl_sandbox::start(SandboxConfig {
        bind,
        seed: Seed::Demo,
        ..Default::default()
    })
    .await
    .expect("sandbox starts")
}

fn demo_options(dir: &Path, sb: &RunningSandbox) -> DeskOptions {
    let mut o = DeskOptions::new(dir);
    o.demo = Some(DemoConnection {
        base_url: sb.base_url(),
        location_id: sb.location_id().to_string(),
        token: Secret::new(sb.pit()),
    });
    o
}

/// A GHL read straight from the sandbox (calendars group), as JSON.
async fn ghl_get(sb: &RunningSandbox, path: &str, query: &[(&str, &str)]) -> serde_json::Value {
    reqwest::Client::new()
        .get(format!("{}{}", sb.base_url(), path))
        .query(query)
        .bearer_auth(sb.pit())
        .header("Version", "2021-04-15")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// What the sandbox itself lists for a calendar over a window, by id.
async fn sandbox_ids(sb: &RunningSandbox, start_utc: &str, end_utc: &str) -> BTreeSet<String> {
    let ms = |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap()
            .timestamp_millis()
            .to_string()
    };
    let (start, end) = (ms(start_utc), ms(end_utc));
    let cals = ghl_get(sb, "/calendars/", &[("locationId", sb.location_id())]).await;
    let mut ids = BTreeSet::new();
    for cal in cals["calendars"].as_array().unwrap() {
        let query = [
            ("locationId", sb.location_id()),
            ("calendarId", cal["id"].as_str().unwrap()),
            ("startTime", start.as_str()),
            ("endTime", end.as_str()),
        ];
        let evs = ghl_get(sb, "/calendars/events", &query).await;
        for e in evs["events"].as_array().unwrap() {
            ids.insert(e["id"].as_str().unwrap().to_string());
        }
    }
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_fills_the_replica_and_the_week_matches_ghl() {
    let sb = sandbox_on("127.0.0.1:0".parse().unwrap()).await;
    let dir = tempfile::tempdir().unwrap();
    let desk = Desk::open(demo_options(dir.path(), &sb)).unwrap();

    let summary = desk.sync_now().await.expect("sync");
    assert_eq!(summary.calendars, 3);
    assert!(summary.citas_upserted >= 100, "{summary:?}");
    assert!(summary.contacts_fetched > 0);
    // location + users + calendars + 3 calendars x 3 windows (74 days in <=31-day windows)
    // + the practice: groups, rooms, equipment, 3 schedules, and blocks from yesterday
    // (61 days in 2 windows) for the one group and the 3 practitioners + patients.
    assert_eq!(
        summary.ghl_calls,
        3 + 9 + (3 + 3 + 2 * 4) + summary.contacts_fetched
    );

    let week = desk.week_view(None).unwrap();
    assert_eq!(week.location.name, "Clínica Demo");
    assert_eq!(week.location.time_zone, "America/Lima");
    assert_eq!(week.calendars.len(), 3);
    assert!(
        week.calendars.iter().all(|c| c.practitioner.is_some()),
        "practitioners named"
    );
    let shown: BTreeSet<String> = week.citas.iter().map(|c| c.id.clone()).collect();
    let (first, last) = (week.citas.first().unwrap(), week.citas.last().unwrap());
    assert!(first.start_local.as_str() >= week.week_start.as_str());
    // Same ids as GHL lists for the same week (Monday 00:00 to Monday 00:00 in Lima).
    let monday = chrono::NaiveDate::parse_from_str(&week.week_start, "%Y-%m-%d").unwrap();
    let start = format!("{}T05:00:00Z", monday);
    let end = format!("{}T05:00:00Z", monday + chrono::Duration::days(7));
    assert_eq!(shown, sandbox_ids(&sb, &start, &end).await);
    assert!(last.start_local.as_str() < (monday + chrono::Duration::days(7)).to_string().as_str());
    // Lima is UTC-5 all year: local wall time = UTC - 5 h.
    let c = &week.citas[0];
    let utc = chrono::DateTime::parse_from_rfc3339(&c.start_utc).unwrap();
    let lima = (utc - chrono::Duration::hours(5))
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string();
    assert_eq!(c.start_local, lima);
    assert!(
        week.citas.iter().any(|c| c.patient_name.is_some()),
        "patients joined"
    );

    // A second sync changes nothing and fetches no patient again.
    let again = desk.sync_now().await.unwrap();
    assert_eq!(again.citas_removed, 0);
    assert_eq!(again.contacts_fetched, 0);
    assert_eq!(desk.week_view(None).unwrap(), week);
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_serves_the_cached_week_and_recovers() {
    let sb = sandbox_on("127.0.0.1:0".parse().unwrap()).await;
    let addr = sb.addr();
    let dir = tempfile::tempdir().unwrap();
    let opts = demo_options(dir.path(), &sb);
    let desk = Desk::open(opts.clone()).unwrap();
    desk.sync_now().await.unwrap();
    let week = desk.week_view(None).unwrap();
    assert_eq!(desk.status().unwrap().connection, ConnectionState::Online);
    sb.shutdown().await;

    // GHL unreachable: the sync fails as offline, the cached week stays.
    let err = desk.sync_now().await.unwrap_err();
    assert!(err.is_offline(), "{err:?}");
    assert_eq!(err.code(), "network.unreachable");
    let status = desk.status().unwrap();
    assert_eq!(status.connection, ConnectionState::Offline);
    assert!(
        status.last_sync_local.is_some(),
        "banner can say when the last sync was"
    );
    assert_eq!(desk.week_view(None).unwrap(), week);
    drop(desk);

    // A restart while offline opens on the cache, already marked offline.
    let desk = Desk::open(opts).unwrap();
    assert_eq!(desk.status().unwrap().connection, ConnectionState::Offline);
    assert_eq!(desk.week_view(None).unwrap(), week);

    // GHL back on the same address: online again, nothing lost or doubled.
    let sb = sandbox_on(addr).await;
    desk.sync_now().await.unwrap();
    assert_eq!(desk.status().unwrap().connection, ConnectionState::Online);
    assert_eq!(desk.week_view(None).unwrap(), week);
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_token_is_an_auth_error_not_offline() {
    let sb = sandbox_on("127.0.0.1:0".parse().unwrap()).await;
    let dir = tempfile::tempdir().unwrap();
    let mut opts = demo_options(dir.path(), &sb);
    opts.demo.as_mut().unwrap().token = Secret::new("not-a-token");
    let desk = Desk::open(opts).unwrap();
    let err = desk.sync_now().await.unwrap_err();
    assert_eq!(err.code(), "auth.expired");
    let status = desk.status().unwrap();
    assert_eq!(status.connection, ConnectionState::Error);
    assert!(status
        .last_error
        .unwrap()
        .message
        .contains("conecte la sede de nuevo"));
    sb.shutdown().await;
}

fn contains_bytes(dir: &Path, needle: &[u8]) -> Vec<String> {
    let mut hits = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        if p.is_dir() {
            hits.extend(contains_bytes(&p, needle));
        } else if let Ok(bytes) = std::fs::read(&p) {
            if bytes.windows(needle.len()).any(|w| w == needle) {
                hits.push(p.display().to_string());
            }
        }
    }
    hits
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connecting_keeps_the_token_in_the_keychain_only() {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none()
        && std::env::var("CITADESK_REQUIRE_KEYCHAIN").as_deref() != Ok("1")
    {
        eprintln!("skipped: no D-Bus session (scripts/test.sh provides one)");
        return;
    }
    let sb = sandbox_on("127.0.0.1:0".parse().unwrap()).await;
    let dir = tempfile::tempdir().unwrap();
    let _logs = citadesk_core::telemetry::init(dir.path(), "test");
    let desk = Desk::open(DeskOptions::new(dir.path())).unwrap();
    assert_eq!(
        desk.status().unwrap().connection,
        ConnectionState::NotConnected
    );
    assert_eq!(
        desk.week_view(None).unwrap_err().code(),
        "setup.not_connected"
    );

    // A wrong token is refused before anything is stored.
    let err = desk
        .connect_pit(
            &sb.base_url(),
            sb.location_id(),
            Secret::new("wrong"),
            TokenKeeping::Keychain,
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "auth.expired");
    assert!(desk.active_location().unwrap().is_none());

    let loc = desk
        .connect_pit(
            &sb.base_url(),
            sb.location_id(),
            Secret::new(sb.pit()),
            TokenKeeping::Keychain,
        )
        .await
        .unwrap();
    assert_eq!(loc.time_zone, "America/Lima");
    desk.sync_now()
        .await
        .expect("sync reads the token from the keychain");
    drop(desk);

    let leaks = contains_bytes(dir.path(), sb.pit().as_bytes());
    assert!(leaks.is_empty(), "token found on disk in {leaks:?}");

    let desk = Desk::open(DeskOptions::new(dir.path())).unwrap();
    desk.disconnect(sb.location_id()).await.unwrap();
    let account = citadesk_core::ghl::TokenStore::pit_account(sb.location_id());
    // keyring's D-Bus calls block: off the async workers, as the Desk does.
    let after =
        tokio::task::spawn_blocking(move || citadesk_core::ghl::TokenStore::new().load(&account))
            .await
            .unwrap();
    assert_eq!(after.unwrap_err().code(), "auth.token_missing");
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_replica_is_set_aside_and_rebuilt_from_ghl() {
    let sb = sandbox_on("127.0.0.1:0".parse().unwrap()).await;
    let dir = tempfile::tempdir().unwrap();
    let replica = citadesk_core::paths::replica_path(dir.path());
    let garbage = b"not a database: a disk error left this here, long enough for a header".to_vec();
    std::fs::write(&replica, &garbage).unwrap();

    let desk = Desk::open(demo_options(dir.path(), &sb)).expect("opens anyway");
    let notice = desk.status().unwrap().notice.expect("the user is told");
    assert_eq!(notice.code, "store.recovered");
    // The damaged file is kept, byte for byte, where the notice says.
    let aside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("citadesk.damaged-")
        })
        .collect();
    assert_eq!(aside.len(), 1);
    assert!(notice.message.contains(&aside[0].display().to_string()));
    assert_eq!(std::fs::read(&aside[0]).unwrap(), garbage);
    // And the fresh replica fills from GHL.
    desk.sync_now().await.unwrap();
    assert!(!desk.week_view(None).unwrap().calendars.is_empty());
    sb.shutdown().await;
}

/// A change made in GHL's own UI without a webhook, as the sandbox's admin API does it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconciliation_finds_each_kind_of_drift_then_nothing_after_a_sync() {
    use reqwest::Method;
    let sb = sandbox_on("127.0.0.1:0".parse().unwrap()).await;
    let dir = tempfile::tempdir().unwrap();
    let desk = Desk::open(demo_options(dir.path(), &sb)).unwrap();
    desk.sync_now().await.unwrap();
    let clean = desk.reconcile(1, 30).await.unwrap();
    assert!(clean.is_clean(), "{clean:?}");
    // 3 calendars x 2 windows (32 days in windows of at most 31): no call per cita.
    assert_eq!(clean.ghl_calls, 1 + 3 * 2);

    // Citas still ahead to play with, from the replica.
    let week = desk.week_view(None).unwrap();
    let mut future = common::citas_ahead(&desk).into_iter();
    let (moved, cancelled, deleted, retimed) = (
        future.next().unwrap(),
        future.next().unwrap(),
        future.next().unwrap(),
        future.next().unwrap(),
    );
    let other_cal = week
        .calendars
        .iter()
        .find(|c| c.id != moved.calendar_id)
        .unwrap()
        .id
        .clone();
    sb.edit_in_ghl_ui(
        Method::PATCH,
        &format!("/appointments/{}", moved.id),
        Some(serde_json::json!({ "calendarId": other_cal })),
    )
    .await;
    sb.edit_in_ghl_ui(
        Method::POST,
        &format!("/appointments/{}/cancel", cancelled.id),
        None,
    )
    .await;
    sb.edit_in_ghl_ui(
        Method::DELETE,
        &format!("/appointments/{}", deleted.id),
        None,
    )
    .await;
    // 23:30 Lima on the same day: a late change that must stay on its date.
    let day = &retimed.start_local[..10];
    sb.edit_in_ghl_ui(Method::PATCH,
        &format!("/appointments/{}", retimed.id),
        Some(serde_json::json!({ "startTime": format!("{day}T23:30:00-05:00"), "endTime": format!("{day}T23:59:00-05:00") })),
    )
    .await;
    let contact = moved.contact_id.clone().unwrap();
    let created = sb.edit_in_ghl_ui(Method::POST,
        "/appointments",
        Some(serde_json::json!({ "calendarId": moved.calendar_id, "contactId": contact, "startTime": format!("{day}T21:00:00-05:00"), "endTime": format!("{day}T21:30:00-05:00"), "title": "Creada en GHL" })),
    )
    .await;

    let report = desk.reconcile(1, 30).await.unwrap();
    let ids = |lines: &[citadesk_core::ReportLine]| {
        lines.iter().map(|l| l.id.clone()).collect::<Vec<_>>()
    };
    assert_eq!(
        ids(&report.faltantes_local),
        [created["id"].as_str().unwrap()]
    );
    assert_eq!(
        ids(&report.canceladas_no_actualizadas),
        [cancelled.id.as_str()]
    );
    assert_eq!(ids(&report.faltantes_remoto), [deleted.id.as_str()]);
    let drift: Vec<_> = report
        .desincronizadas
        .iter()
        .map(|d| d.id.clone())
        .collect();
    assert_eq!(drift.len(), 2, "{drift:?}");
    let moved_line = report
        .desincronizadas
        .iter()
        .find(|d| d.id == moved.id)
        .expect("the move is one drift line");
    assert!(moved_line
        .diferencias
        .iter()
        .any(|f| f.ghl.as_deref() == Some(other_cal.as_str())));
    let late = report
        .desincronizadas
        .iter()
        .find(|d| d.id == retimed.id)
        .unwrap();
    assert_eq!(late.start_local, format!("{day}T23:30:00"));
    assert_eq!(report.counts.total, 5);

    // Running again gives the same findings; the reports are kept.
    let again = desk.reconcile(1, 30).await.unwrap();
    assert_eq!(
        (again.faltantes_local.clone(), again.desincronizadas.clone()),
        (
            report.faltantes_local.clone(),
            report.desincronizadas.clone()
        )
    );
    assert_eq!(desk.reconciliation_reports(10).unwrap().len(), 3);
    let csv = citadesk_core::testing::to_csv(&report);
    assert!(csv.starts_with("fecha,categoria,"));
    assert!(csv.contains(&format!("canceladas_no_actualizadas,{}", cancelled.id)));

    // Taking GHL's version (a sync) heals them: the comparison finds
    // nothing more, and each line now says the sync brought it (the daily
    // report lists them once, see daily_report.rs).
    desk.sync_now().await.unwrap();
    let healed = desk.reconcile(1, 30).await.unwrap();
    assert_eq!(healed.healed, 5, "{healed:#?}");
    assert_eq!(healed.counts.total, 5, "{healed:#?}");
    let vias: Vec<_> = healed
        .faltantes_local
        .iter()
        .chain(&healed.canceladas_no_actualizadas)
        .chain(&healed.faltantes_remoto)
        .map(|l| l.notes.via)
        .chain(healed.desincronizadas.iter().map(|l| l.notes.via))
        .collect();
    assert!(
        vias.iter().all(|v| *v == Some(citadesk_core::Via::Pull)),
        "{vias:?}"
    );
    sb.shutdown().await;
}
