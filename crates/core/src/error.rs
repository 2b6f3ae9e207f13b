use citadesk_ghl::{GhlError, TokenStoreError};

use crate::model::{ErrorPayload, Locale};

/// The core's errors. Each has a stable code and a message in the user's
/// language that says what to do; the app folds them into `{code, message}`.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error(transparent)]
    Ghl(#[from] GhlError),
    #[error(transparent)]
    Keychain(#[from] TokenStoreError),
    #[error("no GHL location is connected")]
    NotConnected,
    #[error("local database error: {0}")]
    Store(#[from] rusqlite::Error),
    #[error("the local database at {path} could not be opened: {reason}")]
    StoreOpen { path: String, reason: String },
    #[error("invalid date {0:?}: expected YYYY-MM-DD")]
    InvalidDate(String),
    #[error("unknown time zone {0:?}")]
    InvalidZone(String),
    #[error("GHL sent a time that could not be read: {0:?}")]
    InvalidTime(String),
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// A domain rule said no (a booking check, a missing field, a write GHL
    /// refused); the messages say what to do.
    #[error("{en}")]
    Rejected {
        code: String,
        es: String,
        en: String,
    },
    #[error(transparent)]
    Relay(#[from] crate::live::RelayError),
}

impl CoreError {
    pub fn code(&self) -> &str {
        match self {
            CoreError::Ghl(e) => e.code(),
            CoreError::Keychain(e) => e.code(),
            CoreError::NotConnected => "setup.not_connected",
            CoreError::Store(_) => "store.error",
            CoreError::StoreOpen { .. } => "store.open_failed",
            CoreError::InvalidDate(_) => "input.invalid_date",
            CoreError::InvalidZone(_) => "input.invalid_zone",
            CoreError::InvalidTime(_) => "ghl.invalid_time",
            CoreError::Io(_) => "io.error",
            CoreError::Rejected { code, .. } => code,
            CoreError::Relay(e) => e.code(),
        }
    }

    /// What the person in front of the screen should read.
    pub fn message(&self, locale: Locale) -> String {
        let es = locale == Locale::EsPe;
        if let CoreError::Rejected { es: in_es, en, .. } = self {
            return if es { in_es.clone() } else { en.clone() };
        }
        let detail = self.to_string();
        let text = match (self.code(), es) {
            ("auth.expired", true) => "GHL rechazó el token (vencido o no válido). Revise el token de integración privada, o genere uno nuevo en GHL, y conecte la sede de nuevo.".to_string(),
            ("auth.expired", false) => "GHL refused the token (expired or not valid). Check the Private Integration Token, or create a new one in GHL, and connect the location again.".to_string(),
            ("auth.reconnect_required", true) => "GHL ya no acepta la conexión de esta sede (permiso revocado, app desinstalada o sede inactiva). Vuelva a conectarla en Conectar GHL.".to_string(),
            ("auth.reconnect_required", false) => "GHL no longer accepts this location's connection (access revoked, app uninstalled or location inactive). Connect it again in Conectar GHL.".to_string(),
            ("auth.oauth_client", true) => "GHL rechazó el Client ID o el Client Secret de la app. Revíselos en el Marketplace de GHL e intente de nuevo.".to_string(),
            ("auth.oauth_client", false) => "GHL refused the app's Client ID or Client Secret. Check them in GHL's Marketplace and try again.".to_string(),
            ("auth.oauth_state", true) => "La respuesta del navegador no corresponde a esta solicitud y se rechazó. Intente conectar de nuevo.".to_string(),
            ("auth.oauth_state", false) => "The browser's answer does not belong to this request and was refused. Try connecting again.".to_string(),
            ("auth.oauth_denied", true) => format!("GHL no concedió el acceso. Intente de nuevo y elija la sede. ({detail})"),
            ("auth.oauth_denied", false) => format!("GHL did not grant access. Try again and choose the location. ({detail})"),
            ("auth.oauth_timeout", true) => "No se completó la autorización en el navegador a tiempo. Intente de nuevo.".to_string(),
            ("auth.oauth_timeout", false) => "The authorization in the browser was not completed in time. Try again.".to_string(),
            ("auth.forbidden_location", true) => "El token no tiene acceso a esta sede de GHL. Revise el token o la sede elegida.".to_string(),
            ("auth.forbidden_location", false) => "The token has no access to this GHL location. Check the token or the chosen location.".to_string(),
            ("auth.token_missing", true) => "No hay token guardado para esta sede. Vuelva a conectarla.".to_string(),
            ("auth.token_missing", false) => "No token is stored for this location. Connect it again.".to_string(),
            ("ghl.rate_limited", true) => "GHL pide esperar unos segundos (límite de solicitudes). Se reintentará solo.".to_string(),
            ("ghl.rate_limited", false) => "GHL asks to wait a few seconds (rate limit). It will retry by itself.".to_string(),
            ("ghl.rate_limited_daily", true) => "Se alcanzó el límite diario de GHL. La sincronización se reanudará mañana.".to_string(),
            ("ghl.rate_limited_daily", false) => "GHL's daily limit was reached. Sync resumes tomorrow.".to_string(),
            ("ghl.server", true) => format!("GHL tiene un problema temporal. Se reintentará. ({detail})"),
            ("ghl.server", false) => format!("GHL has a temporary problem. It will retry. ({detail})"),
            ("network.unreachable" | "network.timeout", true) => "Sin conexión con GHL: se muestran los datos guardados.".to_string(),
            ("network.unreachable" | "network.timeout", false) => "No connection to GHL: showing saved data.".to_string(),
            ("keychain.unavailable", true) => "No se pudo abrir el llavero del sistema. Inicie sesión en el escritorio (o instale gnome-keyring) y vuelva a intentar.".to_string(),
            ("keychain.locked", true) => "El llavero del sistema está bloqueado. Desbloquéelo e intente de nuevo.".to_string(),
            ("setup.not_connected", true) => "No hay ninguna sede de GHL conectada todavía.".to_string(),
            ("setup.not_connected", false) => "No GHL location is connected yet.".to_string(),
            ("store.open_failed", true) => format!("No se pudo abrir la base de datos local. {detail}"),
            ("input.invalid_date", true) => format!("Fecha no válida: use AAAA-MM-DD. ({detail})"),
            ("relay.bad_url", true) => "La dirección del relay no es válida: escriba una URL completa, por ejemplo https://relay.suclinica.pe".to_string(),
            ("relay.bad_url", false) => "The relay address is not valid: enter a full URL, for example https://relay.yourclinic.com".to_string(),
            ("relay.unauthorized", true) => "El relay rechazó el token de instalación. Pida uno nuevo a quien administra el relay (citadesk-relay token create) y guárdelo en Ajustes.".to_string(),
            ("relay.unauthorized", false) => "The relay refused the install token. Ask whoever runs the relay for a new one (citadesk-relay token create) and save it in Settings.".to_string(),
            ("relay.unreachable" | "relay.status" | "relay.protocol", true) => format!("Sin conexión con el relay: los cambios llegarán con la próxima sincronización. Se reintentará solo. ({detail})"),
            ("relay.unreachable" | "relay.status" | "relay.protocol", false) => format!("No connection to the relay: changes arrive with the next sync. It will retry by itself. ({detail})"),
            ("relay.keys", true) => format!("Las claves públicas de webhooks de GHL configuradas no son válidas. Revise CITADESK_WEBHOOK_ED25519_KEYS. ({detail})"),
            ("relay.keys", false) => format!("The configured GHL webhook public keys are not valid. Check CITADESK_WEBHOOK_ED25519_KEYS. ({detail})"),
            (_, true) => format!("Error: {detail}"),
            (_, false) => detail,
        };
        text
    }

    pub fn payload(&self, locale: Locale) -> ErrorPayload {
        ErrorPayload {
            code: self.code().to_string(),
            message: self.message(locale),
        }
    }

    /// True when GHL was simply out of reach (the agenda is served from cache).
    pub fn is_offline(&self) -> bool {
        matches!(self, CoreError::Ghl(e) if e.is_offline())
    }
}

pub type Result<T, E = CoreError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_exist_in_both_languages_and_codes_are_stable() {
        let e = CoreError::NotConnected;
        assert_eq!(e.code(), "setup.not_connected");
        assert!(e.message(Locale::EsPe).contains("sede"));
        assert!(e.message(Locale::En).contains("location"));
        let e = CoreError::Ghl(GhlError::Unreachable("refused".into()));
        assert!(e.is_offline());
        assert_eq!(e.payload(Locale::EsPe).code, "network.unreachable");
    }
}
