//! `reconcile`: compare GHL and the replica, store and print the report,
//! and with `--apply-ghl` take GHL's version of every difference.

use std::process::ExitCode;

use citadesk_core::{
    parse_date, CoreError, Desk, ExportFormat, FixAction, FixRequest, ReconciliationReport,
    RunTrigger,
};
use clap::Args;

use crate::output::{exit, print_json};

// `reconcile`'s options.
#[derive(Args)]
pub struct ReconcileArgs {
    /// The day the window is placed around (YYYY-MM-DD, location's
    /// zone; default today); also the report's `fecha`.
    #[arg(long)]
    date: Option<String>,
    /// Days before the date the window starts.
    #[arg(long, default_value_t = citadesk_core::RECONCILE_DAYS_BACK)]
    days_back: i64,
    /// Days after the date it ends (default: 31 days in all, one GHL call
    /// per calendar).
    #[arg(long, default_value_t = citadesk_core::RECONCILE_DAYS_AHEAD)]
    days_ahead: i64,
    /// text, json or csv.
    #[arg(long, default_value = "text")]
    format: String,
    /// Then take GHL's version for every line (the replica follows
    /// GHL). The exit status still tells whether there were differences.
    #[arg(long)]
    apply_ghl: bool,
}

pub async fn run(desk: &Desk, args: ReconcileArgs) -> Result<ExitCode, CoreError> {
    let anchor = args.date.as_deref().map(parse_date).transpose()?;
    let report = desk
        .reconcile_around(anchor, args.days_back, args.days_ahead, RunTrigger::Manual)
        .await?;
    let report_id = report.id.unwrap_or_default();
    match args.format.as_str() {
        "json" => print_json(serde_json::to_string_pretty(&report)),
        // The stored report, as the app exports it.
        "csv" => print!("{}", desk.report_text(report_id, ExportFormat::Csv)?),
        _ => print_counts(&report),
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
            "GHL's version taken: {} applied, {} failed",
            out.applied,
            out.failed.len()
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
