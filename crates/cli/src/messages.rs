//! The CLI's own refusals, in both languages (the core's are in its
//! catalog, `citadesk-core`'s `messages.rs`).

use citadesk_core::{CoreError, ErrorCode};

fn rejected(code: ErrorCode, es: String, en: String) -> CoreError {
    CoreError::Rejected { code, es, en }
}

pub fn status_required() -> CoreError {
    rejected(
        ErrorCode::InputStatusRequired,
        "Indique el estado: pendiente, confirmada, asistió o no asistió.".into(),
        "Give the status: new, confirmed, showed or noshow.".into(),
    )
}

pub fn unknown_status(status: &str) -> CoreError {
    rejected(
        ErrorCode::CitaInvalidStatus,
        format!("Estado «{status}» no válido: use pendiente, confirmada, asistió o no asistió (o new, confirmed, showed, noshow)."),
        format!("Invalid status {status:?}: use new, confirmed, showed or noshow (or pendiente, confirmada, asistió, no asistió)."),
    )
}

pub fn cancel_is_its_own_command(cita_id: &str) -> CoreError {
    rejected(
        ErrorCode::CitaInvalidStatus,
        format!("Para cancelar use: citadesk-cli cancel {cita_id} --reason \"motivo\"."),
        format!("To cancel, use: citadesk-cli cancel {cita_id} --reason \"why\"."),
    )
}

pub fn refusal_not_found(id: i64) -> CoreError {
    rejected(
        ErrorCode::OutboxRefusalNotFound,
        format!("No hay ningún rechazo pendiente con el número {id}. Véalos con: citadesk-cli refusals."),
        format!("No refusal waiting with number {id}. List them with: citadesk-cli refusals."),
    )
}

/// The core asks for a reason to go past warnings: on the command line
/// that is `--override`.
pub fn with_override_hint(e: CoreError) -> CoreError {
    match e {
        CoreError::Rejected { code, es, en } if code == ErrorCode::BookingOverrideRequired => {
            rejected(
                code,
                format!(
                    "{} Para seguir igual, repita el comando con --override \"motivo\".",
                    first_sentences(&es, "Para reservar igual")
                ),
                format!(
                    "{} To go ahead anyway, run the command again with --override \"reason\".",
                    first_sentences(&en, "To book anyway")
                ),
            )
        }
        other => other,
    }
}

/// `text` up to `cut` (the core's own advice), without a doubled period.
fn first_sentences(text: &str, cut: &str) -> String {
    let mut s = text.split(cut).next().unwrap_or(text).trim().to_string();
    while s.ends_with("..") {
        s.pop();
    }
    if !s.ends_with('.') {
        s.push('.');
    }
    s
}

pub fn pin_required() -> CoreError {
    rejected(
        ErrorCode::AuthSignInRequired,
        "Falta el PIN de quien actúa: póngalo en CITADESK_PIN (cron, scripts) o ejecute el comando en una terminal para escribirlo.".into(),
        "The acting person's PIN is missing: set it in CITADESK_PIN (cron, scripts) or run the command in a terminal to type it.".into(),
    )
}

pub fn pin_unreadable() -> CoreError {
    rejected(
        ErrorCode::StaffInvalid,
        "No se pudo leer el PIN. Escríbalo (4 a 8 dígitos) o páselo por la entrada estándar."
            .into(),
        "The PIN could not be read. Type it (4 to 8 digits) or pipe it on standard input.".into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_override_message_names_the_flag_and_ends_once() {
        let core = CoreError::Rejected {
            code: ErrorCode::BookingOverrideRequired,
            es: "Hay avisos: Fuera del horario.. Para reservar igual, escriba el motivo.".into(),
            en: "There are warnings: Outside hours.. To book anyway, type the reason.".into(),
        };
        let e = with_override_hint(core);
        for m in [
            e.message(citadesk_core::Locale::EsPe),
            e.message(citadesk_core::Locale::En),
        ] {
            assert!(m.contains("--override"), "{m}");
            assert!(!m.contains(".."), "{m}");
        }
    }
}
