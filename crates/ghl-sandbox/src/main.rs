//! `ghl-sandbox`: serve the GHL stand-in until Ctrl-C or SIGTERM.
//!
//! The first three stdout lines are a contract (tests parse the first):
//! ```text
//! ghl-sandbox listening on http://127.0.0.1:PORT
//! location: <id> (<name>, <timezone>)
//! pit: <token>
//! ```

use std::io::{IsTerminal, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use chrono::NaiveDate;
use clap::Parser;
use ghl_sandbox::{OAuthClient, RateLimits, SandboxConfig, Seed, WebhookConfig};

#[derive(Debug, Parser)]
#[command(
    name = "ghl-sandbox",
    version,
    about = "A local, stateful stand-in for the GoHighLevel API v2"
)]
struct Args {
    /// Port to listen on; 0 picks a free one (read it from the first line).
    #[arg(long, env = "GHL_SANDBOX_PORT", default_value_t = 0)]
    port: u16,
    /// Address to listen on.
    #[arg(long, env = "GHL_SANDBOX_BIND", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    bind: IpAddr,
    /// Seed data: demo, empty or large.
    #[arg(long, env = "GHL_SANDBOX_SEED", default_value = "demo")]
    seed: Seed,
    /// The clinic's "today" (YYYY-MM-DD); default: the current date in America/Lima.
    #[arg(long, env = "GHL_SANDBOX_TODAY")]
    today: Option<NaiveDate>,
    /// A Private Integration Token and its location, as TOKEN:LOCATION_ID (repeatable).
    #[arg(long = "pit", value_parser = parse_pit)]
    pits: Vec<(String, String)>,
    /// POST every webhook to this URL (repeatable).
    #[arg(long = "webhook-url")]
    webhook_urls: Vec<String>,
    /// PKCS#8 PEM file of the Ed25519 key for x-ghl-signature (default: the built-in key).
    #[arg(long)]
    webhook_ed25519_key: Option<PathBuf>,
    /// PKCS#8/PKCS#1 PEM file of the RSA key for x-wh-signature (default: header not sent).
    #[arg(long)]
    webhook_rsa_key: Option<PathBuf>,
    /// Waits before the retries after a 429, in ms, comma-separated (default: 6 x 10 min).
    #[arg(long, value_delimiter = ',')]
    webhook_retry_ms: Option<Vec<u64>>,
    /// Burst limit per app per location.
    #[arg(long, default_value_t = 100)]
    rate_burst: u32,
    /// Burst window in ms.
    #[arg(long, default_value_t = 10_000)]
    rate_interval_ms: u64,
    /// Daily limit per app per location.
    #[arg(long, default_value_t = 200_000)]
    rate_daily: u32,
    /// Lift the rate limits (benchmarks).
    #[arg(long)]
    no_rate_limit: bool,
    /// Lifetime of OAuth access tokens, in seconds.
    #[arg(long, default_value_t = 86_399)]
    token_lifetime_secs: u64,
    /// An OAuth app as CLIENT_ID:CLIENT_SECRET[:REDIRECT_URI] (repeatable).
    #[arg(long = "oauth-client", value_parser = parse_client)]
    oauth_clients: Vec<OAuthClient>,
    /// Keep the state in this JSON file (loaded at start if it exists).
    #[arg(long, env = "GHL_SANDBOX_STATE_FILE")]
    state_file: Option<PathBuf>,
}

fn parse_client(raw: &str) -> Result<OAuthClient, String> {
    let mut parts = raw.splitn(3, ':');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(id), Some(secret), redirect) if !id.is_empty() && !secret.is_empty() => {
            Ok(OAuthClient {
                client_id: id.into(),
                client_secret: secret.into(),
                redirect_uris: redirect.map(str::to_string).into_iter().collect(),
            })
        }
        _ => Err(format!(
            "expected CLIENT_ID:CLIENT_SECRET[:REDIRECT_URI], got {raw:?}"
        )),
    }
}

fn read_key(path: &Option<PathBuf>) -> Result<Option<String>, String> {
    path.as_ref()
        .map(|p| {
            std::fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()))
        })
        .transpose()
}

fn parse_pit(raw: &str) -> Result<(String, String), String> {
    match raw.rsplit_once(':') {
        Some((token, location)) if !token.is_empty() && !location.is_empty() => {
            Ok((token.to_string(), location.to_string()))
        }
        _ => Err(format!("expected TOKEN:LOCATION_ID, got {raw:?}")),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let args = Args::parse();
    let keys = read_key(&args.webhook_ed25519_key)
        .and_then(|ed| read_key(&args.webhook_rsa_key).map(|rsa| (ed, rsa)));
    let (ed25519, rsa) = match keys {
        Ok(k) => k,
        Err(e) => {
            eprintln!("ghl-sandbox: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut webhooks = WebhookConfig {
        urls: args.webhook_urls,
        ed25519_private_key_pem: ed25519,
        rsa_private_key_pem: rsa,
        ..Default::default()
    };
    if let Some(schedule) = args.webhook_retry_ms {
        webhooks.retry_schedule = schedule.into_iter().map(Duration::from_millis).collect();
    }
    let rate_limits = if args.no_rate_limit {
        RateLimits::unlimited()
    } else {
        RateLimits {
            burst: args.rate_burst,
            interval: Duration::from_millis(args.rate_interval_ms.max(1)),
            daily: args.rate_daily,
        }
    };
    let config = SandboxConfig {
        bind: SocketAddr::new(args.bind, args.port),
        seed: args.seed,
        today: args.today,
        pits: args.pits,
        rate_limits,
        webhooks,
        oauth_clients: args.oauth_clients,
        access_token_lifetime: Duration::from_secs(args.token_lifetime_secs),
        state_file: args.state_file,
    };
    let sandbox = match ghl_sandbox::start(config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("ghl-sandbox: {e}");
            return ExitCode::FAILURE;
        }
    };
    {
        let mut out = std::io::stdout().lock();
        let banner = writeln!(out, "ghl-sandbox listening on {}", sandbox.base_url())
            .and_then(|_| {
                writeln!(
                    out,
                    "location: {} ({}, {})",
                    sandbox.location_id(),
                    sandbox.location_name(),
                    sandbox.timezone()
                )
            })
            .and_then(|_| writeln!(out, "pit: {}", sandbox.pit()))
            .and_then(|_| out.flush());
        if let Err(e) = banner {
            tracing::warn!(error = %e, "could not write the banner to stdout");
        }
    }
    wait_for_stop().await;
    tracing::info!("shutting down");
    sandbox.shutdown().await;
    ExitCode::SUCCESS
}

async fn wait_for_stop() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
