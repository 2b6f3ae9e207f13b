//! ghl-sandbox: a local, stateful stand-in for the GoHighLevel API v2.
//!
//! Citadesk's demo mode runs it in-process; tests run it in-process or as the
//! `ghl-sandbox` binary. It answers GHL's paths with GHL's shapes (see the
//! official OpenAPI files in `shared/ghl-api/`), plus an admin API under
//! `/_sandbox/` (README.md).
//!
//! ```no_run
//! # async fn demo() -> Result<(), ghl_sandbox::Error> {
//! let sandbox = ghl_sandbox::start(ghl_sandbox::SandboxConfig::default()).await?;
//! println!("{} {} {}", sandbox.base_url(), sandbox.location_id(), sandbox.pit());
//! sandbox.shutdown().await;
//! # Ok(()) }
//! ```

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{from_fn, from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use chrono::{NaiveDate, Utc};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub mod admin;
pub mod admin_practice;
pub mod auth;
pub mod config;
pub mod errors;
pub mod faults;
pub mod ids;
pub mod model;
pub mod oauth;
pub mod ops;
pub mod persist;
pub mod ratelimit;
pub mod routes;
pub mod seed;
pub mod state;
pub mod webhooks;
pub mod wire;

pub use config::{OAuthClient, RateLimits, WebhookConfig, DEFAULT_ACCESS_TOKEN_LIFETIME};
pub use faults::{FaultKind, FaultRule};
pub use seed::{Seed, DEMO_LOCATION_ID, DEMO_PIT, DEMO_TIMEZONE};
pub use state::{RequestRecord, Sandbox, World};
pub use webhooks::{WebhookFault, WebhookFaultKind, WebhookStats};

use errors::GhlError;

/// How to start a sandbox. Build it with `..Default::default()`: fields may
/// be added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxConfig {
    /// Where to listen; port 0 picks a free one. Default `127.0.0.1:0`.
    pub bind: SocketAddr,
    pub seed: Seed,
    /// The clinic's "today" the seed is built around; default: the current
    /// date in the seed's zone (America/Lima).
    pub today: Option<NaiveDate>,
    /// Private Integration Tokens: (token, location id). Empty: the demo PIT
    /// for the seed's location.
    pub pits: Vec<(String, String)>,
    /// Per app per location; default GHL's 100 per 10 s and 200,000 a day.
    pub rate_limits: RateLimits,
    /// Webhook URLs, signing keys and retry schedule.
    pub webhooks: WebhookConfig,
    /// Apps allowed to run the OAuth flow. Empty: OAuth refuses every client.
    pub oauth_clients: Vec<OAuthClient>,
    /// Lifetime of OAuth access tokens (GHL: 86399 s). PITs never expire.
    pub access_token_lifetime: Duration,
    /// Keep the world in this JSON file: loaded at start when it exists,
    /// written after changes and at shutdown.
    pub state_file: Option<PathBuf>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            seed: Seed::Demo,
            today: None,
            pits: Vec::new(),
            rate_limits: RateLimits::default(),
            webhooks: WebhookConfig::default(),
            oauth_clients: Vec::new(),
            access_token_lifetime: DEFAULT_ACCESS_TOKEN_LIFETIME,
            state_file: None,
        }
    }
}

impl SandboxConfig {
    /// The date the seed is built around.
    pub fn effective_today(&self) -> NaiveDate {
        self.today.unwrap_or_else(|| {
            let zone: chrono_tz::Tz = DEMO_TIMEZONE.parse().unwrap_or(chrono_tz::Tz::UTC);
            Utc::now().with_timezone(&zone).date_naive()
        })
    }

    /// The PIT handed to the app and tests: the first configured one, or the demo PIT.
    pub fn primary_pit(&self) -> &str {
        self.pits
            .first()
            .map(|(t, _)| t.as_str())
            .unwrap_or(DEMO_PIT)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid sandbox configuration: {0}")]
    Config(String),
}

/// The whole HTTP surface over one sandbox: GHL's endpoints (OAuth
/// included), the admin API, fault injection, the request log and GHL's 404
/// for anything else.
pub fn router(sandbox: Arc<Sandbox>) -> Router {
    Router::new()
        .merge(routes::ghl_api(sandbox.clone()))
        .merge(oauth::routes(sandbox.clone()))
        .route_layer(from_fn(tag_route))
        .merge(admin::routes(sandbox.clone()))
        .fallback(no_route)
        .layer(from_fn_with_state(sandbox.clone(), inject_faults))
        .layer(from_fn_with_state(sandbox, log_requests))
        .layer(from_fn(finish_detached))
}

/// GHL finishes a request it has received even when the caller hangs up (a
/// desk killed while its POST is held by a latency fault): the rest of the
/// stack runs in its own task, so a dropped connection does not cancel it.
async fn finish_detached(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    // The whole body first: a caller gone before sending it made no request.
    let Ok(body) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let request = Request::from_parts(parts, axum::body::Body::from(body));
    tokio::spawn(next.run(request))
        .await
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// The route template a response came from, for per-endpoint counts.
#[derive(Debug, Clone)]
struct RouteTemplate(String);

async fn tag_route(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string());
    let mut response = next.run(request).await;
    if let Some(route) = route {
        response.extensions_mut().insert(RouteTemplate(route));
    }
    response
}

/// Apply the next pending fault (admin `POST /_sandbox/faults`) to a GHL call.
async fn inject_faults(
    State(sandbox): State<Arc<Sandbox>>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_string();
    if path.starts_with(admin::PREFIX) {
        return next.run(request).await;
    }
    let Some((kind, ms)) = sandbox.faults().next_for(&path) else {
        return next.run(request).await;
    };
    let wait = Duration::from_millis(ms);
    match kind {
        faults::FaultKind::Latency => {
            tokio::time::sleep(wait).await;
            next.run(request).await
        }
        faults::FaultKind::Timeout => {
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = sandbox.shutting_down() => {}
            }
            (
                StatusCode::GATEWAY_TIMEOUT,
                [(header::CONTENT_TYPE, "text/html")],
                "<html><body><h1>504 Gateway Time-out</h1></body></html>",
            )
                .into_response()
        }
        faults::FaultKind::RateLimited => {
            let mut response = GhlError::TooManyRequests.into_response();
            ratelimit::Quota::exhausted(&sandbox.rate_limiter().limits())
                .write_headers(response.headers_mut());
            response
        }
        faults::FaultKind::ServerError => GhlError::Internal.into_response(),
        faults::FaultKind::BadGateway => (
            StatusCode::BAD_GATEWAY,
            [(header::CONTENT_TYPE, "text/html")],
            "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>",
        )
            .into_response(),
        faults::FaultKind::RevokedToken => GhlError::InvalidToken.into_response(),
    }
}

async fn no_route(request: Request) -> Response {
    GhlError::NoRoute {
        method: request.method().to_string(),
        path: request.uri().path().to_string(),
    }
    .into_response()
}

/// Record every GHL call (not the admin API's) so tests can count them.
async fn log_requests(
    State(sandbox): State<Arc<Sandbox>>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_string();
    if path.starts_with(admin::PREFIX) {
        return next.run(request).await;
    }
    let method = request.method().to_string();
    let query = request.uri().query().map(str::to_string);
    let version = request
        .headers()
        .get("version")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let time = Utc::now();
    let started = Instant::now();
    let response = next.run(request).await;
    tracing::debug!(%method, %path, status = response.status().as_u16(), elapsed_us = started.elapsed().as_micros() as u64, "ghl call");
    sandbox.log_request(RequestRecord {
        method,
        path,
        query,
        status: response.status().as_u16(),
        time,
        route: response
            .extensions()
            .get::<RouteTemplate>()
            .map(|r| r.0.clone()),
        version,
    });
    response
}

/// A sandbox serving on a socket; dropped without `shutdown`, the server
/// task keeps running until the runtime ends.
#[derive(Debug)]
pub struct RunningSandbox {
    addr: SocketAddr,
    location_id: String,
    location_name: String,
    timezone: String,
    pit: String,
    sandbox: Arc<Sandbox>,
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
    persister: Option<JoinHandle<()>>,
}

/// Start serving `config` in the current tokio runtime.
pub async fn start(config: SandboxConfig) -> Result<RunningSandbox, Error> {
    if let Some((token, _)) = config
        .pits
        .iter()
        .find(|(t, l)| t.is_empty() || l.is_empty())
    {
        return Err(Error::Config(format!(
            "PIT {token:?} needs a token and a location id"
        )));
    }
    let today = config.effective_today();
    let sandbox = Arc::new(Sandbox::from_config(&config)?);
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(|source| Error::Bind {
            addr: config.bind,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| Error::Bind {
        addr: config.bind,
        source,
    })?;
    let (location_id, location_name, timezone) = {
        let world = sandbox.read().await;
        let l = world.primary_location();
        (l.id.clone(), l.name.clone(), l.timezone.clone())
    };
    let app = router(sandbox.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
        if let Err(e) = served {
            tracing::error!(error = %e, "ghl-sandbox server stopped with an error");
        }
    });
    let persister = sandbox.state_file().map(|_| {
        let sandbox = sandbox.clone();
        tokio::spawn(persist::run(sandbox))
    });
    tracing::info!(%addr, seed = %config.seed, %today, "ghl-sandbox started");
    Ok(RunningSandbox {
        addr,
        location_id,
        location_name,
        timezone,
        pit: config.primary_pit().to_string(),
        sandbox,
        stop,
        task,
        persister,
    })
}

/// An edit "in GHL's own UI" through a running sandbox's admin API, without
/// webhooks (`path` under `/_sandbox`, e.g. `/appointments/{id}/cancel`):
/// what tests use to make the replica drift. Panics on a non-2xx answer.
pub async fn edit_in_ghl_ui(
    base_url: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> serde_json::Value {
    let mut req =
        reqwest::Client::new().request(method, format!("{base_url}/_sandbox{path}?webhooks=false"));
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.expect("sandbox admin API reachable");
    assert!(resp.status().is_success(), "{path}: {}", resp.status());
    resp.json().await.unwrap_or(serde_json::Value::Null)
}

impl RunningSandbox {
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The seed's first location.
    pub fn location_id(&self) -> &str {
        &self.location_id
    }

    pub fn location_name(&self) -> &str {
        &self.location_name
    }

    /// The location's IANA zone.
    pub fn timezone(&self) -> &str {
        &self.timezone
    }

    /// The PIT for `location_id()` (the demo PIT unless configured).
    pub fn pit(&self) -> &str {
        &self.pit
    }

    /// The live state, for in-process tests and the app's demo mode.
    pub fn sandbox(&self) -> &Arc<Sandbox> {
        &self.sandbox
    }

    /// An edit "in GHL's own UI" through the admin API, without webhooks
    /// (see [`edit_in_ghl_ui`]).
    pub async fn edit_in_ghl_ui(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> serde_json::Value {
        edit_in_ghl_ui(&self.base_url(), method, path, body).await
    }

    /// Stop accepting, finish in-flight requests (hung ones end at once),
    /// stop webhook delivery, write the state file, then return.
    pub async fn shutdown(self) {
        self.sandbox.begin_shutdown();
        let _ = self.stop.send(());
        let _ = self.task.await;
        if let Some(persister) = self.persister {
            let _ = persister.await;
            if let Err(e) = persist::save(&self.sandbox).await {
                tracing::warn!(error = %e, "could not write the state file at shutdown");
            }
        }
    }
}
