//! `reconcile`: compare GHL and the replica, store and print the report,
//! and with `--apply-ghl` take GHL's version of every difference.

use std::process::ExitCode;

use citadesk_core::{
    parse_date, CoreError, Desk, ExportFormat, FixAction, FixRequest, ReconciliationReport,
    RunTrigger,
};
use clap::{Args, ValueEnum};

use crate::output::{exit, print_json, tr};

// `reconcile`'s options.
#[derive(Args)]
pub struct ReconcileArgs {
    /// The day the window is placed around (YYYY-MM-DD, location's
    /// zone; default today); also the report's `fecha`.
    #[arg(long)]
    date: Option<String>,
    /// Days before the date to compare (0 to 60).
    #[arg(long, default_value_t = citadesk_core::RECONCILE_DAYS_BACK, allow_negative_numbers = true)]
    days_back: i64,
    /// Days after the date to compare (0 to 365; default: 31 days in all,
    /// one GHL call per calendar).
    #[arg(long, default_value_t = citadesk_core::RECONCILE_DAYS_AHEAD, allow_negative_numbers = true)]
    days_ahead: i64,
    /// How the report is printed.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Then take GHL's version for every line (the replica follows
    /// GHL). The exit status still tells whether there were differences.
    #[arg(long)]
    apply_ghl: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// One line with the counts.
    Text,
    /// The whole report.
    Json,
    /// The stored report, as the app exports it.
    Csv,
}

pub async fn run(desk: &Desk, args: ReconcileArgs) -> Result<ExitCode, CoreError> {
    let anchor = args.date.as_deref().map(parse_date).transpose()?;
    let report = desk
        .reconcile_around(anchor, args.days_back, args.days_ahead, RunTrigger::Manual)
        .await?;
    let report_id = report.id.unwrap_or_default();
    match args.format {
        Format::Json => print_json(serde_json::to_string_pretty(&report)),
        Format::Csv => print!("{}", desk.report_text(report_id, ExportFormat::Csv)?),
        Format::Text => print_counts(&report),
    }
    if args.apply_ghl && !report.is_clean() {
        let fixes = report_ids(&report)
            .into_iter()
            .map(|cita_id| FixRequest {
                cita_id,
                action: FixAction::TakeGhl,
            })
            .collect();
        let out = desk.apply_fixes(report_id, fixes).await?;
        eprintln!(
            "{}",
            tr(
                format!(
                    "versión de GHL tomada: {} aplicadas, {} fallidas",
                    out.applied,
                    out.failed.len()
                ),
                format!(
                    "GHL's version taken: {} applied, {} failed",
                    out.applied,
                    out.failed.len()
                )
            )
        );
        for f in &out.failed {
            eprintln!("  {} [{}]: {}", f.cita_id, f.code, f.message);
        }
    }
    Ok(if report.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(exit::DIFFERENCES)
    })
}

/// `--format text`: one line with the counts.
fn print_counts(report: &ReconciliationReport) {
    let c = &report.counts;
    println!(
        "{} {}: {} {} (faltantes_local {}, canceladas_no_actualizadas {}, desincronizadas {}, faltantes_remoto {}); {} {}, {} ms",
        report.fecha,
        report.location_id,
        c.total,
        tr("diferencias", "differences"),
        c.faltantes_local,
        c.canceladas_no_actualizadas,
        c.desincronizadas,
        c.faltantes_remoto,
        report.ghl_calls,
        tr("llamadas a GHL", "GHL calls"),
        report.duration_ms
    );
}

/// Every cita the report names, in its order.
fn report_ids(r: &ReconciliationReport) -> Vec<String> {
    r.faltantes_local
        .iter()
        .chain(&r.canceladas_no_actualizadas)
        .chain(&r.faltantes_remoto)
        .map(|l| l.id.clone())
        .chain(r.desincronizadas.iter().map(|d| d.id.clone()))
        .collect()
}
