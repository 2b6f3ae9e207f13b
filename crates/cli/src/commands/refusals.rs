//! `refusals`: the writes GHL refused, and `refusals ack ID` to clear one.

use std::process::ExitCode;

use citadesk_core::{CoreError, Desk};
use clap::{Args, Subcommand};

use crate::messages::refusal_not_found;
use crate::output::{print_json_or_text, tr};

// `refusals`' options.
#[derive(Args)]
pub struct RefusalsArgs {
    #[command(subcommand)]
    action: Option<RefusalsAction>,
    /// JSON instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
enum RefusalsAction {
    /// Clear a refusal once it has been dealt with (it leaves the list and
    /// the app's notices).
    Ack {
        /// The refusal's number, as `refusals` lists it.
        #[arg(allow_negative_numbers = true)]
        id: i64,
    },
}

pub fn run(desk: &Desk, args: RefusalsArgs) -> Result<ExitCode, CoreError> {
    let refused = desk.refused_writes()?;
    if let Some(RefusalsAction::Ack { id }) = args.action {
        if !refused.iter().any(|r| r.outbox_id == id) {
            return Err(refusal_not_found(id));
        }
        desk.acknowledge_refusal(id)?;
        println!("{} {id}", tr("rechazo descartado:", "refusal cleared:"));
        return Ok(ExitCode::SUCCESS);
    }
    let text = || {
        for r in &refused {
            println!("{:<6} {:<28} {}", r.outbox_id, r.code, r.message);
        }
        if refused.is_empty() {
            println!("{}", tr("(ningún rechazo)", "(no refusals)"));
        }
    };
    print_json_or_text(args.json, || serde_json::to_string_pretty(&refused), text);
    Ok(ExitCode::SUCCESS)
}
