//! `health`: the health figures (GHL, webhooks, overall) and the open
//! alerts, each with what to do. Exit 2 while an alert is open, so a cron
//! job or a monitoring probe can act on it.

use std::process::ExitCode;

use citadesk_core::{CoreError, Desk};
use clap::Args;

use crate::output::{exit, print_json_or_text, tr};

// `health`' options.
#[derive(Args)]
pub struct HealthArgs {
    /// JSON instead of text.
    #[arg(long)]
    json: bool,
}

pub async fn run(desk: &Desk, args: HealthArgs) -> Result<ExitCode, CoreError> {
    // What the replica keeps (the last sync, refusals, webhooks, the
    // outbox, reconciliations) is checked now; alerts open in the app stay.
    desk.check_alerts().await?;
    let report = desk.health().await?;
    let text = || {
        println!(
            "{} {:.1} %",
            tr("salud general:  ", "overall health: "),
            report.overall_health
        );
        println!(
            "{} {:.1} %",
            tr("salud de GHL:   ", "GHL health:     "),
            report.ghl_health
        );
        match report.webhook_health {
            Some(w) => println!("{} {w:.1} %", tr("salud webhooks: ", "webhook health: ")),
            None => println!("{} -", tr("salud webhooks: ", "webhook health: ")),
        }
        for o in &report.operations {
            println!(
                "  {:<44} {:>5} {:>4} {:>6.1} ms",
                o.operation, o.calls, o.failures, o.avg_ms
            );
        }
        if !report.webhooks.is_empty() {
            println!(
                "{}",
                tr(
                    "webhooks (24 h): tipo, recibidos, aplicados, duplicados, rechazados, éxito",
                    "webhooks (24 h): type, received, applied, duplicates, rejected, success"
                )
            );
        }
        for w in &report.webhooks {
            let rejected: Vec<String> = w
                .rejected
                .iter()
                .map(|r| format!("{}={}", r.reason, r.count))
                .collect();
            println!(
                "  {:<22} {:>5} {:>5} {:>5} {:<16} {:>5.1} %",
                w.event_type,
                w.received,
                w.applied,
                w.duplicates,
                if rejected.is_empty() {
                    "0".into()
                } else {
                    rejected.join(" ")
                },
                w.success_rate * 100.0
            );
        }
        if report.alerts.is_empty() {
            println!("{}", tr("(ninguna alerta)", "(no alerts)"));
        }
        for a in &report.alerts {
            println!(
                "{} [{}] {}",
                tr("ALERTA", "ALERT"),
                a.kind.as_str(),
                a.message
            );
        }
    };
    print_json_or_text(args.json, || serde_json::to_string_pretty(&report), text);
    Ok(if report.alerts.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(exit::ALERTS_OPEN)
    })
}
