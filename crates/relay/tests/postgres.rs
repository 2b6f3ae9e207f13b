//! Several relay instances on one PostgreSQL store, as behind a load
//! balancer: GHL's webhooks land on any instance, an app streams from any
//! instance, and each app still gets every event of its locations exactly
//! once, in order. Also: PostgreSQL going away mid-stream costs nothing that
//! was answered 200, and kill -9 of an instance neither.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use citadesk_relay::config::DatabaseUrl;
use citadesk_relay::postgres::PgStore;
use citadesk_relay::{tokens, Relay};
use common::pg::PgServer;
use common::*;

const WAIT: Duration = Duration::from_secs(10);

async fn instance(url: &str, dir: &std::path::Path) -> (Relay, String) {
    let cfg = citadesk_relay::Config {
        database_url: Some(DatabaseUrl(url.to_string())),
        commit_timeout_ms: 2_000,
        ..test_config(dir)
    };
    let relay = citadesk_relay::start(cfg).await.expect("relay starts");
    let base = format!("http://{}", relay.addr);
    (relay, base)
}

/// Blocking work (the PostgreSQL client, server start/stop) from a test's
/// async body.
fn sync<T>(f: impl FnOnce() -> T) -> T {
    tokio::task::block_in_place(f)
}

fn issue(url: &str, name: &str, locations: &[&str]) -> String {
    sync(|| issue_now(url, name, locations))
}

fn issue_now(url: &str, name: &str, locations: &[&str]) -> String {
    let store = PgStore::open(url, 2).expect("store");
    let locations: Vec<String> = locations.iter().map(|s| s.to_string()).collect();
    tokens::issue(&store, name, &locations, 0)
        .expect("issue")
        .token
}

async fn send(
    http: &reqwest::Client,
    base: &str,
    id: &str,
    location: &str,
) -> (u16, serde_json::Value) {
    let body = appointment_body(id, location, &now_iso());
    let sig = sign_ed25519("ed25519-test.pem", &body);
    post(http, base, body, &[("x-ghl-signature", sig)]).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_share_one_stream_of_events() {
    let Some(pg) = sync(PgServer::start) else {
        return;
    };
    let url = sync(|| pg.database("balanced"));
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, base_a) = instance(&url, dir.path()).await;
    let (b, base_b) = instance(&url, dir.path()).await;
    let http = reqwest::Client::new();

    let front_1 = issue(&url, "Recepción 1", &["L1"]);
    let front_2 = issue(&url, "Recepción 2", &["L1"]);
    let other = issue(&url, "Otra clínica", &["L2"]);
    // Each app on its own instance (as a load balancer may place them).
    let mut app_a = SseClient::connect(&http, &base_a, &front_1, Some(0), None)
        .await
        .expect("stream on A");
    let mut app_b = SseClient::connect(&http, &base_b, &front_2, Some(0), None)
        .await
        .expect("stream on B");
    let mut app_other = SseClient::connect(&http, &base_b, &other, Some(0), None)
        .await
        .expect("stream on B");

    // Four GHL senders at once, alternating instances; every fifth webhook
    // is retried on the other instance (GHL retrying through the balancer).
    let mut senders = Vec::new();
    for s in 0..4 {
        let (http, bases) = (http.clone(), [base_a.clone(), base_b.clone()]);
        senders.push(tokio::spawn(async move {
            let mut stored = Vec::new();
            for i in 0..60 {
                let id = format!("s{s}-{i:03}");
                let location = if i % 6 == 5 { "L2" } else { "L1" };
                let (status, json) = send(&http, &bases[i % 2], &id, location).await;
                assert_eq!(status, 200, "{json}");
                assert_eq!(json["status"], "stored");
                stored.push((id.clone(), location));
                if i % 5 == 0 {
                    let (status, json) = send(&http, &bases[(i + 1) % 2], &id, location).await;
                    assert_eq!((status, json["status"].as_str()), (200, Some("duplicate")));
                }
            }
            stored
        }));
    }
    let mut stored = Vec::new();
    for s in senders {
        stored.extend(s.await.expect("sender"));
    }
    let l1: HashSet<String> = stored
        .iter()
        .filter(|(_, l)| *l == "L1")
        .map(|(id, _)| id.clone())
        .collect();
    let l2: HashSet<String> = stored
        .iter()
        .filter(|(_, l)| *l == "L2")
        .map(|(id, _)| id.clone())
        .collect();

    for (name, app, want) in [
        ("A", &mut app_a, &l1),
        ("B", &mut app_b, &l1),
        ("other", &mut app_other, &l2),
    ] {
        let got = app.webhooks(want.len(), WAIT).await;
        assert!(
            got.windows(2).all(|w| w[0].cursor < w[1].cursor),
            "app on {name}: cursor order"
        );
        let ids: Vec<String> = got.iter().map(|d| d.webhook_id.clone()).collect();
        let unique: HashSet<String> = ids.iter().cloned().collect();
        assert_eq!(unique.len(), ids.len(), "app on {name}: duplicates");
        assert_eq!(
            &unique, want,
            "app on {name}: exactly its location's events"
        );
        // Nothing more arrives (no event of another location, no repeat).
        assert!(
            app.webhooks(1, Duration::from_millis(500)).await.is_empty(),
            "app on {name}: extra events"
        );
    }

    // One last webhook through B alone: the app on A sees it with no commit
    // of A's own to wake its stream (the PostgreSQL follower does).
    let (status, _) = send(&http, &base_b, "only-b", "L1").await;
    assert_eq!(status, 200);
    let got = app_a.webhooks(1, WAIT).await;
    assert_eq!(
        got.first().map(|d| d.webhook_id.as_str()),
        Some("only-b"),
        "a commit on B wakes A's stream"
    );
    assert_eq!(app_b.webhooks(1, WAIT).await.len(), 1);

    // An ack may reach the other instance than the stream: both know the head.
    let last = sync(|| {
        let store = PgStore::open(&url, 2).expect("store");
        citadesk_relay::store::Store::head(&store).expect("head")
    });
    for base in [&base_a, &base_b] {
        let ack = http
            .post(format!("{base}/v1/ack"))
            .header("authorization", format!("Bearer {front_2}"))
            .body(format!("{{\"cursor\": {last}}}"))
            .send()
            .await
            .expect("ack");
        assert_eq!(ack.status(), 204, "ack on {base}");
    }
    let metrics = http
        .get(format!("http://{}/metrics", a.metrics_addr))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    assert!(
        metrics.contains(",name=\"Recepción 2\"} 0"),
        "the ack made on either instance counts: {metrics}"
    );

    a.shutdown().await.expect("A stops");
    b.shutdown().await.expect("B stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_outage_is_answered_429_and_nothing_answered_200_is_lost() {
    let Some(pg) = sync(PgServer::start) else {
        return;
    };
    let url = sync(|| pg.database("outage"));
    let dir = tempfile::tempdir().expect("tempdir");
    let (relay, base) = instance(&url, dir.path()).await;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .build()
        .expect("client");
    let token = issue(&url, "Recepción 1", &["L1"]);

    assert_eq!(send(&http, &base, "before", "L1").await.0, 200);

    sync(|| pg.stop());
    // GHL retries a 429; any other answer would lose the event.
    let (status, json) = send(&http, &base, "during", "L1").await;
    assert_eq!(status, 429, "{json}");
    assert_eq!(json["error"], "relay.not_persisted", "{json}");
    let health = http
        .get(format!("{base}/healthz"))
        .send()
        .await
        .expect("healthz");
    assert!(
        health.status().is_server_error(),
        "healthz says the store is down"
    );

    sync(|| pg.start_again());
    // GHL's retry of the refused webhook, and a new one.
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let (status, _) = send(&http, &base, "during", "L1").await;
        if status == 200 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "relay never recovered"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(send(&http, &base, "after", "L1").await.0, 200);
    assert_eq!(
        http.get(format!("{base}/healthz"))
            .send()
            .await
            .expect("healthz")
            .status(),
        200
    );

    let mut app = SseClient::connect(&http, &base, &token, Some(0), None)
        .await
        .expect("stream");
    let ids: Vec<String> = app
        .webhooks(3, WAIT)
        .await
        .into_iter()
        .map(|d| d.webhook_id)
        .collect();
    assert_eq!(ids, ["before", "during", "after"]);
    relay.shutdown().await.expect("stops");
}

/// The relay as real processes: two instances on one database, GHL's
/// webhooks spread over both (a failed post goes to the other, as a balancer
/// would), kill -9 of one instance twice under the stream, restarts. The app
/// follows whichever instance is up, from its last cursor.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_of_one_instance_loses_nothing_answered_200() {
    let Some(pg) = sync(PgServer::start) else {
        return;
    };
    let url = sync(|| pg.database("killed"));
    let dir = tempfile::tempdir().expect("tempdir");
    let command = || {
        let mut cmd = relay_command(dir.path());
        cmd.env("CITADESK_RELAY_DATABASE_URL", &url);
        cmd
    };
    let token = issue(&url, "Recepción 1", &["L1"]);
    let (mut first, base_1) = spawn_serving(command(), "127.0.0.1:0");
    let (second, base_2) = spawn_serving(command(), "127.0.0.1:0");
    let stream = SteadyStream::start(vec![base_1, base_2], &token);

    let mut at_kill = 0;
    for _ in 0..2 {
        stream.until_answered(at_kill + 300).await;
        first.kill().expect("kill -9");
        first.wait().expect("reap");
        at_kill = stream.answered();
        let (restarted, base) = spawn_serving(command(), "127.0.0.1:0");
        first = restarted;
        stream.set_base(0, base);
    }
    stream.until_answered(at_kill + 300).await;
    let (answered, delivered) = stream.finish().await;
    assert!(at_kill >= 600 && answered >= at_kill + 300);
    eprintln!("answered 200: {answered} ({at_kill} before the last kill); delivered: {delivered}");
    first.kill().expect("kill");
    let mut second = second;
    second.kill().expect("kill");
    let _ = (first.wait(), second.wait());
}
