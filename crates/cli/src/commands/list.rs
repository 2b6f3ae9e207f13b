//! `list`: the citas of a range of days from the replica (no network),
//! filtered and ordered as the app's list, as text, JSON or CSV. The CSV is
//! the app's export (one core function for both).

use std::process::ExitCode;

use citadesk_core::{CoreError, Desk, ListPage, ListQuery, ListSort, MAX_PAGE};
use clap::{Args, ValueEnum};

use super::booking::ghl_status;
use crate::output::{print_json, tr};

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
enum Sort {
    Start,
    Patient,
    Calendar,
    Practitioner,
    Status,
}

impl From<Sort> for ListSort {
    fn from(s: Sort) -> Self {
        match s {
            Sort::Start => ListSort::Start,
            Sort::Patient => ListSort::Patient,
            Sort::Calendar => ListSort::Calendar,
            Sort::Practitioner => ListSort::Practitioner,
            Sort::Status => ListSort::Status,
        }
    }
}

// `list`'s options.
#[derive(Args)]
pub struct ListArgs {
    /// First day, YYYY-MM-DD (the location's zone).
    #[arg(long)]
    from: String,
    /// Last day, YYYY-MM-DD, included.
    #[arg(long)]
    to: String,
    /// Only these statuses (repeat or separate with commas): pendiente|new,
    /// confirmada|confirmed, cancelada|cancelled, asistió|showed,
    /// no asistió|noshow, or any value GHL uses.
    #[arg(long, value_delimiter = ',')]
    status: Vec<String>,
    /// Only this calendar id.
    #[arg(long)]
    calendar: Option<String>,
    /// Only this room (GHL calendar resource) id.
    #[arg(long)]
    room: Option<String>,
    /// Only this practitioner (GHL user id).
    #[arg(long)]
    practitioner: Option<String>,
    /// Only patients whose name, phone or email hold these words.
    #[arg(long)]
    patient: Option<String>,
    /// Order of the rows.
    #[arg(long, value_enum, default_value = "start")]
    sort: Sort,
    /// Descending order.
    #[arg(long)]
    desc: bool,
    /// text, json or csv.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

pub fn run(desk: &Desk, args: ListArgs) -> Result<ExitCode, CoreError> {
    let query = ListQuery {
        from: args.from,
        to: args.to,
        statuses: args
            .status
            .iter()
            .filter(|s| !s.trim().is_empty())
            .map(|s| {
                ghl_status(s)
                    .map(str::to_string)
                    .unwrap_or_else(|| s.trim().to_string())
            })
            .collect(),
        calendar_id: args.calendar,
        practitioner_id: args.practitioner,
        room_id: args.room,
        patient: args.patient,
        sort: args.sort.into(),
        descending: args.desc,
        offset: 0,
        limit: MAX_PAGE,
    };
    if let Format::Csv = args.format {
        print!("{}", desk.cita_list_csv(&query)?);
        return Ok(ExitCode::SUCCESS);
    }
    let list = whole(desk, query)?;
    match args.format {
        Format::Json => print_json(serde_json::to_string_pretty(&list)),
        _ => {
            for r in &list.rows {
                println!(
                    "{} {}-{}  {:<18} {:<10} {}{}",
                    &r.start_local[..10],
                    &r.start_local[11..16],
                    &r.end_local[11..16],
                    r.calendar.as_deref().unwrap_or(&r.calendar_id),
                    r.status,
                    r.title,
                    r.patient_name
                        .as_deref()
                        .map(|p| format!(" ({p})"))
                        .unwrap_or_default()
                );
            }
            println!("{} {}", list.total, tr("citas", "citas"));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Every page of the list as one.
fn whole(desk: &Desk, mut query: ListQuery) -> Result<ListPage, CoreError> {
    let mut list = desk.cita_list(&query)?;
    while (list.rows.len() as u32) < list.total {
        query.offset = list.rows.len() as u32;
        let next = desk.cita_list(&query)?;
        if next.rows.is_empty() {
            break; // the replica changed underneath: what was read stands
        }
        list.rows.extend(next.rows);
    }
    Ok(list)
}
