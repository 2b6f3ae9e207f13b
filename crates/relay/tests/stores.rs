//! One contract, two stores: the same checks run on the SQLite file and on a
//! real PostgreSQL server, so the server behaves alike on either.

mod common;

use citadesk_relay::postgres::PgStore;
use citadesk_relay::sqlite::SqliteStore;
use citadesk_relay::store::{Appended, NewEvent, NewInstall, Store};
use common::pg::PgServer;

fn event(id: &str, loc: &str, at: i64) -> NewEvent {
    NewEvent {
        webhook_id: id.into(),
        location_id: loc.into(),
        event_type: "AppointmentUpdate".into(),
        received_at_ms: at,
        ghl_signature: (loc != "L2").then(|| format!("sig-{id}")),
        wh_signature: (loc == "L2").then(|| format!("wh-{id}")),
        // Not UTF-8 on purpose: bodies are stored as bytes, untouched.
        body: [
            b"{\"webhookId\":\"".as_slice(),
            id.as_bytes(),
            b"\"}\xff\x00",
        ]
        .concat(),
    }
}

fn cursor(a: Appended) -> i64 {
    match a {
        Appended::Stored { cursor } => cursor,
        Appended::Duplicate => panic!("stored expected"),
    }
}

fn contract(store: &dyn Store) {
    assert_eq!(store.head().expect("head"), 0);

    // A batch: cursors increase; a webhookId twice in one batch, or again in
    // a later batch, is stored once.
    let out = store
        .append_batch(&[
            event("a", "L1", 100),
            event("b", "L2", 110),
            event("a", "L1", 120),
            event("c", "L1", 130),
        ])
        .expect("append");
    assert_eq!(out[2], Appended::Duplicate);
    let (a, b, c) = (cursor(out[0]), cursor(out[1]), cursor(out[3]));
    assert!(a < b && b < c, "{a} {b} {c}");
    let again = store
        .append_batch(&[event("b", "L2", 140), event("d", "L1", 150)])
        .expect("append");
    assert_eq!(again[0], Appended::Duplicate);
    let d = cursor(again[1]);
    assert!(d > c);
    assert_eq!(store.head().expect("head"), d);

    // Reads: only the asked locations, after the cursor, in order, limited,
    // with the exact bytes and both signature headers.
    let l1 = store.events_after(&["L1".into()], 0, 10).expect("read");
    let ids: Vec<&str> = l1.iter().map(|e| e.webhook_id.as_str()).collect();
    assert_eq!(ids, ["a", "c", "d"]);
    assert_eq!(l1[0].body, event("a", "L1", 0).body);
    assert_eq!(
        l1[0].received_at_ms, 100,
        "the first copy is the stored one"
    );
    assert_eq!(l1[0].ghl_signature.as_deref(), Some("sig-a"));
    let l2 = store.events_after(&["L2".into()], 0, 10).expect("read");
    assert_eq!(l2.len(), 1);
    assert_eq!(l2[0].wh_signature.as_deref(), Some("wh-b"));
    assert_eq!(l2[0].ghl_signature, None);
    let both = store
        .events_after(&["L1".into(), "L2".into()], a, 2)
        .expect("read");
    let cursors: Vec<i64> = both.iter().map(|e| e.cursor).collect();
    assert_eq!(cursors, [b, c]);
    assert!(store.events_after(&[], 0, 10).expect("read").is_empty());

    // A range of cursors, every location, in order (what a head move brings).
    let between = |from: i64, to: i64| -> Vec<(i64, String)> {
        store
            .events_between(from, to)
            .expect("range")
            .into_iter()
            .map(|e| (e.cursor, e.location_id))
            .collect()
    };
    assert_eq!(
        between(0, d),
        [
            (a, "L1".into()),
            (b, "L2".into()),
            (c, "L1".into()),
            (d, "L1".into())
        ]
    );
    assert_eq!(between(b, d), [(c, "L1".into()), (d, "L1".into())]);
    assert!(between(d, d).is_empty());
    assert!(store
        .events_after(&["L3".into()], 0, 10)
        .expect("read")
        .is_empty());

    // Installs: created, listed, acks never move back, lag counts only the
    // install's locations, revoke is idempotent and unknown ids say so.
    store
        .create_install(&NewInstall {
            id: "0123456789abcdef".into(),
            name: "Recepción 1".into(),
            locations: vec!["L1".into(), "L1".into()],
            salt: vec![1, 2, 3],
            token_hash: vec![9; 32],
            created_at_ms: 5,
        })
        .expect("install");
    let i = store
        .install("0123456789abcdef")
        .expect("read")
        .expect("exists");
    assert_eq!(i.name, "Recepción 1");
    assert_eq!(i.locations, ["L1"]);
    assert_eq!(i.token_hash, vec![9; 32]);
    assert_eq!((i.acked_cursor, i.revoked_at_ms), (0, None));
    assert!(store.install("nope").expect("read").is_none());
    store.record_ack("0123456789abcdef", c, 7).expect("ack");
    store
        .record_ack("0123456789abcdef", a, 8)
        .expect("older ack");
    let i = store.install("0123456789abcdef").expect("read").expect("i");
    assert_eq!((i.acked_cursor, i.acked_at_ms), (c, Some(8)));
    let lags = store.install_lags().expect("lags");
    assert_eq!(lags.len(), 1);
    assert_eq!(lags[0].pending_events, 1, "only d is after c in L1");
    assert!(store.revoke_install("0123456789abcdef", 9).expect("revoke"));
    assert!(store.revoke_install("0123456789abcdef", 10).expect("again"));
    let i = store.install("0123456789abcdef").expect("read").expect("i");
    assert_eq!(i.revoked_at_ms, Some(9), "the first revocation time stays");
    assert!(!store.revoke_install("unknown", 9).expect("revoke"));
    assert!(store.install_lags().expect("lags").is_empty());
    assert_eq!(store.installs().expect("list").len(), 1);

    // Retention: what is purged is gone, its cursors are never reused, and a
    // reader can tell it missed them.
    assert_eq!(store.purged_through().expect("purged"), 0);
    assert_eq!(store.purge_received_before(135).expect("purge"), 3);
    assert_eq!(store.purged_through().expect("purged"), c);
    let left = store
        .events_after(&["L1".into(), "L2".into()], 0, 10)
        .expect("read");
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].webhook_id, "d");
    assert_eq!(store.purge_received_before(1_000).expect("purge"), 1);
    assert_eq!(store.purged_through().expect("purged"), d);
    let e = cursor(
        store
            .append_batch(&[event("e", "L1", 2_000)])
            .expect("append")[0],
    );
    assert!(e > d, "cursor {e} reused after a purge (last was {d})");
    assert_eq!(store.head().expect("head"), e);

    // The write probe of /healthz, repeated, touches neither cursors nor events.
    store.probe_write(3_000).expect("probe");
    store.probe_write(3_001).expect("probe again");
    assert_eq!(store.head().expect("head"), e);
    assert_eq!(store.purged_through().expect("purged"), d);
}

#[test]
fn sqlite_store_keeps_the_contract() {
    let dir = tempfile::tempdir().expect("tempdir");
    contract(&SqliteStore::open(dir.path()).expect("open"));
}

#[test]
fn postgres_store_keeps_the_contract() {
    let Some(pg) = PgServer::start() else { return };
    let url = pg.database("contract");
    let store = PgStore::open(&url, 4).expect("open");
    contract(&store);
    drop(store);

    // Opening again (a second instance, or a restart) migrates nothing and
    // keeps everything.
    let again = PgStore::open(&url, 4).expect("reopen");
    assert!(again.head().expect("head") >= 5);
    assert_eq!(again.installs().expect("installs").len(), 1);
}

#[test]
fn postgres_store_refuses_a_bad_url_and_an_unreachable_server_clearly() {
    let Some(pg) = PgServer::start() else { return };
    let bad = PgStore::open("postgresql://[::1", 2)
        .err()
        .expect("bad url");
    assert_eq!(bad.code(), "relay.config", "{bad}");
    assert!(bad.to_string().contains("database_url"), "{bad}");
    let url = pg.url("postgres");
    pg.stop();
    let down = PgStore::open(&url, 2).err().expect("server down");
    assert!(
        down.to_string().contains("cannot reach PostgreSQL"),
        "{down}"
    );
}

/// The last holder of a store is often async code (a server dropping its state
/// on shutdown); closing the PostgreSQL pool there must neither panic (it
/// aborted a CI run) nor leave connections open on the server. The store is
/// left untouched after opening: a query could start the pool topping itself
/// up on its own thread, which would then hold the last reference instead.
#[test]
fn postgres_store_closes_its_connections_when_dropped_by_async_code() {
    let Some(pg) = PgServer::start() else { return };
    let url = pg.database("dropped");
    let store: std::sync::Arc<dyn Store> =
        std::sync::Arc::new(PgStore::open(&url, 4).expect("open"));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .expect("runtime");
    let dropped = runtime.block_on(runtime.spawn(async move { drop(store) }));
    assert!(
        dropped.is_ok(),
        "dropping the store on a runtime worker failed"
    );

    let mut watcher = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
    let open = |c: &mut postgres::Client| -> i64 {
        c.query_one(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'citadesk-relay'",
            &[],
        )
        .expect("count")
        .get(0)
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while open(&mut watcher) > 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(open(&mut watcher), 0, "the store's connections are closed");
}
