//! `agenda`: a day's citas from the replica (no network).

use std::process::ExitCode;

use citadesk_core::{CoreError, Desk};
use clap::Args;

use crate::output::{agenda_line, print_json_or_text, tr};

// `agenda`'s options.
#[derive(Args)]
pub struct AgendaArgs {
    /// YYYY-MM-DD in the location's zone (default: today).
    #[arg(long)]
    date: Option<String>,
    /// Only this calendar id.
    #[arg(long)]
    calendar: Option<String>,
    /// JSON instead of text.
    #[arg(long)]
    json: bool,
}

pub fn run(desk: &Desk, args: AgendaArgs) -> Result<ExitCode, CoreError> {
    let mut day = desk.day_agenda(args.date.as_deref())?;
    if let Some(cal) = &args.calendar {
        day.citas.retain(|c| &c.calendar_id == cal);
    }
    let text = || {
        println!(
            "{} — {} ({})",
            day.date, day.location.name, day.location.time_zone
        );
        for c in &day.citas {
            let cal = day
                .calendars
                .iter()
                .find(|k| k.id == c.calendar_id)
                .map(|k| k.name.as_str())
                .unwrap_or("?");
            println!("{}", agenda_line(c, cal));
        }
        if day.citas.is_empty() {
            println!("{}", tr("(sin citas)", "(no citas)"));
        }
    };
    print_json_or_text(args.json, || serde_json::to_string_pretty(&day), text);
    Ok(ExitCode::SUCCESS)
}
