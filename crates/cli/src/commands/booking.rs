//! A cita's life: `book`, `move`, `cancel`, and `set-status CITA_ID STATUS`.
//! Each prints the outcome and exits 5 when it waits in the outbox.

use std::process::ExitCode;

use citadesk_core::{BookingRequest, CitaAction, CoreError, Desk, PatientChoice};
use clap::Args;

use crate::messages::{
    cancel_is_its_own_command, status_required, unknown_status, with_override_hint,
};
use crate::output::print_outcome;

// `book`'s options.
#[derive(Args)]
pub struct BookArgs {
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
    #[arg(long, allow_negative_numbers = true)]
    duration: Option<i64>,
    /// An existing patient's GHL contact id.
    #[arg(long, conflicts_with = "first_name")]
    patient: Option<String>,
    /// A new patient (created after GHL's duplicate check).
    #[arg(long)]
    first_name: Option<String>,
    /// The new patient's last name.
    #[arg(long, default_value = "")]
    last_name: String,
    /// Phone (E.164, or a Peruvian number without +51).
    #[arg(long)]
    phone: Option<String>,
    /// The new patient's email.
    #[arg(long)]
    email: Option<String>,
    /// The cita's title (default: "Cita").
    #[arg(long, default_value = "")]
    title: String,
    /// Notes for the cita.
    #[arg(long)]
    notes: Option<String>,
    /// Book despite warnings, with this reason (flexible mode only).
    #[arg(long = "override")]
    override_reason: Option<String>,
    /// JSON instead of text.
    #[arg(long)]
    json: bool,
}

// `cancel`'s options.
#[derive(Args)]
pub struct CancelArgs {
    /// The cita (a GHL id, or a local id of a pending booking).
    cita_id: String,
    /// Why (kept in the audit log).
    #[arg(long)]
    reason: String,
}

// `move`'s options.
#[derive(Args)]
pub struct MoveArgs {
    /// The cita (a GHL id, or a local id of a pending booking).
    cita_id: String,
    /// The new day, YYYY-MM-DD in the location's zone.
    #[arg(long)]
    date: String,
    /// The new start, HH:MM in the location's zone.
    #[arg(long)]
    start: String,
    /// Minutes (default: the cita's current length).
    #[arg(long, allow_negative_numbers = true)]
    duration: Option<i64>,
    /// Another calendar (practitioner) id.
    #[arg(long)]
    calendar: Option<String>,
    /// Move despite warnings, with this reason (flexible mode only).
    #[arg(long = "override")]
    override_reason: Option<String>,
}

pub async fn book(desk: &Desk, args: BookArgs) -> Result<ExitCode, CoreError> {
    let patient = match (args.patient, args.first_name) {
        (Some(contact_id), _) => Some(PatientChoice::Existing { contact_id }),
        (None, Some(first_name)) => Some(PatientChoice::New {
            first_name,
            last_name: args.last_name,
            phone: args.phone,
            email: args.email,
        }),
        (None, None) => None,
    };
    let duration_minutes = match args.duration {
        Some(d) => d,
        None => desk.slot_minutes(&args.calendar)?,
    };
    let out = desk
        .book(BookingRequest {
            calendar_id: args.calendar,
            patient,
            date: args.date,
            start: args.start,
            duration_minutes,
            title: args.title,
            notes: args.notes,
            override_reason: args.override_reason,
        })
        .await
        .map_err(with_override_hint)?;
    Ok(print_outcome(&out, args.json))
}

pub async fn cancel(desk: &Desk, args: CancelArgs) -> Result<ExitCode, CoreError> {
    let action = CitaAction::Cancel {
        reason: args.reason,
    };
    change(desk, &args.cita_id, action, false).await
}

pub async fn move_cita(desk: &Desk, args: MoveArgs) -> Result<ExitCode, CoreError> {
    let duration_minutes = match args.duration {
        Some(d) => d,
        None => desk.cita_minutes(&args.cita_id)?,
    };
    let action = CitaAction::Move {
        date: args.date,
        start: args.start,
        duration_minutes,
        calendar_id: args.calendar,
        override_reason: args.override_reason,
    };
    change(desk, &args.cita_id, action, false).await
}

/// `set-status CITA_ID STATUS`: the status by its Spanish or English name.
pub async fn set_status(
    desk: &Desk,
    cita_id: &str,
    status: Option<String>,
    json: bool,
) -> Result<ExitCode, CoreError> {
    let named = status.ok_or_else(status_required)?;
    let status = match ghl_status(&named) {
        Some("cancelled") => return Err(cancel_is_its_own_command(cita_id)),
        Some(s) => s.to_string(),
        None => return Err(unknown_status(&named)),
    };
    change(desk, cita_id, CitaAction::Status { status }, json).await
}

/// GHL's value for a status named in Spanish or English (accents, case
/// and spaces or dashes ignored).
pub(crate) fn ghl_status(name: &str) -> Option<&'static str> {
    let plain: String = name
        .trim()
        .to_lowercase()
        .replace('ó', "o")
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_'))
        .collect();
    Some(match plain.as_str() {
        "pendiente" | "new" => "new",
        "confirmada" | "confirmed" => "confirmed",
        "cancelada" | "cancelled" | "canceled" => "cancelled",
        "asistio" | "showed" => "showed",
        "noasistio" | "noshow" => "noshow",
        _ => return None,
    })
}

async fn change(
    desk: &Desk,
    cita_id: &str,
    action: CitaAction,
    json: bool,
) -> Result<ExitCode, CoreError> {
    let out = desk
        .change_cita(cita_id, action)
        .await
        .map_err(with_override_hint)?;
    Ok(print_outcome(&out, json))
}

#[cfg(test)]
mod tests {
    use super::ghl_status;

    #[test]
    fn statuses_are_named_in_spanish_or_english() {
        for (names, ghl) in [
            (&["pendiente", "new"][..], "new"),
            (&["confirmada", "Confirmed", "CONFIRMADA"][..], "confirmed"),
            (&["cancelada", "cancelled"][..], "cancelled"),
            (&["asistió", "asistio", "showed"][..], "showed"),
            (
                &["no asistió", "no asistio", "no-show", "noshow"][..],
                "noshow",
            ),
        ] {
            for n in names {
                assert_eq!(ghl_status(n), Some(ghl), "{n}");
            }
        }
        assert_eq!(ghl_status("tal vez"), None);
    }
}
