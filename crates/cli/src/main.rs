//! citadesk-cli: the front desk without a window, for managers' scripts,
//! cron jobs and tests. Same core, same replica, same keychain as the app.

use std::io::Read;
use std::process::ExitCode;

use citadesk_core::ghl::Secret;
use citadesk_core::ReconciliationReport;
use citadesk_core::{
    paths, BookingOutcome, BookingRequest, CitaAction, CoreError, Desk, DeskOptions, FixAction,
    FixRequest, PatientChoice, TokenKeeping, TOKEN_ENV,
};
use citadesk_core::{CitaView, Locale};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "citadesk-cli",
    version,
    about = "Citadesk's front desk from the command line",
    after_help = "Token: `connect` stores the Private Integration Token in the OS keychain. For headless use \
(cron, CI, a server without a keychain) set CITADESK_GHL_TOKEN on every run instead: it is used, never stored.\n\
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
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Connect a GHL location with a Private Integration Token. The token is
    /// read from standard input (or CITADESK_GHL_TOKEN), checked against GHL
    /// by fetching the location, and stored in the OS keychain.
    /// With --oauth: GHL's authorization in the browser instead; the OAuth
    /// app's client secret is read from standard input.
    Connect {
        /// GHL API base URL.
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
    },
    /// Forget a location; its token leaves the keychain.
    Disconnect {
        #[arg(long)]
        location_id: String,
    },
    /// Pull the active location's calendars and citas from GHL into the replica.
    Sync,
    /// Print a day's citas from the replica (no network).
    Agenda {
        /// YYYY-MM-DD in the location's zone (default: today).
        #[arg(long)]
        date: Option<String>,
        /// Only this calendar id.
        #[arg(long)]
        calendar: Option<String>,
        /// JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Find patients in the replica by name, email or phone (accents and
    /// case ignored; every word must match).
    Patients {
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// Compare GHL and the replica (default: yesterday through the next 30
    /// days) and store the report. Exit status 0 when they agree, 4 when
    /// there are differences, so a cron job can alert.
    Reconcile {
        /// The day the window is placed around (YYYY-MM-DD, location's
        /// zone; default today); also the report's `fecha`.
        #[arg(long)]
        date: Option<String>,
        #[arg(long, default_value_t = 1)]
        days_back: i64,
        #[arg(long, default_value_t = 30)]
        days_ahead: i64,
        /// text, json or csv.
        #[arg(long, default_value = "text")]
        format: String,
        /// Then take GHL's version for every line (the replica follows
        /// GHL). The exit status still tells whether there were differences.
        #[arg(long)]
        apply_ghl: bool,
    },
    /// Without arguments: connection and sync status, as the app's status
    /// bar shows it. With a cita id and a status (confirmed, showed, noshow):
    /// change that cita's status in GHL (through the outbox).
    Status {
        /// The cita to change (a GHL id, or a local id of a pending booking).
        cita_id: Option<String>,
        /// confirmed | showed | noshow
        status: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Book a cita. The booking checks run first: warnings need --override
    /// with a reason (recorded in the audit log); in strict mode they block.
    /// Exit 0 when GHL has it, 5 when it is saved here and pending (offline).
    Book {
        /// Calendar (practitioner) id.
        #[arg(long)]
        calendar: String,
        /// YYYY-MM-DD in the location's zone.
        #[arg(long)]
        date: String,
        /// HH:MM in the location's zone.
        #[arg(long)]
        start: String,
        /// Minutes (default: the calendar's slot length).
        #[arg(long)]
        duration: Option<i64>,
        /// An existing patient's GHL contact id.
        #[arg(long, conflicts_with = "first_name")]
        patient: Option<String>,
        /// A new patient (created after GHL's duplicate check).
        #[arg(long)]
        first_name: Option<String>,
        #[arg(long, default_value = "")]
        last_name: String,
        /// Phone (E.164, or a Peruvian number without +51).
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        email: Option<String>,
        #[arg(long, default_value = "")]
        title: String,
        #[arg(long)]
        notes: Option<String>,
        /// Book despite warnings, with this reason (flexible mode only).
        #[arg(long = "override")]
        override_reason: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Cancel a cita, with the reason (kept in the audit log).
    Cancel {
        cita_id: String,
        #[arg(long)]
        reason: String,
    },
    /// Move a cita to another time (and optionally calendar).
    Move {
        cita_id: String,
        #[arg(long)]
        date: String,
        #[arg(long)]
        start: String,
        #[arg(long)]
        duration: i64,
        #[arg(long)]
        calendar: Option<String>,
        #[arg(long = "override")]
        override_reason: Option<String>,
    },
    /// Send the writes waiting in the outbox (bookings made offline, or
    /// interrupted) now.
    Push,
    /// A cita's audit trail: who did what, when, and GHL's answer.
    Audit {
        cita_id: String,
        #[arg(long)]
        json: bool,
    },
    /// Check the keychain, the connection and the replica, and say what to fix.
    Doctor,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let base = cli.data_dir.clone().unwrap_or_else(paths::default_data_dir);
    let data_dir = if cli.demo {
        paths::demo_data_dir(&base)
    } else {
        base
    };
    let _guard = citadesk_core::telemetry::init(&data_dir, "cli");
    let desk = match Desk::open(DeskOptions::new(&data_dir)) {
        Ok(d) => d,
        Err(e) => return fail(&e, Locale::EsPe),
    };
    let locale = desk.locale();
    match run(cli.command, &desk).await {
        Ok(code) => code,
        Err(e) => fail(&e, locale),
    }
}

fn fail(e: &CoreError, locale: Locale) -> ExitCode {
    eprintln!("error [{}]: {}", e.code(), e.message(locale));
    ExitCode::from(if e.is_offline() { 3 } else { 1 })
}

async fn run(command: Command, desk: &Desk) -> Result<ExitCode, CoreError> {
    match command {
        Command::Connect {
            base_url,
            oauth: true,
            client_id,
            authorize_url,
            port,
            ..
        } => {
            let mut secret = String::new();
            std::io::stdin().read_to_string(&mut secret)?;
            let request = citadesk_core::OAuthConnectRequest {
                base_url,
                authorize_url,
                client_id: client_id.unwrap_or_default(),
                client_secret: secret.trim().to_string(),
                port,
            };
            eprintln!("opening GHL's authorization page in the browser…");
            let location = desk
                .connect_oauth(&request, &citadesk_core::SystemBrowser)
                .await?;
            println!(
                "connected: {} ({}, {}) with OAuth",
                location.name, location.id, location.time_zone
            );
        }
        Command::Connect {
            base_url,
            location_id,
            ..
        } => {
            let location_id = location_id.unwrap_or_default();
            // A token in the environment is headless use: checked, not stored.
            let (token, keep) = match std::env::var(TOKEN_ENV).ok().filter(|t| !t.is_empty()) {
                Some(t) => (t, TokenKeeping::Environment),
                None => {
                    let mut s = String::new();
                    std::io::stdin().read_to_string(&mut s)?;
                    (s.trim().to_string(), TokenKeeping::Keychain)
                }
            };
            let location = desk
                .connect_pit(&base_url, &location_id, Secret::new(token), keep)
                .await?;
            println!(
                "connected: {} ({}, {})",
                location.name, location.id, location.time_zone
            );
            if keep == TokenKeeping::Environment {
                println!("token taken from {TOKEN_ENV} and not stored: set it on every run");
            }
        }
        Command::Disconnect { location_id } => {
            desk.disconnect(&location_id).await?;
            println!("disconnected: {location_id}");
        }
        Command::Sync => {
            let s = desk.sync_now().await?;
            println!(
                "synced {}: {} calendars, {} citas, {} removed, {} patients fetched, {} GHL calls, {} ms",
                s.location_id, s.calendars, s.citas_upserted, s.citas_removed, s.contacts_fetched, s.ghl_calls, s.duration_ms
            );
        }
        Command::Agenda {
            date,
            calendar,
            json,
        } => {
            let mut day = desk.day_agenda(date.as_deref())?;
            if let Some(cal) = &calendar {
                day.citas.retain(|c| &c.calendar_id == cal);
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&day).unwrap_or_default());
            } else {
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
                    println!("(sin citas)");
                }
            }
        }
        Command::Patients { query, limit, json } => {
            let found = desk.search_patients(&query, limit)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&found).unwrap_or_default()
                );
            } else {
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
                    println!("(ningún paciente coincide)");
                }
            }
        }
        Command::Reconcile {
            date,
            days_back,
            days_ahead,
            format,
            apply_ghl,
        } => {
            let anchor = date.as_deref().map(citadesk_core::parse_date).transpose()?;
            let report = desk
                .reconcile_around(
                    anchor,
                    days_back,
                    days_ahead,
                    citadesk_core::RunTrigger::Manual,
                )
                .await?;
            match format.as_str() {
                "json" => println!(
                    "{}",
                    serde_json::to_string_pretty(&report).unwrap_or_default()
                ),
                "csv" => print!(
                    "{}",
                    desk.report_text(
                        report.id.unwrap_or_default(),
                        citadesk_core::ExportFormat::Csv
                    )?
                ),
                _ => {
                    let c = &report.counts;
                    println!(
                        "{} {}: {} differences (faltantes_local {}, canceladas_no_actualizadas {}, desincronizadas {}, faltantes_remoto {}); {} GHL calls, {} ms",
                        report.fecha,
                        report.location_id,
                        c.total,
                        c.faltantes_local,
                        c.canceladas_no_actualizadas,
                        c.desincronizadas,
                        c.faltantes_remoto,
                        report.ghl_calls,
                        report.duration_ms
                    );
                }
            }
            if apply_ghl && !report.is_clean() {
                let fixes = report_ids(&report)
                    .into_iter()
                    .map(|cita_id| FixRequest {
                        cita_id,
                        action: FixAction::TakeGhl,
                    })
                    .collect();
                let out = desk
                    .apply_fixes(report.id.unwrap_or_default(), fixes)
                    .await?;
                eprintln!(
                    "GHL's version taken: {} applied, {} failed",
                    out.applied,
                    out.failed.len()
                );
                for f in &out.failed {
                    eprintln!("  {} [{}]: {}", f.cita_id, f.code, f.message);
                }
            }
            if !report.is_clean() {
                return Ok(ExitCode::from(4));
            }
        }
        Command::Status {
            cita_id: Some(cita_id),
            status,
            json,
        } => {
            let status = status.ok_or_else(|| CoreError::Rejected {
                code: "input.status_required".into(),
                es: "Indique el estado: confirmed, showed o noshow.".into(),
                en: "Give the status: confirmed, showed or noshow.".into(),
            })?;
            let out = desk
                .change_cita(&cita_id, CitaAction::Status { status })
                .await?;
            return Ok(print_outcome(&out, json));
        }
        Command::Book {
            calendar,
            date,
            start,
            duration,
            patient,
            first_name,
            last_name,
            phone,
            email,
            title,
            notes,
            override_reason,
            json,
        } => {
            let patient = match (patient, first_name) {
                (Some(contact_id), _) => Some(PatientChoice::Existing { contact_id }),
                (None, Some(first_name)) => Some(PatientChoice::New {
                    first_name,
                    last_name,
                    phone,
                    email,
                }),
                (None, None) => None,
            };
            let duration_minutes = match duration {
                Some(d) => d,
                None => desk.slot_minutes(&calendar)?,
            };
            let out = desk
                .book(BookingRequest {
                    calendar_id: calendar,
                    patient,
                    date,
                    start,
                    duration_minutes,
                    title,
                    notes,
                    override_reason,
                })
                .await?;
            return Ok(print_outcome(&out, json));
        }
        Command::Cancel { cita_id, reason } => {
            let out = desk
                .change_cita(&cita_id, CitaAction::Cancel { reason })
                .await?;
            return Ok(print_outcome(&out, false));
        }
        Command::Move {
            cita_id,
            date,
            start,
            duration,
            calendar,
            override_reason,
        } => {
            let out = desk
                .change_cita(
                    &cita_id,
                    CitaAction::Move {
                        date,
                        start,
                        duration_minutes: duration,
                        calendar_id: calendar,
                        override_reason,
                    },
                )
                .await?;
            return Ok(print_outcome(&out, false));
        }
        Command::Push => {
            let r = desk.push_outbox().await?;
            println!(
                "sent {}, refused {}, still waiting {}",
                r.sent,
                r.refused.len(),
                desk.status()?.pending_writes
            );
            for refusal in desk.refused_writes()? {
                println!("refused: {}", refusal.message);
            }
            if let Some(e) = r.stopped_by {
                return Err(e);
            }
        }
        Command::Audit { cita_id, json } => {
            let trail = desk.cita_audit(&cita_id)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&trail).unwrap_or_default()
                );
            } else {
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
            }
        }
        Command::Status {
            cita_id: None,
            json,
            ..
        } => {
            let s = desk.status()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&s).unwrap_or_default());
            } else {
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
            }
        }
        Command::Doctor => return Ok(doctor(desk).await),
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints what became of a booking or change; exit 5 when it waits in the outbox.
fn print_outcome(out: &BookingOutcome, json: bool) -> ExitCode {
    if json {
        println!("{}", serde_json::to_string_pretty(out).unwrap_or_default());
    } else {
        println!(
            "{} {} {}-{} {} ({})",
            if out.confirmed {
                "confirmed"
            } else {
                "pending"
            },
            out.cita.id,
            out.cita.start_local.replace('T', " "),
            &out.cita.end_local[11..16],
            out.cita.title,
            out.cita.status
        );
        if let Some(n) = &out.notice {
            eprintln!("{}", n.message);
        }
    }
    if out.confirmed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(5)
    }
}

fn report_ids(r: &ReconciliationReport) -> Vec<String> {
    r.faltantes_local
        .iter()
        .chain(&r.canceladas_no_actualizadas)
        .chain(&r.faltantes_remoto)
        .map(|l| l.id.clone())
        .chain(r.desincronizadas.iter().map(|d| d.id.clone()))
        .collect()
}

fn agenda_line(c: &CitaView, calendar: &str) -> String {
    format!(
        "{}-{}  {:<18} {:<10} {}{}",
        &c.start_local[11..16],
        &c.end_local[11..16],
        calendar,
        c.status,
        c.title,
        c.patient_name
            .as_deref()
            .map(|p| format!(" ({p})"))
            .unwrap_or_default()
    )
}

async fn doctor(desk: &Desk) -> ExitCode {
    let mut ok = true;
    let mut check = |name: &str, result: Result<String, String>| match result {
        Ok(detail) => println!("ok    {name}: {detail}"),
        Err(detail) => {
            ok = false;
            println!("FAIL  {name}: {detail}");
        }
    };
    let locale = desk.locale();
    check(
        "replica",
        desk.schema_version()
            .map(|v| {
                format!(
                    "{} (schema {v})",
                    paths::replica_path(desk.data_dir()).display()
                )
            })
            .map_err(|e| e.message(locale)),
    );
    check(
        "keychain",
        match desk.keychain_backend() {
            Ok("mock") => Err("in-memory mock store: tokens would not persist".into()),
            Ok(b) => Ok(b.to_string()),
            Err(e) => Err(e.message(locale)),
        },
    );
    let active = desk.active_location().ok().flatten();
    check(
        "location",
        active
            .clone()
            .ok_or_else(|| CoreError::NotConnected.message(locale)),
    );
    if active.is_some() {
        check(
            "GHL",
            desk.sync_now()
                .await
                .map(|s| {
                    format!(
                        "reached; {} citas synced in {} ms",
                        s.citas_upserted, s.duration_ms
                    )
                })
                .map_err(|e| format!("[{}] {}", e.code(), e.message(locale))),
        );
    }
    if active.is_some() {
        check(
            "rate limit",
            Ok(desk
                .rate_limit_summary()
                .unwrap_or_else(|| "no figures from GHL yet".into())),
        );
        check(
            "outbox",
            match desk.status() {
                Ok(s) if s.refused_writes > 0 => Err(format!(
                    "{} writes GHL refused: see `citadesk-cli push` and the app's notices",
                    s.refused_writes
                )),
                Ok(s) => Ok(format!("{} writes waiting", s.pending_writes)),
                Err(e) => Err(e.message(locale)),
            },
        );
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}
