//! A cita's life: `book`, `move`, `cancel`, and `status CITA_ID STATUS`.
//! Each prints the outcome and exits 5 when it waits in the outbox.

use std::process::ExitCode;

use citadesk_core::{BookingRequest, CitaAction, CoreError, Desk, PatientChoice};
use clap::Args;

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
}

// `cancel`'s options.
#[derive(Args)]
pub struct CancelArgs {
    cita_id: String,
    #[arg(long)]
    reason: String,
}

// `move`'s options.
#[derive(Args)]
pub struct MoveArgs {
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
        .await?;
    Ok(print_outcome(&out, args.json))
}

pub async fn cancel(desk: &Desk, args: CancelArgs) -> Result<ExitCode, CoreError> {
    let action = CitaAction::Cancel {
        reason: args.reason,
    };
    change(desk, &args.cita_id, action, false).await
}

pub async fn move_cita(desk: &Desk, args: MoveArgs) -> Result<ExitCode, CoreError> {
    let action = CitaAction::Move {
        date: args.date,
        start: args.start,
        duration_minutes: args.duration,
        calendar_id: args.calendar,
        override_reason: args.override_reason,
    };
    change(desk, &args.cita_id, action, false).await
}

/// `status CITA_ID STATUS` (the status is required once a cita is named).
pub async fn set_status(
    desk: &Desk,
    cita_id: &str,
    status: Option<String>,
    json: bool,
) -> Result<ExitCode, CoreError> {
    let status = status.ok_or_else(|| CoreError::Rejected {
        code: citadesk_core::ErrorCode::InputStatusRequired,
        es: "Indique el estado: confirmed, showed o noshow.".into(),
        en: "Give the status: confirmed, showed or noshow.".into(),
    })?;
    change(desk, cita_id, CitaAction::Status { status }, json).await
}

async fn change(
    desk: &Desk,
    cita_id: &str,
    action: CitaAction,
    json: bool,
) -> Result<ExitCode, CoreError> {
    let out = desk.change_cita(cita_id, action).await?;
    Ok(print_outcome(&out, json))
}
