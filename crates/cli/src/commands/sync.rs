//! `sync`: pull calendars and citas from GHL into the replica.

use std::process::ExitCode;

use citadesk_core::{CoreError, Desk};

use crate::output::tr;

pub async fn run(desk: &Desk) -> Result<ExitCode, CoreError> {
    let s = desk.sync_now().await?;
    let line = tr(
        format!(
            "sincronizada {}: {} calendarios, {} citas, {} quitadas, {} pacientes leídos, {} llamadas a GHL, {} ms",
            s.location_id, s.calendars, s.citas_upserted, s.citas_removed, s.contacts_fetched, s.ghl_calls, s.duration_ms
        ),
        format!(
            "synced {}: {} calendars, {} citas, {} removed, {} patients fetched, {} GHL calls, {} ms",
            s.location_id, s.calendars, s.citas_upserted, s.citas_removed, s.contacts_fetched, s.ghl_calls, s.duration_ms
        ),
    );
    println!("{line}");
    Ok(ExitCode::SUCCESS)
}
