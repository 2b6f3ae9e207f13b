//! `patients`: find patients in the replica.

use std::process::ExitCode;

use citadesk_core::{CoreError, Desk};
use clap::Args;

use crate::output::{print_json_or_text, tr};

// `patients`' options.
#[derive(Args)]
pub struct PatientsArgs {
    /// Words of the name, email or phone.
    query: String,
    /// At most this many patients (1 to 200).
    #[arg(long, default_value_t = 20)]
    limit: u32,
    /// JSON instead of text.
    #[arg(long)]
    json: bool,
}

pub fn run(desk: &Desk, args: PatientsArgs) -> Result<ExitCode, CoreError> {
    let found = desk.search_patients(&args.query, args.limit)?;
    let text = || {
        for p in &found {
            println!(
                "{}  {:<32} {:<16} {}",
                p.id,
                p.name.as_deref().unwrap_or("-"),
                p.phone.as_deref().unwrap_or("-"),
                p.email.as_deref().unwrap_or("-")
            );
        }
        if found.is_empty() {
            println!(
                "{}",
                tr("(ningún paciente coincide)", "(no patient matches)")
            );
        }
    };
    print_json_or_text(args.json, || serde_json::to_string_pretty(&found), text);
    Ok(ExitCode::SUCCESS)
}
