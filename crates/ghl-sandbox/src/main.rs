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
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::Parser;
use ghl_sandbox::{SandboxConfig, Seed};

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
    /// Seed data: demo or empty.
    #[arg(long, env = "GHL_SANDBOX_SEED", default_value = "demo")]
    seed: Seed,
    /// The clinic's "today" (YYYY-MM-DD); default: the current date in America/Lima.
    #[arg(long, env = "GHL_SANDBOX_TODAY")]
    today: Option<NaiveDate>,
    /// A Private Integration Token and its location, as TOKEN:LOCATION_ID (repeatable).
    #[arg(long = "pit", value_parser = parse_pit)]
    pits: Vec<(String, String)>,
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
    let config = SandboxConfig {
        bind: SocketAddr::new(args.bind, args.port),
        seed: args.seed,
        today: args.today,
        pits: args.pits,
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
