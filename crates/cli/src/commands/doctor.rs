//! `doctor`: check the replica, the keychain, the connection, GHL's rate
//! limit and the outbox, and say what to fix (exit 2 when something needs it).

use std::process::ExitCode;

use citadesk_core::ghl::{TokenStore, TokenStoreError};
use citadesk_core::{paths, CoreError, Desk, RateLimitHealth, TOKEN_ENV};

use crate::output::{exit, locale, tr};

/// The app's diagnostics text, from the same core function.
pub fn diagnostics(desk: &Desk) -> Result<ExitCode, CoreError> {
    print!(
        "{}",
        desk.diagnostics(&citadesk_core::ShellFacts {
            program: format!("citadesk-cli {}", env!("CARGO_PKG_VERSION")),
            ..Default::default()
        })?
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn run(desk: &Desk) -> Result<ExitCode, CoreError> {
    let mut ok = true;
    let mut check = |name: &str, result: Result<String, String>| match result {
        Ok(detail) => println!("ok    {name}: {detail}"),
        Err(detail) => {
            ok = false;
            println!("FAIL  {name}: {detail}");
        }
    };
    let locale = locale();
    check(
        tr("réplica", "replica"),
        desk.schema_version()
            .map(|v| {
                format!(
                    "{} ({} {v})",
                    paths::replica_path(desk.data_dir()).display(),
                    tr("esquema", "schema")
                )
            })
            .map_err(|e| e.message(locale)),
    );
    check(tr("llavero", "keychain"), keychain().await);
    let active = desk.active_location().ok().flatten();
    check(
        tr("sede", "location"),
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
                    tr(
                        format!(
                            "responde; {} citas sincronizadas en {} ms",
                            s.citas_upserted, s.duration_ms
                        ),
                        format!(
                            "reached; {} citas synced in {} ms",
                            s.citas_upserted, s.duration_ms
                        ),
                    )
                })
                .map_err(|e| format!("[{}] {}", e.code(), e.message(locale))),
        );
        let figures = desk.health().await.ok().and_then(|h| h.rate_limit);
        check(
            tr("límite de GHL", "rate limit"),
            Ok(figures.as_ref().map(rate_limit).unwrap_or_else(|| {
                tr("GHL aún no envió cifras", "no figures from GHL yet").into()
            })),
        );
        check(
            tr("pendientes", "outbox"),
            match desk.status() {
                Ok(s) if s.refused_writes > 0 => Err(tr(
                    format!(
                        "GHL rechazó {} cambios: véalos con `citadesk-cli refusals` y descarte cada uno con `citadesk-cli refusals ack ID`",
                        s.refused_writes
                    ),
                    format!(
                        "{} writes GHL refused: see them with `citadesk-cli refusals`, clear each with `citadesk-cli refusals ack ID`",
                        s.refused_writes
                    ),
                )),
                Ok(s) => Ok(tr(
                    format!("{} cambios por enviar", s.pending_writes),
                    format!("{} writes waiting", s.pending_writes),
                )),
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

/// When the replica cannot be opened (its key is in an unreachable
/// keychain, say): the reason, and the keychain's own check.
pub async fn without_replica(e: &CoreError) -> ExitCode {
    println!(
        "FAIL  {}: [{}] {}",
        tr("réplica", "replica"),
        e.code(),
        e.message(locale())
    );
    match keychain().await {
        Ok(detail) => println!("ok    {}: {detail}", tr("llavero", "keychain")),
        Err(detail) => println!("FAIL  {}: {detail}", tr("llavero", "keychain")),
    }
    ExitCode::from(exit::DOCTOR_FOUND_PROBLEMS)
}

/// The keychain, actually reached: reading an entry that does not exist
/// answers "no entry" from a working Secret Service, an error without one.
async fn keychain() -> Result<String, String> {
    let locale = locale();
    // keyring's Secret Service calls block: never on a runtime thread.
    let backend = tokio::task::spawn_blocking(|| TokenStore::new().backend())
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| CoreError::from(e).message(locale))?;
    if backend == "mock" {
        return Err(tr(
            "almacén de prueba en memoria: los tokens no se guardarían",
            "in-memory mock store: tokens would not persist",
        )
        .into());
    }
    let probe = tokio::task::spawn_blocking(|| TokenStore::new().load("citadesk-doctor-probe"))
        .await
        .map_err(|e| e.to_string())?;
    match probe {
        Ok(_) | Err(TokenStoreError::Missing(_)) => Ok(backend.to_string()),
        Err(e) if std::env::var(TOKEN_ENV).is_ok_and(|t| !t.is_empty()) => Ok(tr(
            format!(
                "{backend} no disponible; no hace falta: el token viene de {TOKEN_ENV} ({})",
                e.code()
            ),
            format!(
                "{backend} not reachable; not needed: the token comes from {TOKEN_ENV} ({})",
                e.code()
            ),
        )),
        Err(e) => {
            let e = CoreError::from(e);
            Err(format!("[{}] {}", e.code(), e.message(locale)))
        }
    }
}

/// GHL's figures; the huge values it sends when a limit is lifted read
/// "no limit".
fn rate_limit(f: &RateLimitHealth) -> String {
    const LIFTED: u64 = 1 << 31;
    let show = |v: Option<u64>| v.map(|n| n.to_string()).unwrap_or_else(|| "?".into());
    let burst = match f.max.map(u64::from) {
        Some(max) if max >= LIFTED => tr("sin límite por ráfaga", "no burst limit").to_string(),
        max => tr(
            format!(
                "quedan {} de {} cada {} ms",
                show(f.remaining.map(u64::from)),
                show(max),
                show(f.interval_ms)
            ),
            format!(
                "{} of {} left per {} ms",
                show(f.remaining.map(u64::from)),
                show(max),
                show(f.interval_ms)
            ),
        ),
    };
    let daily = match f.daily_limit {
        Some(limit) if limit >= LIFTED => tr("sin límite diario", "no daily limit").to_string(),
        limit => tr(
            format!("quedan {} de {} hoy", show(f.daily_remaining), show(limit)),
            format!("{} of {} left today", show(f.daily_remaining), show(limit)),
        ),
    };
    format!("{burst}; {daily}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifted_limits_read_no_limit() {
        let f = RateLimitHealth {
            max: Some(u32::MAX),
            interval_ms: Some(10_000),
            remaining: Some(u32::MAX - 52),
            daily_limit: Some(u64::from(u32::MAX)),
            daily_remaining: Some(4294967243),
        };
        let line = rate_limit(&f);
        assert!(!line.contains("4294967"), "{line}");
        let normal = RateLimitHealth {
            max: Some(100),
            remaining: Some(99),
            daily_limit: Some(200_000),
            daily_remaining: Some(199_999),
            ..f
        };
        assert!(rate_limit(&normal).contains("99"));
    }
}
