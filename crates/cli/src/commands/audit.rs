//! `audit`: a cita's audit trail.

use std::process::ExitCode;

use citadesk_core::{CoreError, Desk};
use clap::Args;

use crate::output::{print_json_or_text, tr};

// `audit`'s options.
#[derive(Args)]
pub struct AuditArgs {
    /// The cita (a GHL id, or a local id of a pending booking).
    cita_id: String,
    /// JSON instead of text.
    #[arg(long)]
    json: bool,
}

pub fn run(desk: &Desk, args: AuditArgs) -> Result<ExitCode, CoreError> {
    let trail = desk.cita_audit(&args.cita_id)?;
    let text = || {
        for a in &trail {
            println!(
                "{}  {:<20} {:<12} {}{}",
                a.at_local,
                a.action,
                a.actor,
                a.reason.as_deref().unwrap_or(""),
                a.ghl_answer
                    .as_deref()
                    .map(|g| format!(" [GHL: {g}]"))
                    .unwrap_or_default()
            );
        }
        if trail.is_empty() {
            println!("{}", tr("(sin registros)", "(no entries)"));
        }
    };
    print_json_or_text(args.json, || serde_json::to_string_pretty(&trail), text);
    Ok(ExitCode::SUCCESS)
}
