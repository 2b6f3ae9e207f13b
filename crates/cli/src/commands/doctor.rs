//! `doctor`: check the replica, the keychain, the connection, GHL's rate
//! limit and the outbox, and say what to fix (exit 2 when something needs it).

use std::process::ExitCode;

use citadesk_core::{paths, CoreError, Desk};

use crate::output::exit;

pub async fn run(desk: &Desk) -> Result<ExitCode, CoreError> {
    let mut ok = true;
    let mut check = |name: &str, result: Result<String, String>| match result {
        Ok(detail) => println!("ok    {name}: {detail}"),
        Err(detail) => {
            ok = false;
            println!("FAIL  {name}: {detail}");
        }
    };
    let locale = desk.locale();
    check(
        "replica",
        desk.schema_version()
            .map(|v| {
                format!(
                    "{} (schema {v})",
                    paths::replica_path(desk.data_dir()).display()
                )
            })
            .map_err(|e| e.message(locale)),
    );
    check(
        "keychain",
        match desk.keychain_backend() {
            Ok("mock") => Err("in-memory mock store: tokens would not persist".into()),
            Ok(b) => Ok(b.to_string()),
            Err(e) => Err(e.message(locale)),
        },
    );
    let active = desk.active_location().ok().flatten();
    check(
        "location",
        active
            .clone()
            .ok_or_else(|| CoreError::NotConnected.message(locale)),
    );
    if active.is_some() {
        check(
            "GHL",
            desk.sync_now()
                .await
                .map(|s| {
                    format!(
                        "reached; {} citas synced in {} ms",
                        s.citas_upserted, s.duration_ms
                    )
                })
                .map_err(|e| format!("[{}] {}", e.code(), e.message(locale))),
        );
        check(
            "rate limit",
            Ok(desk
                .rate_limit_summary()
                .unwrap_or_else(|| "no figures from GHL yet".into())),
        );
        check(
            "outbox",
            match desk.status() {
                Ok(s) if s.refused_writes > 0 => Err(format!(
                    "{} writes GHL refused: see `citadesk-cli push` and the app's notices",
                    s.refused_writes
                )),
                Ok(s) => Ok(format!("{} writes waiting", s.pending_writes)),
                Err(e) => Err(e.message(locale)),
            },
        );
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(exit::DOCTOR_FOUND_PROBLEMS)
    })
}
