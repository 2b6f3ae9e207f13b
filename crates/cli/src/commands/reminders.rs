//! `reminders send|list|on|off` and `inbox`: the reminders by WhatsApp or
//! SMS, and the patients' answers that need a person.

use std::process::ExitCode;

use citadesk_core::{CoreError, Desk, ReminderLine};
use clap::{Args, Subcommand};

use crate::output::{print_json_or_text, tr};

// `reminders`' options.
#[derive(Args)]
pub struct RemindersArgs {
    #[command(subcommand)]
    action: RemindersAction,
}

#[derive(Subcommand)]
enum RemindersAction {
    /// Send (or schedule in GHL) what is due now, withdraw what no longer
    /// applies; prints each as scheduled, sent or skipped with its reason.
    /// For cron: safe to run while the app runs (one message per cita and rule).
    Send {
        /// Only the citas of this day (YYYY-MM-DD, the location's time).
        #[arg(long)]
        date: Option<String>,
        /// Say what would be done; record and send nothing.
        #[arg(long)]
        dry_run: bool,
        /// JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Each cita's reminder state for a day (default today).
    List {
        /// The day (YYYY-MM-DD, the location's time).
        #[arg(long)]
        date: Option<String>,
        /// JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Turn reminders on for the location (set up the WhatsApp templates in
    /// GHL first: see the README).
    On,
    /// Turn reminders off (nothing new is sent; scheduled ones stay in GHL).
    Off,
}

// `inbox`'s options.
#[derive(Args)]
pub struct InboxArgs {
    #[command(subcommand)]
    action: Option<InboxAction>,
    /// JSON instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
enum InboxAction {
    /// Mark an answer handled (it leaves the inbox).
    Handled {
        /// The answer's number, as `inbox` lists it.
        id: i64,
    },
}

fn print_lines(lines: &[ReminderLine], json: bool) {
    let text = || {
        for l in lines {
            println!(
                "{:<19} {:<24} {:<8} {:<19} {}",
                l.cita_start,
                l.patient,
                l.channel.as_deref().unwrap_or("-"),
                l.due,
                l.words
            );
        }
        if lines.is_empty() {
            println!("{}", tr("(ningún recordatorio)", "(no reminders)"));
        }
    };
    print_json_or_text(json, || serde_json::to_string_pretty(lines), text);
}

pub async fn reminders(desk: &Desk, args: RemindersArgs) -> Result<ExitCode, CoreError> {
    match args.action {
        RemindersAction::Send {
            date,
            dry_run,
            json,
        } => {
            let lines = desk.send_reminders(date, dry_run).await?;
            print_lines(&lines, json);
        }
        RemindersAction::List { date, json } => {
            print_lines(&desk.reminders_list(date)?, json);
        }
        RemindersAction::On => {
            desk.set_reminders_enabled(true)?;
            println!("{}", tr("recordatorios activados", "reminders on"));
        }
        RemindersAction::Off => {
            desk.set_reminders_enabled(false)?;
            println!("{}", tr("recordatorios desactivados", "reminders off"));
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn inbox(desk: &Desk, args: InboxArgs) -> Result<ExitCode, CoreError> {
    if let Some(InboxAction::Handled { id }) = args.action {
        desk.mark_answer_handled(id)?;
        println!("{} {id}", tr("respuesta atendida:", "answer handled:"));
        return Ok(ExitCode::SUCCESS);
    }
    let items = desk.inbox()?;
    let text = || {
        for i in &items {
            println!(
                "{:<6} {:<19} {:<24} {:<10} {:?} — {}",
                i.id, i.received, i.patient, i.channel, i.text, i.why
            );
        }
        if items.is_empty() {
            println!(
                "{}",
                tr("(ninguna respuesta por atender)", "(no answers to handle)")
            );
        }
    };
    print_json_or_text(args.json, || serde_json::to_string_pretty(&items), text);
    Ok(ExitCode::SUCCESS)
}
