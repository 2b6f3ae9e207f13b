//! `push`: send what waits in the outbox now.

use std::process::ExitCode;

use citadesk_core::{CoreError, Desk};

pub async fn run(desk: &Desk) -> Result<ExitCode, CoreError> {
    let r = desk.push_outbox().await?;
    println!(
        "sent {}, refused {}, still waiting {}",
        r.sent,
        r.refused.len(),
        desk.status()?.pending_writes
    );
    for refusal in desk.refused_writes()? {
        println!("refused: {}", refusal.message);
    }
    match r.stopped_by {
        Some(e) => Err(e),
        None => Ok(ExitCode::SUCCESS),
    }
}
