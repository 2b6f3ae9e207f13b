//! `stats`: the Panel's figures for a range of days, as text, JSON or CSV
//! (one chart, or every chart one after another).

use std::process::ExitCode;

use citadesk_core::{CoreError, Dashboard, DashboardChart, Desk};
use clap::{Args, ValueEnum};

use crate::output::{print_json, tr};

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
enum Chart {
    CitasPerDay,
    Rates,
    Occupancy,
    Patients,
    Differences,
    Confirmations,
}

impl From<Chart> for DashboardChart {
    fn from(c: Chart) -> Self {
        match c {
            Chart::CitasPerDay => DashboardChart::CitasPerDay,
            Chart::Rates => DashboardChart::Rates,
            Chart::Occupancy => DashboardChart::Occupancy,
            Chart::Patients => DashboardChart::Patients,
            Chart::Differences => DashboardChart::Differences,
            Chart::Confirmations => DashboardChart::Confirmations,
        }
    }
}

// `stats`' options.
#[derive(Args)]
pub struct StatsArgs {
    /// First day, YYYY-MM-DD (the location's zone).
    #[arg(long)]
    from: String,
    /// Last day, YYYY-MM-DD, included.
    #[arg(long)]
    to: String,
    /// text, json or csv.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Only this chart (csv and text); default every chart.
    #[arg(long, value_enum)]
    chart: Option<Chart>,
    /// The location (sede); default the active one.
    #[arg(long)]
    location: Option<String>,
}

pub fn run(desk: &Desk, args: StatsArgs) -> Result<ExitCode, CoreError> {
    let d = desk.dashboard(&args.from, &args.to, args.location.as_deref())?;
    let charts: Vec<DashboardChart> = match args.chart {
        Some(c) => vec![c.into()],
        None => DashboardChart::ALL.to_vec(),
    };
    match args.format {
        Format::Json => print_json(serde_json::to_string_pretty(&d)),
        Format::Csv => {
            for (i, chart) in charts.iter().enumerate() {
                if charts.len() > 1 {
                    if i > 0 {
                        println!();
                    }
                    println!("# {}", chart.as_str());
                }
                print!("{}", d.csv(*chart));
            }
        }
        Format::Text => {
            for chart in charts {
                text(&d, chart);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn pct(v: Option<f64>) -> String {
    v.map(|x| format!("{:.1} %", x * 100.0))
        .unwrap_or_else(|| "-".into())
}

fn text(d: &Dashboard, chart: DashboardChart) {
    match chart {
        DashboardChart::CitasPerDay => {
            println!(
                "{}",
                tr(
                    "citas por día: día, total, pendiente, confirmada, asistió, no asistió, cancelada, otra",
                    "citas per day: day, total, new, confirmed, showed, noshow, cancelled, other"
                )
            );
            for c in &d.citas_per_day {
                println!(
                    "  {} {:>4} {:>4} {:>4} {:>4} {:>4} {:>4} {:>4}",
                    c.day, c.total, c.new, c.confirmed, c.showed, c.noshow, c.cancelled, c.other
                );
            }
        }
        DashboardChart::Rates => {
            println!(
                "{}",
                tr(
                    "tasas: día, inasistencia, cancelación",
                    "rates: day, no-show, cancellation"
                )
            );
            for r in &d.rates {
                println!(
                    "  {} {:>8} {:>8}",
                    r.day,
                    pct(r.no_show_rate),
                    pct(r.cancellation_rate)
                );
            }
        }
        DashboardChart::Occupancy => {
            println!(
                "{}",
                tr(
                    "ocupación: calendario (profesional), min reservados / min abiertos",
                    "occupancy: calendar (practitioner), booked min / open min"
                )
            );
            for o in &d.occupancy {
                println!(
                    "  {} ({}) {}/{} = {}{}",
                    o.calendar,
                    o.practitioner.as_deref().unwrap_or("-"),
                    o.booked_minutes,
                    o.open_minutes,
                    pct(o.occupancy),
                    if o.open_hours_from == "fallback" {
                        tr(" (horario de respaldo)", " (fallback hours)")
                    } else {
                        ""
                    }
                );
            }
        }
        DashboardChart::Patients => {
            println!(
                "{}",
                tr(
                    "pacientes: día, nuevos, recurrentes",
                    "patients: day, new, returning"
                )
            );
            for p in &d.patients {
                println!("  {} {:>4} {:>4}", p.day, p.new, p.returning);
            }
        }
        DashboardChart::Differences => {
            println!(
                "{}",
                tr(
                    "diferencias de conciliación por día",
                    "reconciliation differences per day"
                )
            );
            for x in &d.differences {
                println!(
                    "  {} {}",
                    x.day,
                    x.differences.map(|n| n.to_string()).unwrap_or("-".into())
                );
            }
        }
        DashboardChart::Confirmations => {
            if !d.confirmations.available {
                println!(
                    "{}",
                    tr(
                        "tasa de confirmación: sin datos (ninguna cita de estas fechas tuvo recordatorio)",
                        "confirmation rate: no data (no cita in these dates was reminded)"
                    )
                );
            }
            for c in &d.confirmations.days {
                println!(
                    "  {} {} ({}/{})",
                    c.day,
                    pct(c.rate),
                    c.confirmed,
                    c.reminded
                );
            }
        }
    }
}
