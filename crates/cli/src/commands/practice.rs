//! The practice: `calendars` (each calendar's practitioner, specialty,
//! rooms and hours) and blocked time, `block` and `unblock ID`.

use std::process::ExitCode;

use citadesk_core::{BlockOutcome, BlockRequest, CoreError, Desk};
use clap::Args;

use crate::output::{exit, print_json, print_json_or_text, tr};

// `calendars`' options.
#[derive(Args)]
pub struct CalendarsArgs {
    /// JSON instead of text.
    #[arg(long)]
    json: bool,
}

// `block`'s options.
#[derive(Args)]
pub struct BlockArgs {
    /// Calendar id.
    #[arg(long)]
    calendar: String,
    /// YYYY-MM-DD in the location's zone.
    #[arg(long)]
    date: String,
    /// HH:MM in the location's zone.
    #[arg(long)]
    start: String,
    /// Minutes.
    #[arg(long, allow_negative_numbers = true)]
    duration: i64,
    /// Why (a break, a meeting, a vacation); the block's title in GHL.
    #[arg(long)]
    reason: String,
    /// Block the calendar's practitioner (every calendar they book) rather
    /// than the calendar.
    #[arg(long)]
    practitioner: bool,
    /// JSON instead of text.
    #[arg(long)]
    json: bool,
}

// `unblock`'s options.
#[derive(Args)]
pub struct UnblockArgs {
    /// The block (a GHL id, or the local id of one not yet in GHL).
    block_id: String,
    /// JSON instead of text.
    #[arg(long)]
    json: bool,
}

pub fn calendars(desk: &Desk, args: CalendarsArgs) -> Result<ExitCode, CoreError> {
    let view = desk.practice_view()?;
    print_json_or_text(
        args.json,
        || serde_json::to_string_pretty(&view),
        || {
            for c in &view.calendars {
                println!(
                    "{}  {}{}",
                    c.id,
                    c.name,
                    if c.is_active {
                        ""
                    } else {
                        tr(" (inactivo)", " (inactive)")
                    }
                );
                let none = || tr("—", "—").to_string();
                println!(
                    "  {}: {}",
                    tr("profesional", "practitioner"),
                    c.practitioner.clone().unwrap_or_else(none)
                );
                println!(
                    "  {}: {}",
                    tr("especialidad", "specialty"),
                    c.group_name.clone().unwrap_or_else(none)
                );
                let rooms: Vec<String> = view
                    .rooms
                    .iter()
                    .filter(|r| c.room_ids.contains(&r.id))
                    .map(|r| format!("{} ({})", r.name, r.places))
                    .collect();
                println!(
                    "  {}: {}",
                    tr("salas", "rooms"),
                    if rooms.is_empty() {
                        none()
                    } else {
                        rooms.join(", ")
                    }
                );
                println!(
                    "  {}: {}",
                    tr("horario de atención", "open hours"),
                    c.open_hours.join("; ")
                );
                if !c.schedule.is_empty() {
                    println!(
                        "  {}: {}",
                        tr("horario del profesional", "practitioner's schedule"),
                        c.schedule.join("; ")
                    );
                }
            }
        },
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn block(desk: &Desk, args: BlockArgs) -> Result<ExitCode, CoreError> {
    let out = desk
        .block_time(BlockRequest {
            calendar_id: args.calendar,
            whole_practitioner: args.practitioner,
            date: args.date,
            start: args.start,
            duration_minutes: args.duration,
            reason: args.reason,
        })
        .await?;
    Ok(print_block(&out, args.json))
}

pub async fn unblock(desk: &Desk, args: UnblockArgs) -> Result<ExitCode, CoreError> {
    let out = desk.unblock(&args.block_id).await?;
    Ok(print_block(&out, args.json))
}

/// What became of a block write; exit 5 while it waits in the outbox.
fn print_block(out: &BlockOutcome, json: bool) -> ExitCode {
    if json {
        print_json(serde_json::to_string_pretty(out));
    } else {
        let state = if out.confirmed {
            tr("en GHL", "in GHL")
        } else {
            tr("pendiente", "pending")
        };
        match &out.block {
            Some(b) => println!(
                "{state} {} {}-{} {}",
                b.id,
                b.start.replace('T', " "),
                &b.end[11..16],
                b.title
            ),
            None => println!("{state}: {}", tr("bloqueo quitado", "block removed")),
        }
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
