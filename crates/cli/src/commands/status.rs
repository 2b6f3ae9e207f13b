//! `status`: the connection and sync status, as the app's status bar shows
//! it; `set-status` (and the older `status CITA_ID STATUS`) changes a
//! cita's status instead (see `booking`).

use std::process::ExitCode;

use citadesk_core::{CoreError, Desk};
use clap::Args;

use super::booking;
use crate::output::{print_json_or_text, tr};

// `status`' options.
#[derive(Args)]
pub struct StatusArgs {
    /// The cita to change (the older form of `set-status`).
    cita_id: Option<String>,
    /// Its new status (the older form of `set-status`).
    status: Option<String>,
    /// JSON instead of text.
    #[arg(long)]
    json: bool,
}

// `set-status`' options.
#[derive(Args)]
pub struct SetStatusArgs {
    /// The cita (a GHL id, or a local id of a pending booking).
    cita_id: String,
    /// pendiente|new, confirmada|confirmed, asistió|showed, no asistió|noshow.
    status: String,
    /// JSON instead of text.
    #[arg(long)]
    json: bool,
}

pub async fn run(desk: &Desk, args: StatusArgs) -> Result<ExitCode, CoreError> {
    match &args.cita_id {
        Some(cita_id) => booking::set_status(desk, cita_id, args.status, args.json).await,
        None => show(desk, args.json),
    }
}

pub async fn set(desk: &Desk, args: SetStatusArgs) -> Result<ExitCode, CoreError> {
    booking::set_status(desk, &args.cita_id, Some(args.status), args.json).await
}

fn show(desk: &Desk, json: bool) -> Result<ExitCode, CoreError> {
    let s = desk.status()?;
    let text = || {
        println!(
            "{}  {}",
            tr("sede:        ", "location:    "),
            s.location
                .as_ref()
                .map(|l| format!("{} ({})", l.name, l.id))
                .unwrap_or("-".into())
        );
        println!(
            "{}  {:?}",
            tr("estado:      ", "state:       "),
            s.connection
        );
        println!(
            "{}  {}",
            tr("última sinc.:", "last sync:   "),
            s.last_sync_at.as_deref().unwrap_or(tr("nunca", "never"))
        );
        println!(
            "{}  {}",
            tr("pendientes:  ", "outbox:      "),
            tr(
                format!(
                    "{} por enviar, {} rechazadas",
                    s.pending_writes, s.refused_writes
                ),
                format!("{} waiting, {} refused", s.pending_writes, s.refused_writes)
            )
        );
    };
    print_json_or_text(json, || serde_json::to_string_pretty(&s), text);
    Ok(ExitCode::SUCCESS)
}
