//! `staff`: the clinic's people at this desk (list, add, set-role,
//! reset-pin), and `--as`: signing this run in as one of them.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use citadesk_core::{CoreError, Desk, NewStaff, Role, StaffMember};
use clap::{Args, Subcommand};

use crate::messages::{pin_required, pin_unreadable};
use crate::output::{print_json_or_text, tr};

// `staff`'s options.
#[derive(Args)]
pub struct StaffArgs {
    #[command(subcommand)]
    action: Option<StaffAction>,
    /// JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
}

#[derive(Subcommand)]
enum StaffAction {
    /// The desk's people, their roles and any lock-out (the default).
    List,
    /// Add a person (gerencia; the desk's first person is added by anyone
    /// and is always gerencia). Their PIN (4 to 8 digits) is read from
    /// standard input.
    Add {
        /// The person's name as they will choose it at the desk.
        name: String,
        /// recepcion or gerencia.
        #[arg(long, default_value = "recepcion")]
        role: String,
        /// The GHL user of the location this person is (see `staff list --json`'s ghlUsers).
        #[arg(long)]
        ghl_user: Option<String>,
    },
    /// Change a person's role (gerencia).
    SetRole {
        /// The person's name or staff id.
        name: String,
        /// recepcion or gerencia.
        role: String,
    },
    /// Give a person a new PIN, read from standard input (gerencia); it also
    /// lifts a lock-out.
    ResetPin {
        /// The person's name or staff id.
        name: String,
    },
}

fn line(p: &StaffMember) -> String {
    format!(
        "{:<12} {:<10} {}{}",
        p.id,
        p.role.as_str(),
        p.name,
        p.locked_until
            .as_deref()
            .map(|t| format!("  [{} {t}]", tr("bloqueado hasta", "locked until")))
            .unwrap_or_default()
    )
}

/// A PIN piped in on standard input (its first line).
fn pin_from_stdin() -> Result<String, CoreError> {
    let mut s = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut s)
        .map_err(|_| pin_unreadable())?;
    Ok(s.trim().to_string())
}

pub async fn run(desk: &Desk, args: StaffArgs) -> Result<ExitCode, CoreError> {
    let changed = match args.action.unwrap_or(StaffAction::List) {
        StaffAction::List => {
            let session = desk.desk_session()?;
            let text = || {
                for p in &session.staff {
                    println!("{}", line(p));
                }
                if session.staff.is_empty() {
                    println!(
                        "{}",
                        tr(
                            "(sin personal: cualquiera actúa como el usuario del sistema; añada a alguien con staff add)",
                            "(no staff: anyone acts as the system user; add someone with staff add)",
                        )
                    );
                }
            };
            print_json_or_text(args.json, || serde_json::to_string_pretty(&session), text);
            return Ok(ExitCode::SUCCESS);
        }
        StaffAction::Add {
            name,
            role,
            ghl_user,
        } => desk.add_staff(NewStaff {
            name,
            role: role.parse::<Role>()?,
            pin: pin_from_stdin()?,
            ghl_user_id: ghl_user,
        })?,
        StaffAction::SetRole { name, role } => desk.set_staff_role(&name, role.parse()?)?,
        StaffAction::ResetPin { name } => desk.reset_staff_pin(&name, &pin_from_stdin()?)?,
    };
    print_json_or_text(
        args.json,
        || serde_json::to_string_pretty(&changed),
        || println!("{}", line(&changed)),
    );
    Ok(ExitCode::SUCCESS)
}

/// The acting person's PIN: `CITADESK_PIN`, else typed at the terminal
/// (never standard input, which may carry a token or a new PIN).
fn acting_pin() -> Result<String, CoreError> {
    if let Some(pin) = std::env::var("CITADESK_PIN")
        .ok()
        .filter(|p| !p.trim().is_empty())
    {
        return Ok(pin.trim().to_string());
    }
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .map_err(|_| pin_required())?;
    let mut out = tty.try_clone().map_err(|_| pin_required())?;
    let _ = write!(out, "PIN: ");
    let _ = out.flush();
    // The PIN is not echoed while it is typed.
    let echo_off = std::process::Command::new("stty")
        .arg("-echo")
        .stdin(tty.try_clone().map_err(|_| pin_required())?)
        .status()
        .is_ok_and(|s| s.success());
    let mut pin = String::new();
    let read = std::io::BufReader::new(&tty).read_line(&mut pin);
    if echo_off {
        let _ = std::process::Command::new("stty")
            .arg("echo")
            .stdin(tty.try_clone().map_err(|_| pin_required())?)
            .status();
        let _ = writeln!(out);
    }
    read.map_err(|_| pin_unreadable())?;
    Ok(pin.trim().to_string())
}

/// `--as NAME`: signs this run in as that person. On a desk with no staff
/// yet, `connect --as NAME` makes them its first person (gerencia).
pub async fn sign_in(desk: &Desk, name: &str, first_connect: bool) -> Result<(), CoreError> {
    let pin = acting_pin()?;
    if first_connect && !desk.desk_session()?.sign_in_required {
        let first = desk.add_staff(NewStaff {
            name: name.to_string(),
            role: Role::Gerencia,
            pin,
            ghl_user_id: None,
        })?;
        eprintln!(
            "{} {} ({})",
            tr(
                "primera persona del escritorio, de gerencia:",
                "the desk's first person, gerencia:"
            ),
            first.name,
            first.id
        );
        return Ok(());
    }
    desk.sign_in(name, &pin).await.map(drop)
}
