//! What every command prints and exits with, in one place: the run's
//! language, the exit statuses, errors, JSON, a secret read from standard
//! input, and how a cita is printed.

use std::io::Read;
use std::process::ExitCode;
use std::sync::OnceLock;

use citadesk_core::{BookingOutcome, CitaView, CoreError, Locale};

/// The exit statuses `--help` and the README promise (0 is `ExitCode::SUCCESS`).
pub mod exit {
    /// An error (a refused command line included); the message says what to do.
    pub const ERROR: u8 = 1;
    /// `doctor` found something to fix.
    pub const DOCTOR_FOUND_PROBLEMS: u8 = 2;
    /// `health`: an alert is open.
    pub const ALERTS_OPEN: u8 = 2;
    /// GHL could not be reached.
    pub const OFFLINE: u8 = 3;
    /// `reconcile` found differences between GHL and the replica.
    pub const DIFFERENCES: u8 = 4;
    /// A booking or change is saved here and waits in the outbox.
    pub const PENDING: u8 = 5;
}

/// `--lang`: the language of the whole run, output and errors alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    Es,
    En,
}

impl From<Lang> for Locale {
    fn from(l: Lang) -> Self {
        match l {
            Lang::Es => Locale::EsPe,
            Lang::En => Locale::En,
        }
    }
}

static LOCALE: OnceLock<Locale> = OnceLock::new();

/// The language the environment asks for (`LC_ALL`, `LC_MESSAGES`, then
/// `LANG`): Spanish for `es*`, English for any other; none when unset.
pub fn locale_from_env() -> Option<Locale> {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        .map(|v| {
            if v.trim().to_ascii_lowercase().starts_with("es") {
                Locale::EsPe
            } else {
                Locale::En
            }
        })
}

/// Fixes this run's language (once, in `main`).
pub fn set_locale(locale: Locale) {
    let _ = LOCALE.set(locale);
}

pub fn locale() -> Locale {
    LOCALE.get().copied().unwrap_or(Locale::EsPe)
}

/// The Spanish or the English one, by this run's language.
pub fn tr<T>(es: T, en: T) -> T {
    if locale() == Locale::En {
        en
    } else {
        es
    }
}

/// Prints an error on stderr; exit 3 when GHL was out of reach, else 1.
pub fn fail(e: &CoreError) -> ExitCode {
    eprintln!("error [{}]: {}", e.code(), e.message(locale()));
    ExitCode::from(if e.is_offline() {
        exit::OFFLINE
    } else {
        exit::ERROR
    })
}

/// `--json`: prints `serde_json::to_string_pretty(&value)` on stdout.
pub fn print_json(pretty: serde_json::Result<String>) {
    println!("{}", pretty.unwrap_or_default());
}

/// A command's answer: with `--json` the pretty JSON `to_json` makes, else
/// what `text` prints.
pub fn print_json_or_text(
    json: bool,
    to_json: impl FnOnce() -> serde_json::Result<String>,
    text: impl FnOnce(),
) {
    if json {
        print_json(to_json());
    } else {
        text();
    }
}

/// A token or client secret piped in: all of standard input, trimmed.
pub fn read_secret_from_stdin() -> std::io::Result<String> {
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s)?;
    Ok(s.trim().to_string())
}

/// A cita on a day's agenda: `HH:MM-HH:MM  calendar  status title (patient)`.
pub fn agenda_line(c: &CitaView, calendar: &str) -> String {
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

/// Prints what became of a booking or change; exit 5 when it waits in the outbox.
pub fn print_outcome(out: &BookingOutcome, json: bool) -> ExitCode {
    if json {
        print_json(serde_json::to_string_pretty(out));
    } else {
        println!(
            "{} {} {}-{} {} ({})",
            if out.confirmed {
                tr("confirmada", "confirmed")
            } else {
                tr("pendiente", "pending")
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
        ExitCode::from(exit::PENDING)
    }
}
