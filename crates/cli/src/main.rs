//! citadesk-cli: the front desk without a window, for managers' scripts,
//! cron jobs and tests. Same core, same replica, same keychain as the app.
//!
//! This file parses the command line and hands each command to its module
//! in `commands/`; what is printed and how it exits is in `output.rs`.

mod commands;
mod messages;
mod output;

use std::process::ExitCode;

use citadesk_core::{paths, CoreError, Desk, DeskOptions, Locale};
use clap::{Parser, Subcommand};

use commands::{
    agenda, audit, booking, connect, doctor, health, list, patients, practice, push, reconcile,
    refusals, reminders, staff, stats, status, sync,
};
use output::exit;

#[derive(Parser)]
#[command(
    name = "citadesk-cli",
    version,
    about = "Citadesk's front desk from the command line",
    after_help = "Token: `connect` stores the Private Integration Token in the OS keychain. For headless use \
(cron, CI, a server without a keychain) set CITADESK_GHL_TOKEN on every run instead: it is used, never stored.\n\
Language: --lang, else LC_ALL / LC_MESSAGES / LANG (es* is Spanish, any other English), else the app's.\n\
Exit status: 0 ok; 1 error (message says what to do); 2 doctor found problems; 3 GHL out of reach; \
4 reconcile found differences; 5 a booking or change is saved here and pending (sent when GHL answers)."
)]
struct Cli {
    /// Data folder (default: the app's, or CITADESK_DATA_DIR).
    #[arg(long, global = true, env = "CITADESK_DATA_DIR")]
    data_dir: Option<std::path::PathBuf>,
    /// Work on the demo clinic's replica instead of the real one.
    #[arg(long, global = true)]
    demo: bool,
    /// Language of this run's output and errors.
    #[arg(long, global = true, value_enum)]
    lang: Option<output::Lang>,
    /// Act as this person of the desk's staff (name or staff id); the PIN
    /// comes from CITADESK_PIN or is typed at the terminal. Needed for
    /// writes once the desk has staff.
    #[arg(
        long = "as",
        global = true,
        env = "CITADESK_STAFF",
        value_name = "NAME"
    )]
    acting_as: Option<String>,
    #[command(subcommand)]
    command: Command,
}

/// The commands, in `--help`'s order. A command's doc comment here is its
/// `--help` text; its options are in its module's `…Args`.
#[derive(Subcommand)]
enum Command {
    /// Connect a GHL location with a Private Integration Token. The token is
    /// read from standard input (or CITADESK_GHL_TOKEN), checked against GHL
    /// by fetching the location, and stored in the OS keychain.
    /// With --oauth: GHL's authorization in the browser instead; the OAuth
    /// app's client secret is read from standard input. GHL's address must
    /// be https (plain http only to this machine).
    Connect(connect::ConnectArgs),
    /// Forget a location; its token leaves the keychain.
    Disconnect(connect::DisconnectArgs),
    /// Pull the active location's calendars and citas from GHL into the replica.
    Sync,
    /// Print a day's citas from the replica (no network).
    Agenda(agenda::AgendaArgs),
    /// The citas of a range of days from the replica (no network), filtered
    /// by status, calendar, room, practitioner or patient and ordered, as
    /// text, JSON or CSV (the app's list and its export).
    List(list::ListArgs),
    /// Find patients in the replica by name, email or phone (accents and
    /// case ignored; every word must match).
    Patients(patients::PatientsArgs),
    /// Compare GHL and the replica (default: yesterday through the next 30
    /// days) and store the report. Exit status 0 when they agree, 4 when
    /// there are differences, so a cron job can alert.
    Reconcile(reconcile::ReconcileArgs),
    /// Without arguments: connection and sync status, as the app's status
    /// bar shows it. `status CITA_ID STATUS` still changes a cita's status
    /// (the same as `set-status`).
    Status(status::StatusArgs),
    /// Change a cita's status in GHL (through the outbox): pendiente/new,
    /// confirmada/confirmed, asistió/showed, no asistió/noshow.
    SetStatus(status::SetStatusArgs),
    /// Book a cita. The booking checks run first: warnings need --override
    /// with a reason (recorded in the audit log); in strict mode they block.
    /// Exit 0 when GHL has it, 5 when it is saved here and pending (offline).
    Book(booking::BookArgs),
    /// Cancel a cita, with the reason (kept in the audit log).
    Cancel(booking::CancelArgs),
    /// Move a cita to another time (and optionally calendar); it keeps its
    /// length unless --duration says otherwise.
    Move(booking::MoveArgs),
    /// The active location's calendars with their practitioner, specialty
    /// (GHL calendar group), rooms and open hours (and the practitioner's
    /// schedule), from the replica.
    Calendars(practice::CalendarsArgs),
    /// Block time of a calendar (or, with --practitioner, of its
    /// practitioner): shown at once, sent to GHL through the outbox. Exit 0
    /// when GHL has it, 5 when it waits (offline).
    Block(practice::BlockArgs),
    /// Remove a blocked time (through the outbox, like `block`).
    Unblock(practice::UnblockArgs),
    /// Send the writes waiting in the outbox (bookings made offline, or
    /// interrupted) now.
    Push,
    /// The writes GHL refused, as the app's notices show them; `refusals
    /// ack ID` clears one once dealt with.
    Refusals(refusals::RefusalsArgs),
    /// A cita's audit trail: who did what, when, and GHL's answer.
    Audit(audit::AuditArgs),
    /// Check the keychain, the connection and the replica, and say what to fix.
    Doctor,
    /// The desk's people and their roles: list, add, set-role, reset-pin
    /// (changes are gerencia's).
    Staff(staff::StaffArgs),
    /// Reminders by WhatsApp or SMS through GHL: `send` what is due (for
    /// cron), `list` a day's, turn them `on` or `off`.
    Reminders(reminders::RemindersArgs),
    /// The patients' answers that need a person; `inbox handled ID` clears one.
    Inbox(reminders::InboxArgs),
    /// The text for support that the app's "Copiar diagnóstico" copies:
    /// versions, folders, connection state, last error codes (no token, no
    /// patient data).
    Diagnostics,
    /// Health figures (GHL, webhooks per type, overall) and the open alerts
    /// with what to do. Exit 2 while an alert is open.
    Health(health::HealthArgs),
    /// The manager's Panel figures for a range of days: citas per day by
    /// status, no-show and cancellation rates, occupancy, new and returning
    /// patients, reconciliation differences (text, JSON or CSV).
    Stats(stats::StatsArgs),
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // `--help` and `--version` are answers; anything else is refused
        // with status 1 (2 is doctor's).
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(exit::ERROR)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let asked = cli.lang.map(Locale::from).or_else(output::locale_from_env);
    let base = cli.data_dir.clone().unwrap_or_else(paths::default_data_dir);
    let data_dir = if cli.demo {
        paths::demo_data_dir(&base)
    } else {
        base
    };
    let _guard = citadesk_core::telemetry::init(&data_dir, "cli");
    let mut options = DeskOptions::new(&data_dir);
    options.locale = asked;
    let desk = match Desk::open(options) {
        Ok(d) => d,
        Err(e) => {
            output::set_locale(asked.unwrap_or(Locale::EsPe));
            // The doctor still examines what it can without a replica.
            if matches!(cli.command, Command::Doctor) {
                return doctor::without_replica(&e).await;
            }
            return output::fail(&e);
        }
    };
    output::set_locale(desk.locale());
    if let Some(name) = cli.acting_as.as_deref().filter(|n| !n.trim().is_empty()) {
        let first_connect = matches!(cli.command, Command::Connect(_));
        if let Err(e) = staff::sign_in(&desk, name, first_connect).await {
            return output::fail(&e);
        }
    }
    match run(cli.command, &desk).await {
        Ok(code) => code,
        Err(e) => output::fail(&e),
    }
}

async fn run(command: Command, desk: &Desk) -> Result<ExitCode, CoreError> {
    match command {
        Command::Connect(args) => connect::connect(desk, args).await,
        Command::Disconnect(args) => connect::disconnect(desk, args).await,
        Command::Sync => sync::run(desk).await,
        Command::Agenda(args) => agenda::run(desk, args),
        Command::List(args) => list::run(desk, args),
        Command::Patients(args) => patients::run(desk, args),
        Command::Reconcile(args) => reconcile::run(desk, args).await,
        Command::Status(args) => status::run(desk, args).await,
        Command::SetStatus(args) => status::set(desk, args).await,
        Command::Book(args) => booking::book(desk, args).await,
        Command::Cancel(args) => booking::cancel(desk, args).await,
        Command::Move(args) => booking::move_cita(desk, args).await,
        Command::Push => push::run(desk).await,
        Command::Calendars(args) => practice::calendars(desk, args),
        Command::Block(args) => practice::block(desk, args).await,
        Command::Unblock(args) => practice::unblock(desk, args).await,
        Command::Refusals(args) => refusals::run(desk, args),
        Command::Audit(args) => audit::run(desk, args),
        Command::Doctor => doctor::run(desk).await,
        Command::Staff(args) => staff::run(desk, args).await,
        Command::Reminders(args) => reminders::reminders(desk, args).await,
        Command::Inbox(args) => reminders::inbox(desk, args),
        Command::Diagnostics => doctor::diagnostics(desk),
        Command::Health(args) => health::run(desk, args).await,
        Command::Stats(args) => stats::run(desk, args),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Every option and argument of every command says what it is for.
    #[test]
    fn every_option_has_help() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for arg in cmd.get_arguments() {
                let builtin = matches!(arg.get_id().as_str(), "help" | "version");
                if !builtin && arg.get_help().is_none() {
                    missing.push(format!("{path} {}", arg.get_id()));
                }
            }
            for sub in cmd.get_subcommands() {
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
        let mut missing = Vec::new();
        walk(&super::Cli::command(), "citadesk-cli", &mut missing);
        assert!(missing.is_empty(), "options without help: {missing:?}");
    }
}
