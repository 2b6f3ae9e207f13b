//! HTTP side: GHL's webhook endpoint, the apps' event stream and acks,
//! health and metrics.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, watch, OwnedSemaphorePermit, Semaphore};
use tokio_stream::wrappers::ReceiverStream;
use tokio_stream::StreamExt as _;

use crate::config::Config;
use crate::metrics::Metrics;
use crate::postgres::PgStore;
use crate::reads::SharedReads;
use crate::revoked::{self, Revoked};
use crate::sqlite::SqliteStore;
use crate::store::{Appended, Install, Store, StoredEvent};
use crate::verify::WebhookKeys;
use crate::wake::{self, Wakes};
use crate::writer::{Ingest, Writer};
use crate::{envelope, tokens, RelayError};

/// Events read from the store per query while replaying.
const PAGE: usize = 500;
/// How often the relay re-reads which installs are revoked, so a revoke made
/// with the CLI (another process) closes their open streams.
const REVALIDATE: Duration = Duration::from_secs(5);

#[derive(Clone)]
struct App {
    store: Arc<dyn Store>,
    keys: Arc<WebhookKeys>,
    ingest: Ingest,
    metrics: Arc<Metrics>,
    head: watch::Receiver<i64>,
    /// Open streams by location: a commit wakes only its locations' streams.
    wakes: Arc<Wakes>,
    /// The streams a commit wakes together read its page once.
    reads: Arc<SharedReads>,
    /// Revoked installs, re-read every REVALIDATE for all streams at once.
    revoked: watch::Receiver<Revoked>,
    shutdown: watch::Receiver<bool>,
    cfg: Arc<Config>,
    /// `max_ingest_in_flight` and `max_streams`.
    ingest_slots: Arc<Semaphore>,
    stream_slots: Arc<Semaphore>,
}

/// A running relay.
pub struct Relay {
    pub addr: SocketAddr,
    /// Where `/metrics` is served (`metrics_listen`).
    pub metrics_addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    task: tokio::task::JoinHandle<Result<(), RelayError>>,
}

impl Relay {
    /// Stops accepting, ends the app streams, lets in-flight webhooks finish
    /// their commit, then stops the writer.
    pub async fn shutdown(self) -> Result<(), RelayError> {
        let _ = self.shutdown.send(true);
        self.task
            .await
            .map_err(|e| RelayError::Storage(format!("server task: {e}")))?
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, RelayError> + Send + 'static,
) -> Result<T, RelayError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| RelayError::Storage(format!("blocking task: {e}")))?
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The configured store: PostgreSQL when `database_url` is set, else the
/// SQLite file in `data_dir`. Blocking (it connects and migrates).
pub fn open_store(cfg: &Config) -> Result<Arc<dyn Store>, RelayError> {
    Ok(match &cfg.database_url {
        Some(url) => Arc::new(PgStore::open(&url.0, cfg.database_pool_size)?),
        None => Arc::new(SqliteStore::open(&cfg.data_dir)?),
    })
}

/// Opens the configured store and starts serving.
pub async fn start(cfg: Config) -> Result<Relay, RelayError> {
    let store = {
        let cfg = cfg.clone();
        blocking(move || open_store(&cfg)).await?
    };
    start_with_store(cfg, store).await
}

pub async fn start_with_store(cfg: Config, store: Arc<dyn Store>) -> Result<Relay, RelayError> {
    cfg.validate()?;
    let keys = Arc::new(WebhookKeys::from_config(
        &cfg.ed25519_public_keys,
        &cfg.rsa_public_keys,
    )?);
    let head0 = {
        let store = store.clone();
        blocking(move || store.head()).await?
    };
    let (head_tx, head_rx) = watch::channel(head0);
    let head_tx = Arc::new(head_tx);
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    store.follow_commits(head_tx.clone(), shutdown_rx.clone())?;
    let metrics = Arc::new(Metrics::default());
    let writer = Writer::start(
        store.clone(),
        cfg.queue_capacity,
        cfg.max_batch,
        head_tx,
        metrics.clone(),
    )?;
    let (listener, addr) = bind(cfg.listen).await?;
    let (metrics_listener, metrics_addr) = bind(cfg.metrics_listen).await?;
    let wakes = Arc::new(Wakes::default());
    tokio::spawn(wake::dispatch(
        store.clone(),
        head_rx.clone(),
        wakes.clone(),
        shutdown_rx.clone(),
        webhook_event,
    ));
    let (revoked_tx, revoked_rx) = watch::channel(Revoked::default());
    tokio::spawn(revoked::follow(
        store.clone(),
        revoked_tx,
        REVALIDATE,
        shutdown_rx.clone(),
    ));
    let app = App {
        store,
        keys,
        ingest: writer.ingest(),
        metrics,
        head: head_rx,
        wakes,
        reads: Arc::new(SharedReads::default()),
        revoked: revoked_rx,
        shutdown: shutdown_rx.clone(),
        ingest_slots: Arc::new(Semaphore::new(cfg.max_ingest_in_flight)),
        stream_slots: Arc::new(Semaphore::new(cfg.max_streams)),
        cfg: Arc::new(cfg),
    };
    tokio::spawn(purge_loop(app.clone()));
    let updates_dir = app.cfg.updates_dir.clone();
    let mut router = Router::new()
        .route("/webhooks/ghl", post(ingest))
        .route("/v1/events", get(events))
        .route("/v1/ack", post(ack))
        .route("/healthz", get(healthz))
        .with_state(app.clone());
    if let Some(dir) = updates_dir {
        router = router.merge(
            Router::new()
                .route("/updates/{name}", get(crate::updates::serve))
                .with_state(dir),
        );
    }
    // Install names and lags: only on the private listener.
    let metrics_router = Router::new()
        .route("/metrics", get(metrics_text))
        .with_state(app);
    let stop = |mut stop: watch::Receiver<bool>| async move {
        let _ = stop.wait_for(|s| *s).await;
    };
    let metrics_stop = stop(shutdown_rx.clone());
    let metrics_task = tokio::spawn(async move {
        axum::serve(metrics_listener, metrics_router)
            .with_graceful_shutdown(metrics_stop)
            .await
    });
    let task = tokio::spawn(async move {
        let served = axum::serve(listener, router)
            .with_graceful_shutdown(stop(shutdown_rx))
            .await;
        let _ = metrics_task.await;
        // Every request has been answered; commit whatever is still queued.
        let _ = tokio::task::spawn_blocking(move || writer.stop()).await;
        tracing::info!("relay stopped");
        served.map_err(|e| RelayError::Storage(format!("server: {e}")))
    });
    Ok(Relay {
        addr,
        metrics_addr,
        shutdown: shutdown_tx,
        task,
    })
}

async fn bind(at: SocketAddr) -> Result<(tokio::net::TcpListener, SocketAddr), RelayError> {
    let listener = tokio::net::TcpListener::bind(at)
        .await
        .map_err(|e| RelayError::Config(format!("cannot listen on {at}: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| RelayError::Config(format!("listener address: {e}")))?;
    Ok((listener, addr))
}

// ---------------------------------------------------------------- ingest

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    // A header that is not text is still a header: it must fail verification,
    // not count as missing.
    headers.get(name).map(|v| v.to_str().unwrap_or(""))
}

async fn read_body(body: Body, limit: usize) -> Result<Vec<u8>, RelayError> {
    let mut stream = body.into_data_stream();
    let mut buf = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| RelayError::BadRequest(format!("reading the body: {e}")))?;
        if buf.len().saturating_add(chunk.len()) > limit {
            return Err(RelayError::TooLarge { limit });
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf)
}

async fn ingest(State(app): State<App>, headers: HeaderMap, body: Body) -> Response {
    let received_at_ms = now_ms();
    app.metrics.received.fetch_add(1, Ordering::Relaxed);
    let mut ids = envelope::Ids::default();
    match ingest_inner(&app, &headers, body, received_at_ms, &mut ids).await {
        Ok(cursor) => {
            tracing::debug!(
                webhook_id = ids.webhook_id,
                location_id = ids.location_id,
                cursor,
                "webhook stored"
            );
            (
                StatusCode::OK,
                Json(serde_json::json!({ "status": "stored", "cursor": cursor })),
            )
                .into_response()
        }
        Err(RelayError::Duplicate) => {
            app.metrics.duplicates.fetch_add(1, Ordering::Relaxed);
            tracing::info!(
                code = "relay.duplicate",
                webhook_id = ids.webhook_id,
                location_id = ids.location_id,
                "duplicate webhook answered 200, not stored again"
            );
            (
                StatusCode::OK,
                Json(serde_json::json!({ "status": "duplicate" })),
            )
                .into_response()
        }
        Err(e) => {
            app.metrics.rejected(e.code());
            // Only ids and the reason: no payload in logs.
            tracing::warn!(
                code = e.code(),
                status = e.status().as_u16(),
                webhook_id = ids.webhook_id,
                location_id = ids.location_id,
                reason = %e,
                "webhook rejected"
            );
            e.into_response()
        }
    }
}

async fn ingest_inner(
    app: &App,
    headers: &HeaderMap,
    body: Body,
    received_at_ms: i64,
    ids: &mut envelope::Ids,
) -> Result<i64, RelayError> {
    // Held until the answer: bounds the bodies and commit waits in memory.
    let _slot = app
        .ingest_slots
        .clone()
        .try_acquire_owned()
        .map_err(|_| RelayError::Overloaded("too many webhooks in flight"))?;
    let limit = app.cfg.max_body_bytes;
    let declared = header_str(headers, header::CONTENT_LENGTH.as_str())
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    if declared > limit as u64 {
        return Err(RelayError::TooLarge { limit });
    }
    let raw = read_body(body, limit).await?;
    let posted = envelope::Posted {
        raw,
        ghl_signature: header_str(headers, "x-ghl-signature"),
        wh_signature: header_str(headers, "x-wh-signature"),
        received_at_ms,
    };
    let event = envelope::verified_event(&app.keys, posted, app.cfg.max_skew_secs, ids)?;
    let timeout = Duration::from_millis(app.cfg.commit_timeout_ms);
    match tokio::time::timeout(timeout, app.ingest.append(event)).await {
        Err(_) => Err(RelayError::NotPersisted("commit timed out".into())),
        Ok(Err(e)) => Err(e),
        Ok(Ok(Appended::Duplicate)) => Err(RelayError::Duplicate),
        Ok(Ok(Appended::Stored { cursor })) => Ok(cursor),
    }
}

// ---------------------------------------------------------------- apps

async fn authenticate(app: &App, headers: &HeaderMap) -> Result<Install, RelayError> {
    let token = header_str(headers, header::AUTHORIZATION.as_str())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string())
        .ok_or(RelayError::Unauthorized)?;
    let store = app.store.clone();
    let result = blocking(move || tokens::authenticate(store.as_ref(), &token)).await;
    if let Err(e) = &result {
        tracing::warn!(code = e.code(), reason = %e, "app refused");
    }
    result
}

#[derive(Deserialize)]
struct EventsQuery {
    after: Option<i64>,
}

/// One webhook as an SSE `data:` line.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WebhookFrame<'a> {
    cursor: i64,
    webhook_id: &'a str,
    #[serde(rename = "type")]
    event_type: &'a str,
    location_id: &'a str,
    received_at: String,
    signatures: Signatures<'a>,
    /// The exact bytes GHL posted, base64: SSE is line-based text and the
    /// app must verify GHL's signature over the untouched body.
    body: String,
}

#[derive(Serialize)]
struct Signatures<'a> {
    #[serde(rename = "x-ghl-signature", skip_serializing_if = "Option::is_none")]
    ghl: Option<&'a str>,
    #[serde(rename = "x-wh-signature", skip_serializing_if = "Option::is_none")]
    wh: Option<&'a str>,
}

fn webhook_event(ev: &StoredEvent) -> Event {
    let received_at = chrono::DateTime::from_timestamp_millis(ev.received_at_ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default();
    let frame = WebhookFrame {
        cursor: ev.cursor,
        webhook_id: &ev.webhook_id,
        event_type: &ev.event_type,
        location_id: &ev.location_id,
        received_at,
        signatures: Signatures {
            ghl: ev.ghl_signature.as_deref(),
            wh: ev.wh_signature.as_deref(),
        },
        body: STANDARD.encode(&ev.body),
    };
    let data = serde_json::to_string(&frame).unwrap_or_default();
    Event::default()
        .event("webhook")
        .id(ev.cursor.to_string())
        .data(data)
}

async fn events(
    State(app): State<App>,
    headers: HeaderMap,
    q: Result<Query<EventsQuery>, QueryRejection>,
) -> Result<Response, RelayError> {
    let install = authenticate(&app, &headers).await?;
    // An ?after= that is no i64 is the relay's 400, like a bad Last-Event-ID.
    let Query(q) = q.map_err(|_| RelayError::BadRequest("after is not a cursor".into()))?;
    let slot = app
        .stream_slots
        .clone()
        .try_acquire_owned()
        .map_err(|_| RelayError::TooManyStreams)?;
    // SSE's own resume header wins, then ?after=, then the last ack.
    let last_event_id = header_str(&headers, "last-event-id")
        .map(|v| {
            v.trim()
                .parse::<i64>()
                .map_err(|_| RelayError::BadRequest("Last-Event-ID is not a cursor".into()))
        })
        .transpose()?;
    let after = last_event_id
        .or(q.after)
        .unwrap_or(install.acked_cursor)
        .max(0);
    tracing::info!(install = install.id, after, "app stream opened");
    let (tx, rx) = mpsc::channel::<Result<Event, Infallible>>(64);
    let keepalive = Duration::from_secs(app.cfg.keepalive_secs.max(1));
    tokio::spawn(stream_events(app, install, after, tx, slot));
    let mut resp = Sse::new(ReceiverStream::new(rx))
        .keep_alive(KeepAlive::new().interval(keepalive))
        .into_response();
    // nginx would otherwise buffer the stream.
    resp.headers_mut()
        .insert("x-accel-buffering", HeaderValue::from_static("no"));
    Ok(resp)
}

struct OpenStream(Arc<Metrics>);
impl Drop for OpenStream {
    fn drop(&mut self) {
        self.0.streams_open.fetch_sub(1, Ordering::Relaxed);
    }
}

async fn stream_events(
    app: App,
    install: Install,
    mut cursor: i64,
    tx: mpsc::Sender<Result<Event, Infallible>>,
    // Freed when the stream ends.
    _slot: OwnedSemaphorePermit,
) {
    app.metrics.streams_open.fetch_add(1, Ordering::Relaxed);
    let _open = OpenStream(app.metrics.clone());
    let mut shutdown = app.shutdown.clone();
    let locations = Arc::new(install.locations.clone());
    // The page's key among the streams reading together.
    let locations_key = install.locations.join("\n");
    // Before the first read, so a commit during it is not missed.
    let commits = app.wakes.subscribe(&install.locations);

    // Events after the app's cursor may already be gone: tell it to reconcile.
    let store = app.store.clone();
    if let Ok(purged) = blocking(move || store.purged_through()).await {
        if cursor < purged {
            let data = serde_json::json!({ "after": cursor, "purgedThrough": purged }).to_string();
            if tx
                .send(Ok(Event::default().event("gap").data(data)))
                .await
                .is_err()
            {
                return;
            }
        }
    }

    let mut revoked = app.revoked.clone();
    let mut live = false;
    // Every event of the stream's locations up to here has been sent (known
    // after a store read that was not a full page, or from the kept moves).
    let mut synced: Option<i64> = None;
    'stream: loop {
        // Also checked between the pages of a busy stream.
        if *shutdown.borrow() || revoked.borrow().contains(&install.id) {
            break;
        }
        // New events from the head moves the relay keeps in memory, when
        // they reach back to what this stream holds; else from the store.
        if let Some((events, upto)) =
            synced.and_then(|s| app.wakes.since(&install.locations, cursor, s))
        {
            synced = Some(upto);
            for (at, frame) in events {
                if tx.send(Ok(frame)).await.is_err() {
                    return;
                }
                cursor = at;
                app.metrics.delivered.fetch_add(1, Ordering::Relaxed);
            }
        } else {
            let head = *app.head.borrow();
            let read = || {
                let store = app.store.clone();
                let locs = locations.clone();
                async move {
                    blocking(move || {
                        let events = store.events_after(&locs, cursor, PAGE)?;
                        Ok(Arc::new(
                            events
                                .iter()
                                .map(|ev| (ev.cursor, webhook_event(ev)))
                                .collect(),
                        ))
                    })
                    .await
                }
            };
            let page = match app.reads.page(&locations_key, cursor, head, read).await {
                Ok(p) => p,
                Err(e) => {
                    // Ending the stream makes the app reconnect from its cursor.
                    tracing::error!(code = e.code(), install = install.id, reason = %e, "stream read failed");
                    break;
                }
            };
            let full = page.len() == PAGE;
            for (at, frame) in page.iter() {
                if tx.send(Ok(frame.clone())).await.is_err() {
                    return;
                }
                cursor = *at;
                app.metrics.delivered.fetch_add(1, Ordering::Relaxed);
            }
            if full {
                continue;
            }
            synced = Some(head);
        }
        if !live {
            live = true;
            let data = serde_json::json!({ "cursor": cursor }).to_string();
            if tx
                .send(Ok(Event::default().event("live").data(data)))
                .await
                .is_err()
            {
                return;
            }
        }
        // Wait for a commit of our locations (ours, or another instance's
        // through the store's follower), or for this install's revoke.
        loop {
            if revoked.borrow_and_update().contains(&install.id) {
                tracing::info!(install = install.id, "install revoked, stream closed");
                break 'stream;
            }
            tokio::select! {
                _ = commits.notified() => break,
                _ = shutdown.changed() => break 'stream,
                _ = tx.closed() => break 'stream,
                changed = revoked.changed() => if changed.is_err() { break 'stream },
            }
        }
    }
    tracing::info!(install = install.id, cursor, "app stream closed");
}

#[derive(Deserialize)]
struct AckBody {
    cursor: i64,
}

async fn ack(
    State(app): State<App>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<StatusCode, RelayError> {
    let install = authenticate(&app, &headers).await?;
    let AckBody { cursor } = serde_json::from_slice(&body)
        .map_err(|e| RelayError::BadRequest(format!("ack body: {e}")))?;
    let mut head = *app.head.borrow();
    if cursor > head {
        // Another instance may have committed it and our listener not yet
        // told us: the store has the last word.
        let store = app.store.clone();
        head = blocking(move || store.head()).await?;
    }
    if cursor < 0 || cursor > head {
        return Err(RelayError::BadRequest(format!(
            "cursor {cursor} is outside 0..={head}"
        )));
    }
    let store = app.store.clone();
    blocking(move || store.record_ack(&install.id, cursor, now_ms())).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------- operations

async fn healthz(State(app): State<App>) -> Response {
    if *app.shutdown.borrow() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({ "status": "stopping" })),
        )
            .into_response();
    }
    let failing_since = app.metrics.write_failing_since_ms.load(Ordering::Relaxed);
    if failing_since != 0 && !writes_again(&app, failing_since).await {
        // Reads may still work while every commit fails (disk full): a
        // balancer must not send GHL here. The error itself is in the log.
        let since = chrono::DateTime::from_timestamp_millis(failing_since)
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            .unwrap_or_default();
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({
                "status": "failing",
                "error": "relay.not_persisted",
                "message": format!("commits have failed since {since}; see the log"),
            })),
        )
            .into_response();
    }
    let store = app.store.clone();
    match blocking(move || store.ping()).await {
        Ok(()) => {
            Json(serde_json::json!({ "status": "ok", "head": *app.head.borrow() })).into_response()
        }
        Err(e) => {
            tracing::error!(code = e.code(), reason = %e, "health check failed");
            e.into_response()
        }
    }
}

/// Whether a failing store takes writes again: a write of our own, so a
/// balancer that stopped sending webhooks here still sees it recover.
async fn writes_again(app: &App, failing_since: i64) -> bool {
    let store = app.store.clone();
    if blocking(move || store.probe_write(now_ms())).await.is_err() {
        return false;
    }
    // Unless a commit failed again meanwhile.
    let _ = app.metrics.write_failing_since_ms.compare_exchange(
        failing_since,
        0,
        Ordering::Relaxed,
        Ordering::Relaxed,
    );
    tracing::info!("the store takes writes again");
    true
}

async fn metrics_text(State(app): State<App>) -> Response {
    let store = app.store.clone();
    let lags = blocking(move || store.install_lags())
        .await
        .unwrap_or_else(|e| {
            tracing::error!(code = e.code(), reason = %e, "install lag query failed");
            Vec::new()
        });
    let text = app.metrics.render(*app.head.borrow(), &lags);
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response()
}

async fn purge_loop(app: App) {
    let mut shutdown = app.shutdown.clone();
    let every = Duration::from_secs(app.cfg.purge_interval_secs.max(1));
    loop {
        let retention_ms = i64::try_from(app.cfg.retention().as_millis()).unwrap_or(i64::MAX);
        let cutoff = now_ms().saturating_sub(retention_ms);
        let store = app.store.clone();
        match blocking(move || store.purge_received_before(cutoff)).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(deleted = n, "retention purge"),
            Err(e) => tracing::error!(code = e.code(), reason = %e, "retention purge failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.wait_for(|s| *s) => return,
        }
    }
}
