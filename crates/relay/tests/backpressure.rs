//! When the relay cannot persist (storage failing, queue full) it answers
//! 429, the one status GHL retries, and the retry is then stored once.

mod common;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use citadesk_relay::sqlite::SqliteStore;
use citadesk_relay::store::{
    Appended, Install, InstallLag, NewEvent, NewInstall, Store, StoredEvent,
};
use citadesk_relay::RelayError;
use common::*;

/// SQLite underneath, with switchable failure and slowness for commits.
struct Faulty {
    inner: SqliteStore,
    failing: AtomicBool,
    delay_ms: AtomicU64,
}

impl Store for Faulty {
    fn append_batch(&self, events: &[NewEvent]) -> Result<Vec<Appended>, RelayError> {
        std::thread::sleep(Duration::from_millis(self.delay_ms.load(Ordering::Relaxed)));
        if self.failing.load(Ordering::Relaxed) {
            return Err(RelayError::Storage("database or disk is full".into()));
        }
        self.inner.append_batch(events)
    }
    fn events_after(&self, l: &[String], a: i64, n: usize) -> Result<Vec<StoredEvent>, RelayError> {
        self.inner.events_after(l, a, n)
    }
    fn events_between(&self, a: i64, b: i64) -> Result<Vec<StoredEvent>, RelayError> {
        self.inner.events_between(a, b)
    }
    fn head(&self) -> Result<i64, RelayError> {
        self.inner.head()
    }
    fn purged_through(&self) -> Result<i64, RelayError> {
        self.inner.purged_through()
    }
    fn purge_received_before(&self, c: i64) -> Result<u64, RelayError> {
        self.inner.purge_received_before(c)
    }
    fn ping(&self) -> Result<(), RelayError> {
        self.inner.ping()
    }
    fn create_install(&self, i: &NewInstall) -> Result<(), RelayError> {
        self.inner.create_install(i)
    }
    fn install(&self, id: &str) -> Result<Option<Install>, RelayError> {
        self.inner.install(id)
    }
    fn installs(&self) -> Result<Vec<Install>, RelayError> {
        self.inner.installs()
    }
    fn revoke_install(&self, id: &str, at: i64) -> Result<bool, RelayError> {
        self.inner.revoke_install(id, at)
    }
    fn revoked_installs(&self) -> Result<Vec<String>, RelayError> {
        self.inner.revoked_installs()
    }
    fn record_ack(&self, id: &str, c: i64, at: i64) -> Result<(), RelayError> {
        self.inner.record_ack(id, c, at)
    }
    fn install_lags(&self) -> Result<Vec<InstallLag>, RelayError> {
        self.inner.install_lags()
    }
}

async fn start(
    queue_capacity: usize,
    max_batch: usize,
) -> (
    citadesk_relay::Relay,
    Arc<Faulty>,
    String,
    tempfile::TempDir,
) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(Faulty {
        inner: SqliteStore::open(dir.path()).expect("store"),
        failing: AtomicBool::new(false),
        delay_ms: AtomicU64::new(0),
    });
    let cfg = citadesk_relay::Config {
        queue_capacity,
        max_batch,
        ..test_config(dir.path())
    };
    let relay = citadesk_relay::start_with_store(cfg, store.clone())
        .await
        .expect("relay");
    let base = format!("http://{}", relay.addr);
    (relay, store, base, dir)
}

#[tokio::test]
async fn a_failed_commit_is_429_and_the_retry_is_stored() {
    let (relay, store, base, _dir) = start(100, 100).await;
    let http = reqwest::Client::new();
    let body = appointment_body("disk-full-1", "L1", &now_iso());
    let sig = sign_ed25519("ed25519-test.pem", &body);
    let headers = [("x-ghl-signature", sig)];

    store.failing.store(true, Ordering::Relaxed);
    let (status, json) = post(&http, &base, body.clone(), &headers).await;
    assert_eq!(
        (status, json["error"].as_str()),
        (429, Some("relay.not_persisted"))
    );

    store.failing.store(false, Ordering::Relaxed);
    let (status, json) = post(&http, &base, body, &headers).await;
    assert_eq!((status, json["status"].as_str()), (200, Some("stored")));
    relay.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn a_full_queue_is_429_and_nothing_accepted_is_lost() {
    // One webhook per commit, each commit slow, room for two in the queue.
    let (relay, store, base, _dir) = start(2, 1).await;
    store.delay_ms.store(300, Ordering::Relaxed);
    let http = reqwest::Client::new();
    let mut posts = Vec::new();
    for i in 0..12 {
        let (http, base) = (http.clone(), base.clone());
        posts.push(tokio::spawn(async move {
            let body = appointment_body(&format!("burst-{i}"), "L1", &now_iso());
            let sig = sign_ed25519("ed25519-test.pem", &body);
            let (status, json) = post(&http, &base, body, &[("x-ghl-signature", sig)]).await;
            (status, json["error"].as_str().map(String::from))
        }));
    }
    let mut stored = 0;
    let mut overloaded = 0;
    for p in posts {
        match p.await.expect("post") {
            (200, None) => stored += 1,
            (429, Some(code)) if code == "relay.overloaded" => overloaded += 1,
            other => panic!("unexpected answer {other:?}"),
        }
    }
    assert!(overloaded > 0, "the burst must overflow the queue");
    assert!(stored > 0);
    store.delay_ms.store(0, Ordering::Relaxed);
    assert_eq!(
        store.head().expect("head"),
        stored as i64,
        "every 200 is stored, nothing else"
    );
    relay.shutdown().await.expect("shutdown");
}
