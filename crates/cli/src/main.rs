//! citadesk-cli: the front desk without a window, for managers' scripts,
//! cron jobs and tests. Same core, same replica, same keychain as the app.

use std::io::Read;
use std::process::ExitCode;

use citadesk_core::ghl::Secret;
use citadesk_core::model::{CitaView, Locale};
use citadesk_core::{paths, CoreError, Desk, DeskOptions, TokenKeeping, TOKEN_ENV};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "citadesk-cli",
    version,
    about = "Citadesk's front desk from the command line"
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
        #[arg(long, default_value_t = 1)]
        days_back: i64,
        #[arg(long, default_value_t = 30)]
        days_ahead: i64,
        /// text, json or csv.
        #[arg(long, default_value = "text")]
        format: String,
    },
    /// Connection and sync status, as the app's status bar shows it.
    Status {
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
            days_back,
            days_ahead,
            format,
        } => {
            let report = desk.reconcile(days_back, days_ahead).await?;
            match format.as_str() {
                "json" => println!(
                    "{}",
                    serde_json::to_string_pretty(&report).unwrap_or_default()
                ),
                "csv" => print!("{}", citadesk_core::reconcile::to_csv(&report)),
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
            if !report.is_clean() {
                return Ok(ExitCode::from(4));
            }
        }
        Command::Status { json } => {
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
            }
        }
        Command::Doctor => return Ok(doctor(desk).await),
    }
    Ok(ExitCode::SUCCESS)
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
        desk.store()
            .schema_version()
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
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}
