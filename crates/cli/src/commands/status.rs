//! `status`: the connection and sync status, as the app's status bar shows
//! it; with a cita id, that cita's status changes instead (see `booking`).

use std::process::ExitCode;

use citadesk_core::{CoreError, Desk};
use clap::Args;

use super::booking;
use crate::output::print_json_or_text;

// `status`' options.
#[derive(Args)]
pub struct StatusArgs {
    /// The cita to change (a GHL id, or a local id of a pending booking).
    cita_id: Option<String>,
    /// confirmed | showed | noshow
    status: Option<String>,
    #[arg(long)]
    json: bool,
}

pub async fn run(desk: &Desk, args: StatusArgs) -> Result<ExitCode, CoreError> {
    match &args.cita_id {
        Some(cita_id) => booking::set_status(desk, cita_id, args.status, args.json).await,
        None => show(desk, args.json),
    }
}

fn show(desk: &Desk, json: bool) -> Result<ExitCode, CoreError> {
    let s = desk.status()?;
    let text = || {
        println!(
            "location:  {}",
            s.location
                .as_ref()
                .map(|l| format!("{} ({})", l.name, l.id))
                .unwrap_or("-".into())
        );
        println!("state:     {:?}", s.connection);
        println!(
            "last sync: {}",
            s.last_sync_at.as_deref().unwrap_or("never")
        );
        println!(
            "outbox:    {} waiting, {} refused",
            s.pending_writes, s.refused_writes
        );
    };
    print_json_or_text(json, || serde_json::to_string_pretty(&s), text);
    Ok(ExitCode::SUCCESS)
}
