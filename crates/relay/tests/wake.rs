//! A commit wakes only the streams of its locations (issue #15, part 3):
//! a stream of location A does not read the store for B's webhooks, a live
//! stream takes its new webhooks from the head moves the relay read once,
//! and under concurrent senders every stream still gets each of its
//! locations' webhooks once, in order.

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use citadesk_relay::sqlite::SqliteStore;
use citadesk_relay::store::{
    Appended, Install, InstallLag, NewEvent, NewInstall, Store, StoredEvent,
};
use citadesk_relay::{tokens, RelayError};
use common::*;

/// SQLite underneath, counting the stream reads made for each set of locations.
struct Counting {
    inner: SqliteStore,
    reads: Mutex<HashMap<String, u64>>,
    total: AtomicU64,
    /// Reads of one install (each request's authentication), and of the
    /// revoked list.
    install_reads: AtomicU64,
    revoked_reads: AtomicU64,
}

impl Counting {
    fn reads_of(&self, locations: &str) -> u64 {
        self.reads
            .lock()
            .expect("lock")
            .get(locations)
            .copied()
            .unwrap_or(0)
    }
}

impl Store for Counting {
    fn append_batch(&self, events: &[NewEvent]) -> Result<Vec<Appended>, RelayError> {
        self.inner.append_batch(events)
    }
    fn events_after(&self, l: &[String], a: i64, n: usize) -> Result<Vec<StoredEvent>, RelayError> {
        *self
            .reads
            .lock()
            .expect("lock")
            .entry(l.join(","))
            .or_default() += 1;
        self.total.fetch_add(1, Ordering::Relaxed);
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
        self.install_reads.fetch_add(1, Ordering::Relaxed);
        self.inner.install(id)
    }
    fn installs(&self) -> Result<Vec<Install>, RelayError> {
        self.inner.installs()
    }
    fn revoke_install(&self, id: &str, at: i64) -> Result<bool, RelayError> {
        self.inner.revoke_install(id, at)
    }
    fn revoked_installs(&self) -> Result<Vec<String>, RelayError> {
        self.revoked_reads.fetch_add(1, Ordering::Relaxed);
        self.inner.revoked_installs()
    }
    fn record_ack(&self, id: &str, c: i64, at: i64) -> Result<(), RelayError> {
        self.inner.record_ack(id, c, at)
    }
    fn install_lags(&self) -> Result<Vec<InstallLag>, RelayError> {
        self.inner.install_lags()
    }
}

async fn start() -> (
    citadesk_relay::Relay,
    Arc<Counting>,
    String,
    tempfile::TempDir,
) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(Counting {
        inner: SqliteStore::open(dir.path()).expect("store"),
        reads: Mutex::default(),
        total: AtomicU64::new(0),
        install_reads: AtomicU64::new(0),
        revoked_reads: AtomicU64::new(0),
    });
    let mut cfg = test_config(dir.path());
    // Keep-alives and revalidation are not reads of events; a long
    // keep-alive keeps the frames to what the test sends.
    cfg.keepalive_secs = 60;
    let relay = citadesk_relay::start_with_store(cfg, store.clone())
        .await
        .expect("relay starts");
    let base = format!("http://{}", relay.addr);
    (relay, store, base, dir)
}

fn token(store: &Counting, name: &str, locations: &[&str]) -> String {
    let locations: Vec<String> = locations.iter().map(|s| s.to_string()).collect();
    tokens::issue(&store.inner, name, &locations, 0)
        .expect("issue")
        .token
}

async fn send(http: &reqwest::Client, base: &str, id: &str, location: &str) {
    let body = appointment_body(id, location, &now_iso());
    let sig = sign_ed25519("ed25519-test.pem", &body);
    let (status, json) = post(http, base, body, &[("x-ghl-signature", sig)]).await;
    assert_eq!(status, 200, "{json}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_of_one_location_is_not_woken_by_another_locations_commits() {
    let (relay, store, base, _dir) = start().await;
    let http = reqwest::Client::new();
    let mut a = SseClient::connect(&http, &base, &token(&store, "A", &["LA"]), Some(0), None)
        .await
        .expect("stream A");
    let mut b = SseClient::connect(&http, &base, &token(&store, "B", &["LB"]), Some(0), None)
        .await
        .expect("stream B");
    assert_eq!(
        a.next(Duration::from_secs(5)).await.expect("live").event,
        "live"
    );
    assert_eq!(
        b.next(Duration::from_secs(5)).await.expect("live").event,
        "live"
    );
    let (reads_a, reads_b) = (store.reads_of("LA"), store.reads_of("LB"));
    assert!(
        reads_a >= 1 && reads_b >= 1,
        "each stream read the store once to go live"
    );

    for i in 0..40 {
        send(&http, &base, &format!("b-{i:03}"), "LB").await;
    }
    let got = b.webhooks(40, Duration::from_secs(10)).await;
    assert_eq!(got.len(), 40);
    let ids: Vec<_> = got.iter().map(|w| w.webhook_id.clone()).collect();
    let sent: Vec<_> = (0..40).map(|i| format!("b-{i:03}")).collect();
    assert_eq!(ids, sent, "each of B's webhooks once, in order");
    // A live stream takes its new webhooks from the head moves the relay
    // read once and keeps: no store read of its own per commit.
    assert_eq!(
        store.reads_of("LB"),
        reads_b,
        "B's live stream read the store"
    );
    assert_eq!(
        store.reads_of("LA"),
        reads_a,
        "A's stream read the store for B's webhooks"
    );

    // A's own webhook still wakes it (and comes from the kept moves too).
    send(&http, &base, "a-000", "LA").await;
    let got = a.webhooks(1, Duration::from_secs(5)).await;
    assert_eq!(got[0].webhook_id, "a-000");
    assert_eq!(store.reads_of("LA"), reads_a);

    relay.shutdown().await.expect("stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_senders_reach_every_stream_of_their_locations_once_in_order() {
    let (relay, store, base, _dir) = start().await;
    let http = reqwest::Client::new();
    let locations = ["L0", "L1", "L2", "L3"];
    // Two installs per location and one following L0 and L1 together.
    let mut installs: Vec<Vec<&str>> = locations
        .iter()
        .flat_map(|l| [vec![*l], vec![*l]])
        .collect();
    installs.push(vec!["L0", "L1"]);
    let mut readers = Vec::new();
    for (i, locs) in installs.iter().enumerate() {
        let token = token(&store, &format!("i{i}"), locs);
        let mut sse = SseClient::connect(&http, &base, &token, Some(0), None)
            .await
            .expect("stream");
        let expected = 50 * locs.len();
        readers.push(tokio::spawn(async move {
            sse.webhooks(expected, Duration::from_secs(30)).await
        }));
    }
    // Four senders, one per location, 50 webhooks each, all at once.
    let senders: Vec<_> = locations
        .iter()
        .map(|l| {
            let (http, base, l) = (http.clone(), base.clone(), l.to_string());
            tokio::spawn(async move {
                for n in 0..50 {
                    send(&http, &base, &format!("{l}-{n:03}"), &l).await;
                }
            })
        })
        .collect();
    for s in senders {
        s.await.expect("sender");
    }
    for (locs, reader) in installs.iter().zip(readers) {
        let got = reader.await.expect("reader");
        assert_eq!(got.len(), 50 * locs.len(), "{locs:?}");
        assert!(got.iter().all(|d| locs.contains(&d.location_id.as_str())));
        assert!(got.windows(2).all(|w| w[0].cursor < w[1].cursor), "order");
        for l in locs {
            let ids: Vec<&str> = got
                .iter()
                .filter(|d| d.location_id == *l)
                .map(|d| d.webhook_id.as_str())
                .collect();
            let want: Vec<String> = (0..50).map(|n| format!("{l}-{n:03}")).collect();
            assert_eq!(ids, want, "{l}: each once, in sending order");
        }
    }
    relay.shutdown().await.expect("stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_streams_learn_of_revokes_from_one_shared_read() {
    let (relay, store, base, _dir) = start().await;
    let http = reqwest::Client::new();
    let tokens: Vec<String> = (0..12)
        .map(|i| token(&store, &format!("desk-{i}"), &["L1"]))
        .collect();
    let mut streams = Vec::new();
    for t in &tokens {
        let mut sse = SseClient::connect(&http, &base, t, Some(0), None)
            .await
            .expect("stream");
        assert_eq!(
            sse.next(Duration::from_secs(5)).await.expect("live").event,
            "live"
        );
        streams.push(sse);
    }
    let authenticated = store.install_reads.load(Ordering::Relaxed);
    // Past one revalidation period (5 s): each stream used to re-read its
    // own install then, so the store's work grew with the open streams.
    tokio::time::sleep(Duration::from_millis(5_600)).await;
    assert_eq!(
        store.install_reads.load(Ordering::Relaxed),
        authenticated,
        "an open stream re-read its install"
    );
    let shared = store.revoked_reads.load(Ordering::Relaxed);
    assert!(
        (1..=3).contains(&shared),
        "revoked list read {shared} times in 5.6 s"
    );

    // A revoke still closes that install's stream, and only that one.
    // The token's install id is its characters 4..20 (`cdr_<id>_<secret>`).
    assert!(store
        .inner
        .revoke_install(&tokens[3][4..20], 1)
        .expect("revoke"));
    let mut revoked = streams.remove(3);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while revoked.next(Duration::from_secs(10)).await.is_some() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "revoked stream still open"
        );
    }
    send(&http, &base, "after-revoke", "L1").await;
    for s in &mut streams {
        let got = s.webhooks(1, Duration::from_secs(5)).await;
        assert_eq!(
            got[0].webhook_id, "after-revoke",
            "another desk's stream closed"
        );
    }
    relay.shutdown().await.expect("stops");
}
