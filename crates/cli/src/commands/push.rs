//! `push`: send what waits in the outbox now.

use std::process::ExitCode;

use citadesk_core::{CoreError, Desk};

use crate::output::tr;

pub async fn run(desk: &Desk) -> Result<ExitCode, CoreError> {
    let r = desk.push_outbox().await?;
    let waiting = desk.status()?.pending_writes;
    println!(
        "{}",
        tr(
            format!(
                "enviadas {}, rechazadas {}, aún por enviar {waiting}",
                r.sent,
                r.refused.len()
            ),
            format!(
                "sent {}, refused {}, still waiting {waiting}",
                r.sent,
                r.refused.len()
            )
        )
    );
    for refusal in desk.refused_writes()? {
        println!(
            "{} {}: {}",
            tr("rechazada", "refused"),
            refusal.outbox_id,
            refusal.message
        );
    }
    match r.stopped_by {
        Some(e) => Err(e),
        None => Ok(ExitCode::SUCCESS),
    }
}
