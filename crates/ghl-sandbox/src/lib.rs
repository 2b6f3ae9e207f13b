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
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use chrono::{NaiveDate, Utc};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub mod admin;
pub mod auth;
pub mod errors;
pub mod ids;
pub mod model;
pub mod routes;
pub mod seed;
pub mod state;
pub mod wire;

pub use seed::{Seed, DEMO_LOCATION_ID, DEMO_PIT, DEMO_TIMEZONE};
pub use state::{RequestRecord, Sandbox, World};

use errors::GhlError;

/// How to start a sandbox. Build it with `..Default::default()`: fields will
/// be added (rate limits, webhooks, token lifetimes).
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
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            seed: Seed::Demo,
            today: None,
            pits: Vec::new(),
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

/// The whole HTTP surface over one sandbox: GHL's endpoints, the admin API,
/// the request log and GHL's 404 for anything else.
pub fn router(sandbox: Arc<Sandbox>) -> Router {
    Router::new()
        .merge(routes::ghl_api(sandbox.clone()))
        .merge(admin::routes(sandbox.clone()))
        .fallback(no_route)
        .layer(from_fn_with_state(sandbox, log_requests))
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
    let sandbox = Arc::new(Sandbox::new(config.seed, today, &config.pits));
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
    })
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

    /// Stop accepting, finish in-flight requests, then return.
    pub async fn shutdown(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}
