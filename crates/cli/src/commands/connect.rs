//! `connect` (a PIT, or OAuth in the browser) and `disconnect`.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

use citadesk_core::ghl::Secret;
use citadesk_core::{
    AppStatus, CoreError, Desk, Notifier, OAuthConnectRequest, SyncProgress, SystemBrowser,
    TokenKeeping, TOKEN_ENV,
};
use clap::Args;

use crate::output::{read_secret_from_stdin, tr};

// `connect`'s options.
#[derive(Args)]
pub struct ConnectArgs {
    /// GHL API base URL (https; plain http only to this machine).
    #[arg(long, default_value = citadesk_core::ghl::DEFAULT_BASE_URL)]
    base_url: String,
    /// The GHL location (sub-account) id (PIT only; with OAuth it is
    /// chosen in GHL's page).
    #[arg(long, required_unless_present = "oauth")]
    location_id: Option<String>,
    /// Connect with OAuth (a GHL marketplace app) instead of a PIT.
    #[arg(long, requires = "client_id")]
    oauth: bool,
    /// The OAuth app's client id.
    #[arg(long)]
    client_id: Option<String>,
    /// GHL's chooselocation page (default: GHL's own).
    #[arg(long)]
    authorize_url: Option<String>,
    /// Fixed loopback port for the redirect (default: any free one).
    #[arg(long)]
    port: Option<u16>,
    /// Do not run the first sync now (it then runs with the app or `sync`).
    #[arg(long)]
    no_sync: bool,
}

// `disconnect`'s options.
#[derive(Args)]
pub struct DisconnectArgs {
    /// The GHL location (sub-account) id to forget.
    #[arg(long)]
    location_id: String,
}

pub async fn connect(desk: &Desk, args: ConnectArgs) -> Result<ExitCode, CoreError> {
    let sync = !args.no_sync;
    let code = if args.oauth {
        connect_oauth(desk, args).await?
    } else {
        connect_pit(desk, args).await?
    };
    if sync {
        return Ok(first_sync(desk).await);
    }
    Ok(code)
}

/// Prints a sync's progress on stderr: one line rewritten on a terminal,
/// a line per calendar otherwise (logs, CI).
struct ProgressLine {
    terminal: bool,
}

impl Notifier for ProgressLine {
    fn status_changed(&self, _: &AppStatus) {}
    fn replica_changed(&self, _: &str) {}
    fn sync_progress(&self, p: &SyncProgress) {
        let text = tr(
            format!(
                "sincronizando: calendarios {}/{} · {} citas · {} pacientes",
                p.calendars_done, p.calendars_total, p.citas, p.patients
            ),
            format!(
                "syncing: calendars {}/{} · {} citas · {} patients",
                p.calendars_done, p.calendars_total, p.citas, p.patients
            ),
        );
        if self.terminal {
            eprint!("\r{text}\x1b[K");
        } else {
            eprintln!("{text}");
        }
    }
}

/// The location's first sync, right after connecting, so the app opens on
/// a full agenda. A failure leaves the connection in place (exit 3 when GHL
/// is out of reach, 1 otherwise) and says how to finish it.
async fn first_sync(desk: &Desk) -> ExitCode {
    let terminal = std::io::stderr().is_terminal();
    desk.set_notifier(Arc::new(ProgressLine { terminal }));
    let result = desk.sync_now().await;
    if terminal {
        eprintln!();
    }
    match result {
        Ok(s) => {
            println!(
                "{}",
                tr(
                    format!(
                        "sincronizada: {} calendarios, {} citas, {} pacientes en {} ms",
                        s.calendars, s.citas_upserted, s.contacts_fetched, s.duration_ms
                    ),
                    format!(
                        "synced: {} calendars, {} citas, {} patients in {} ms",
                        s.calendars, s.citas_upserted, s.contacts_fetched, s.duration_ms
                    ),
                )
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!(
                "{}",
                tr(
                    format!(
                        "la sede quedó conectada, pero la primera sincronización falló: [{}] {}; ejecute `citadesk-cli sync`",
                        e.code(),
                        e.message(desk.locale())
                    ),
                    format!(
                        "the location is connected, but the first sync failed: [{}] {}; run `citadesk-cli sync`",
                        e.code(),
                        e.message(desk.locale())
                    ),
                )
            );
            if e.is_offline() {
                ExitCode::from(3)
            } else {
                ExitCode::from(1)
            }
        }
    }
}

/// GHL's authorization in the browser; the client secret comes on stdin.
async fn connect_oauth(desk: &Desk, args: ConnectArgs) -> Result<ExitCode, CoreError> {
    let request = OAuthConnectRequest {
        client_secret: read_secret_from_stdin()?,
        base_url: args.base_url,
        authorize_url: args.authorize_url,
        client_id: args.client_id.unwrap_or_default(),
        port: args.port,
    };
    eprintln!(
        "{}",
        tr(
            "abriendo la página de autorización de GHL en el navegador…",
            "opening GHL's authorization page in the browser…"
        )
    );
    let location = desk.connect_oauth(&request, &SystemBrowser).await?;
    println!(
        "{}: {} ({}, {}) {}",
        tr("conectada", "connected"),
        location.name,
        location.id,
        location.time_zone,
        tr("con OAuth", "with OAuth")
    );
    Ok(ExitCode::SUCCESS)
}

/// A Private Integration Token from stdin (kept in the keychain), or from
/// the environment (headless use: checked, not stored).
async fn connect_pit(desk: &Desk, args: ConnectArgs) -> Result<ExitCode, CoreError> {
    let location_id = args.location_id.unwrap_or_default();
    let (token, keep) = match std::env::var(TOKEN_ENV).ok().filter(|t| !t.is_empty()) {
        Some(t) => (t, TokenKeeping::Environment),
        None => (read_secret_from_stdin()?, TokenKeeping::Keychain),
    };
    let location = desk
        .connect_pit(&args.base_url, &location_id, Secret::new(token), keep)
        .await?;
    println!(
        "{}: {} ({}, {})",
        tr("conectada", "connected"),
        location.name,
        location.id,
        location.time_zone
    );
    if keep == TokenKeeping::Environment {
        println!(
            "{}",
            tr(
                format!("token tomado de {TOKEN_ENV} y no guardado: páselo en cada ejecución"),
                format!("token taken from {TOKEN_ENV} and not stored: set it on every run")
            )
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn disconnect(desk: &Desk, args: DisconnectArgs) -> Result<ExitCode, CoreError> {
    desk.disconnect(&args.location_id).await?;
    println!(
        "{}: {}",
        tr("desconectada", "disconnected"),
        args.location_id
    );
    Ok(ExitCode::SUCCESS)
}
