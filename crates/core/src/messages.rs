//! The core's messages in Spanish and English, in one place: what a
//! refusal or a failure says, and what to do about it. Codes are
//! `ErrorCode`s; the texts never are compared, only shown.

use std::fmt::{Debug, Display};

use crate::error::{CoreError, ErrorCode};
use crate::model::{ErrorPayload, Locale};

fn rejected(code: ErrorCode, es: String, en: String) -> CoreError {
    CoreError::rejected(code, es, en)
}

/// The message of an error that is not a domain refusal, from its code and
/// the error's own text (`detail`).
pub(crate) fn describe(code: ErrorCode, detail: &str, locale: Locale) -> String {
    let detail = detail.to_string();
    let es = locale == Locale::EsPe;
    match (code.as_str(), es) {
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
        ("keychain.unavailable", true) => "No se pudo abrir el llavero del sistema. Inicie sesión en el escritorio (o instale gnome-keyring) y vuelva a intentar. Sin escritorio (cron, servidor): pase el token en CITADESK_GHL_TOKEN en cada ejecución.".to_string(),
        ("keychain.unavailable", false) => "The system keychain could not be reached. Log in to the desktop (or install gnome-keyring) and try again. Without a desktop (cron, a server): pass the token in CITADESK_GHL_TOKEN on every run.".to_string(),
        ("keychain.locked", true) => "El llavero del sistema está bloqueado. Desbloquéelo e intente de nuevo.".to_string(),
        ("keychain.locked", false) => "The system keychain is locked. Unlock it and try again.".to_string(),
        ("setup.not_connected", true) => "No hay ninguna sede de GHL conectada todavía.".to_string(),
        ("setup.not_connected", false) => "No GHL location is connected yet.".to_string(),
        ("store.key_lost", true) => "La clave de la base de datos local ya no está en el llavero del sistema: la base se guardó aparte y la agenda se vuelve a descargar desde GHL.".to_string(),
        ("store.key_lost", false) => "The local database's key is no longer in the system keychain: the database was set aside and the agenda is downloaded again from GHL.".to_string(),
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
    }
}

pub(crate) fn patient_invalid_phone(p: impl Display + Debug) -> CoreError {
    rejected(
        ErrorCode::PatientInvalidPhone,
        format!("El teléfono «{p}» no es válido. Escríbalo con código de país (+51 …) o como celular peruano de 9 dígitos."),
        format!("The phone {p:?} is not valid. Type it with the country code (+51 …) or as a 9-digit Peruvian mobile."),
    )
}

pub(crate) fn patient_not_found() -> CoreError {
    rejected(
        ErrorCode::PatientNotFound,
        "Ese paciente no está en la agenda local. Búsquelo de nuevo.".into(),
        "That patient is not in the local agenda. Search again.".into(),
    )
}

pub(crate) fn patient_invalid_email(e: impl Display + Debug) -> CoreError {
    rejected(
        ErrorCode::PatientInvalidEmail,
        format!("El correo «{e}» no es válido. Escríbalo como nombre@dominio.pe."),
        format!("The email {e:?} is not valid. Type it as name@domain.com."),
    )
}

pub(crate) fn invalid_time(s: impl Display + Debug) -> CoreError {
    rejected(
        ErrorCode::InputInvalidTime,
        format!("Hora no válida «{s}»: use HH:MM."),
        format!("Invalid time {s:?}: use HH:MM."),
    )
}

pub(crate) fn cita_not_kept() -> CoreError {
    rejected(
        ErrorCode::CitaNotFound,
        "La cita no quedó en la agenda. Sincronice y revise.".into(),
        "The cita did not stay in the agenda. Sync and check.".into(),
    )
}

pub(crate) fn time_in_clock_change(
    start: impl Display,
    date: impl Display,
    zone: impl Display,
) -> CoreError {
    rejected(
        ErrorCode::InputInvalidTime,
        format!("La hora {start} del {date} no existe en la zona {zone} (cambio de hora)."),
        format!("{start} on {date} does not exist in {zone} (clock change)."),
    )
}

pub(crate) fn booking_patient_required() -> CoreError {
    rejected(
        ErrorCode::BookingPatientRequired,
        "Elija un paciente o registre uno nuevo.".into(),
        "Choose a patient or register a new one.".into(),
    )
}

pub(crate) fn patient_name_required() -> CoreError {
    rejected(
        ErrorCode::PatientNameRequired,
        "Escriba al menos el nombre del paciente.".into(),
        "Type at least the patient's first name.".into(),
    )
}

pub(crate) fn patient_contact_required() -> CoreError {
    rejected(
        ErrorCode::PatientContactRequired,
        "Escriba el teléfono o el correo del paciente: GHL los usa para no duplicarlo.".into(),
        "Type the patient's phone or email: GHL uses them to avoid duplicates.".into(),
    )
}

pub(crate) fn input_invalid_window() -> CoreError {
    rejected(
        ErrorCode::InputInvalidWindow,
        "La ventana de reconciliación debe ir de 0 a 60 días atrás y de 0 a 365 adelante.".into(),
        "The reconciliation window must be 0 to 60 days back and 0 to 365 ahead.".into(),
    )
}

pub(crate) fn input_invalid_range(days: i64) -> CoreError {
    rejected(
        ErrorCode::InputInvalidRange,
        format!("El rango del panel debe ir de una fecha a otra igual o posterior, de 1 a 366 días (se pidieron {days}). Elija otras fechas."),
        format!("The panel's range must go from a date to the same or a later one, 1 to 366 days ({days} were asked). Choose other dates."),
    )
}

pub(crate) fn list_invalid_range(from: &str, to: &str) -> CoreError {
    rejected(
        ErrorCode::InputInvalidRange,
        format!("El rango de la lista debe ir de una fecha a otra igual o posterior, de hasta 10 años (se pidió {from} a {to}). Elija otras fechas."),
        format!("The list's range must go from a date to the same or a later one, up to 10 years ({from} to {to} was asked). Choose other dates."),
    )
}

pub(crate) fn unknown_room(id: &str) -> CoreError {
    rejected(
        ErrorCode::InputUnknownRoom,
        format!("La sala «{id}» no está en esta sede (o las salas aún no se sincronizan desde GHL). Quite el filtro de sala o sincronice."),
        format!("The room {id:?} is not in this location (or rooms are not synced from GHL yet). Remove the room filter or sync."),
    )
}

pub(crate) fn reconcile_fix_not_applicable(action: impl Debug, id: impl Display) -> CoreError {
    rejected(
        ErrorCode::ReconcileFixNotApplicable,
        format!("La corrección {action:?} no se aplica a la cita {id} en este reporte."),
        format!("The fix {action:?} does not apply to cita {id} in this report."),
    )
}

pub(crate) fn reconcile_report_not_found() -> CoreError {
    rejected(
        ErrorCode::ReconcileReportNotFound,
        "Ese reporte ya no existe. Ejecute la reconciliación de nuevo.".into(),
        "That report no longer exists. Run the reconciliation again.".into(),
    )
}

pub(crate) fn cita_not_in_replica(id: impl Display) -> CoreError {
    rejected(
        ErrorCode::CitaNotFound,
        format!("La cita {id} ya no está en la agenda local."),
        format!("Cita {id} is no longer in the local agenda."),
    )
}

pub(crate) fn reconcile_no_patient() -> CoreError {
    rejected(
        ErrorCode::ReconcileNoPatient,
        "La cita no tiene paciente: no se puede crear en GHL. Resérvela de nuevo.".into(),
        "The cita has no patient: it cannot be created in GHL. Book it again.".into(),
    )
}

pub(crate) fn cita_gone() -> CoreError {
    rejected(
        ErrorCode::CitaNotFound,
        "Esa cita ya no está en la agenda (¿se borró en GHL?). Sincronice y vuelva a intentar."
            .into(),
        "That cita is no longer in the agenda (deleted in GHL?). Sync and try again.".into(),
    )
}

pub(crate) fn reminders_off() -> CoreError {
    rejected(
        ErrorCode::RemindersOff,
        "Los recordatorios están desactivados en esta sede. Actívelos en Ajustes › Recordatorios (antes cree en GHL las plantillas de WhatsApp).".into(),
        "Reminders are off for this location. Turn them on in Settings › Reminders (create the WhatsApp templates in GHL first).".into(),
    )
}

pub(crate) fn reminder_cita_not_in_ghl() -> CoreError {
    rejected(
        ErrorCode::RemindersCitaNotInGhl,
        "La cita aún no llegó a GHL: espere a que se sincronice y vuelva a enviar el recordatorio."
            .into(),
        "The cita has not reached GHL yet: wait until it syncs and send the reminder again.".into(),
    )
}

pub(crate) fn reminder_rule_invalid() -> CoreError {
    rejected(
        ErrorCode::RemindersRuleInvalid,
        "Regla de recordatorio no válida: use horas HH:MM, a lo más 14 días antes, al menos un estado y un mensaje.".into(),
        "Invalid reminder rule: use HH:MM times, at most 14 days before, at least one status and a message.".into(),
    )
}

pub(crate) fn inbox_item_gone() -> CoreError {
    rejected(
        ErrorCode::InboxItemGone,
        "Esa respuesta ya fue atendida. Actualice la bandeja.".into(),
        "That answer was already handled. Refresh the inbox.".into(),
    )
}

pub(crate) fn cita_cancel_reason_required() -> CoreError {
    rejected(
        ErrorCode::CitaCancelReasonRequired,
        "Escriba el motivo de la cancelación.".into(),
        "Type the reason for the cancellation.".into(),
    )
}

pub(crate) fn cita_invalid_status(status: impl Display + Debug) -> CoreError {
    rejected(
        ErrorCode::CitaInvalidStatus,
        format!("Estado «{status}» no válido: use confirmada, asistió o no asistió."),
        format!("Invalid status {status:?}: use confirmed, showed or no-show."),
    )
}

/// The replica's key is gone (keychain reset, another account): the file it
/// opened was set aside at `aside`. Notice in (es, en).
pub(crate) fn replica_key_lost(aside: &str) -> (ErrorPayload, ErrorPayload) {
    let code = ErrorCode::StoreKeyLost;
    (
        ErrorPayload {
            code,
            message: format!("La clave de la base de datos local ya no está en el llavero del sistema (¿se borró o cambió el llavero?), así que no se pudo abrir. Se guardó aparte, sin borrar nada, en {aside}. Se vuelve a descargar la agenda desde GHL; si la sede no aparece, conéctela de nuevo."),
        },
        ErrorPayload {
            code,
            message: format!("The local database's key is no longer in the system keychain (was the keychain cleared or changed?), so it could not be opened. It was set aside, nothing deleted, at {aside}. The agenda is downloaded again from GHL; if the location is missing, connect it again."),
        },
    )
}

/// The keychain could not give or keep the replica's key.
pub(crate) fn replica_key_unavailable(e: citadesk_ghl::TokenStoreError) -> CoreError {
    use citadesk_ghl::TokenStoreError as E;
    let code = ErrorCode::parse(e.code()).unwrap_or(ErrorCode::KeychainError);
    // The error's own text suggests CITADESK_GHL_TOKEN: its detail only.
    let e = match e {
        E::Unavailable(d) | E::Other(d) | E::Missing(d) => d,
        E::Locked => "locked".into(),
    };
    rejected(
        code,
        format!("La base de datos local está cifrada y su clave se guarda en el llavero del sistema, que no respondió ({e}). Inicie sesión en el escritorio con el llavero desbloqueado; para uso sin escritorio (cron, CI) defina CITADESK_REPLICA_KEY con 64 dígitos hexadecimales (y CITADESK_GHL_TOKEN con el token de GHL)."),
        format!("The local database is encrypted and its key is kept in the system keychain, which did not answer ({e}). Log in to the desktop with the keychain unlocked; for use without a desktop (cron, CI) set CITADESK_REPLICA_KEY to 64 hexadecimal digits (and CITADESK_GHL_TOKEN to the GHL token)."),
    )
}

pub(crate) fn insecure_url(url: impl Display + Debug) -> CoreError {
    rejected(
        ErrorCode::InputInsecureUrl,
        format!("La dirección «{url}» no es segura: use https:// (http:// solo en este equipo, 127.0.0.1 o localhost)."),
        format!("The address {url:?} is not secure: use https:// (http:// only on this machine, 127.0.0.1 or localhost)."),
    )
}

pub(crate) fn invalid_duration(minutes: i64, max: i64) -> CoreError {
    rejected(
        ErrorCode::InputInvalidDuration,
        format!("Duración no válida ({minutes} min): debe ir de 1 a {max} minutos."),
        format!("Invalid duration ({minutes} min): it must be 1 to {max} minutes."),
    )
}

pub(crate) fn date_out_of_range(s: impl Display + Debug, from: i32, to: i32) -> CoreError {
    rejected(
        ErrorCode::InputInvalidDate,
        format!("Fecha fuera de rango «{s}»: use un año de {from} a {to}."),
        format!("Date out of range {s:?}: use a year from {from} to {to}."),
    )
}

pub(crate) fn token_required() -> CoreError {
    rejected(
        ErrorCode::InputTokenRequired,
        "No se recibió ningún token. Páselo por la entrada estándar (o en CITADESK_GHL_TOKEN)."
            .into(),
        "No token was given. Pipe it on standard input (or set CITADESK_GHL_TOKEN).".into(),
    )
}

pub(crate) fn secret_required() -> CoreError {
    rejected(
        ErrorCode::InputTokenRequired,
        "No se recibió el Client Secret de la app OAuth. Páselo por la entrada estándar.".into(),
        "No client secret of the OAuth app was given. Pipe it on standard input.".into(),
    )
}

pub(crate) fn sign_in_required() -> CoreError {
    rejected(
        ErrorCode::AuthSignInRequired,
        "Nadie ha iniciado sesión en este escritorio. Elija su nombre y escriba su PIN (en la CLI: --as NOMBRE o CITADESK_STAFF, y el PIN en CITADESK_PIN).".into(),
        "Nobody is signed in at this desk. Choose your name and type your PIN (in the CLI: --as NAME or CITADESK_STAFF, and the PIN in CITADESK_PIN).".into(),
    )
}

pub(crate) fn role_required(needed: crate::staff::Role, who: &str) -> CoreError {
    rejected(
        ErrorCode::AuthRoleRequired,
        format!(
            "Esto lo hace una persona de {}; {who} no lo tiene. Pídale a alguien de {} que lo haga o que le cambie el rol.",
            needed.label(false),
            needed.label(false)
        ),
        format!(
            "This takes the {} role; {who} does not have it. Ask someone from {} to do it or to change your role.",
            needed.label(true),
            needed.label(true)
        ),
    )
}

pub(crate) fn wrong_pin(tries_left: i64) -> CoreError {
    rejected(
        ErrorCode::AuthWrongPin,
        format!("PIN incorrecto. Le quedan {tries_left} intentos antes de un bloqueo temporal."),
        format!("Wrong PIN. {tries_left} tries left before a temporary lock."),
    )
}

pub(crate) fn staff_locked(seconds: i64) -> CoreError {
    let minutes = (seconds + 59) / 60;
    rejected(
        ErrorCode::AuthLocked,
        format!("Demasiados PIN incorrectos: esta persona queda bloqueada {minutes} min. Espere, o pida a gerencia que le restablezca el PIN."),
        format!("Too many wrong PINs: this person is locked for {minutes} min. Wait, or ask a manager to reset the PIN."),
    )
}

pub(crate) fn staff_not_found(name: impl Display + Debug) -> CoreError {
    rejected(
        ErrorCode::StaffNotFound,
        format!("No hay nadie llamado «{name}» en el personal de este escritorio. Revise el nombre (citadesk-cli staff list)."),
        format!("There is nobody called {name:?} on this desk's staff. Check the name (citadesk-cli staff list)."),
    )
}

pub(crate) fn staff_duplicate(name: impl Display + Debug) -> CoreError {
    rejected(
        ErrorCode::StaffDuplicate,
        format!(
            "Ya hay una persona llamada «{name}». Use otro nombre (por ejemplo con el apellido)."
        ),
        format!(
            "There is already a person called {name:?}. Use another name (with the surname, say)."
        ),
    )
}

pub(crate) fn staff_bad_name() -> CoreError {
    rejected(
        ErrorCode::StaffInvalid,
        "Escriba el nombre de la persona (1 a 60 caracteres).".into(),
        "Type the person's name (1 to 60 characters).".into(),
    )
}

pub(crate) fn staff_bad_pin() -> CoreError {
    rejected(
        ErrorCode::StaffInvalid,
        "El PIN debe tener de 4 a 8 dígitos.".into(),
        "The PIN must be 4 to 8 digits.".into(),
    )
}

pub(crate) fn staff_bad_role(role: impl Display + Debug) -> CoreError {
    rejected(
        ErrorCode::StaffInvalid,
        format!("Rol desconocido «{role}»: use recepcion o gerencia."),
        format!("Unknown role {role:?}: use recepcion or gerencia."),
    )
}

pub(crate) fn staff_unknown_ghl_user(id: impl Display + Debug) -> CoreError {
    rejected(
        ErrorCode::StaffInvalid,
        format!("El usuario de GHL «{id}» no es de esta sede. Elija uno de la lista (o ninguno)."),
        format!(
            "The GHL user {id:?} is not one of this location's. Pick one from the list (or none)."
        ),
    )
}

pub(crate) fn staff_last_manager() -> CoreError {
    rejected(
        ErrorCode::StaffLastManager,
        "Es la última persona de gerencia: dé ese rol a otra persona antes de cambiar este.".into(),
        "This is the last manager: give that role to someone else before changing this one.".into(),
    )
}

/// An update the desk will not take, with the offered version (or what went
/// wrong) in `detail`; the app keeps running the version it has.
pub(crate) fn update_refused(code: ErrorCode, detail: impl Display) -> CoreError {
    let (es, en) = match code {
        ErrorCode::UpdateOlder => (
            format!("La actualización ofrece la versión {detail}, anterior a la instalada: se rechazó. Citadesk sigue con la versión actual."),
            format!("The update offers version {detail}, older than the installed one: refused. Citadesk keeps the current version."),
        ),
        ErrorCode::UpdateUnsigned => (
            format!("La actualización {detail} no está firmada: se rechazó. Citadesk sigue con la versión actual; avise a quien publica las versiones."),
            format!("Update {detail} is not signed: refused. Citadesk keeps the current version; tell whoever publishes the releases."),
        ),
        ErrorCode::UpdateBadSignature => (
            format!("La firma de la actualización {detail} no corresponde a Citadesk (otra clave o archivo alterado): se rechazó. Citadesk sigue con la versión actual; avise a quien publica las versiones."),
            format!("The signature of update {detail} does not match Citadesk's (another key, or an altered file): refused. Citadesk keeps the current version; tell whoever publishes the releases."),
        ),
        ErrorCode::UpdateBusy => (
            "Hay una cita a medio registrar: termine o cierre el formulario y luego instale la actualización.".to_string(),
            "A cita is being booked: finish or close the form, then install the update.".to_string(),
        ),
        ErrorCode::UpdateBadHold => (
            format!("«{detail}» no es una versión: escriba una como 1.4.2, o deje vacío para recibir todas."),
            format!("\"{detail}\" is not a version: enter one like 1.4.2, or leave it empty to receive all."),
        ),
        ErrorCode::UpdateInstallFailed => (
            format!("No se pudo instalar la actualización; Citadesk sigue con la versión actual. ({detail})"),
            format!("The update could not be installed; Citadesk keeps the current version. ({detail})"),
        ),
        _ => (
            format!("No se pudo consultar si hay una versión nueva; se volverá a intentar. Citadesk sigue funcionando. ({detail})"),
            format!("Could not check for a new version; it will be tried again. Citadesk keeps working. ({detail})"),
        ),
    };
    rejected(code, es, en)
}

/// An alert's text: what happened and what to do, with its figure.
pub(crate) fn alert_text(kind: crate::monitor::AlertKind, figure: i64, locale: Locale) -> String {
    use crate::monitor::AlertKind as K;
    let es = locale == Locale::EsPe;
    match (kind, es) {
        (K::RateLimitLow, true) => format!("A GHL le quedan {figure} llamadas en su límite de solicitudes. La app espera y reintenta sola; si se repite, cierre otras apps o integraciones que usen la misma sede."),
        (K::RateLimitLow, false) => format!("GHL has {figure} calls left in its rate limit. The app waits and retries by itself; if it keeps happening, close other apps or integrations using the same location."),
        (K::TokenRefreshFailed, true) => "GHL ya no acepta el token de esta sede y no se pudo renovar. Vuelva a conectar la sede en Conectar GHL; mientras tanto se muestran los datos guardados.".to_string(),
        (K::TokenRefreshFailed, false) => "GHL no longer accepts this location's token and it could not be renewed. Connect the location again in Conectar GHL; meanwhile saved data is shown.".to_string(),
        (K::WritesRefused, true) => format!("GHL rechazó {figure} cambios en la última hora. Revise los cambios rechazados en la agenda (horario ocupado, datos del paciente) y corríjalos."),
        (K::WritesRefused, false) => format!("GHL refused {figure} changes in the last hour. Check the refused changes in the agenda (slot taken, patient details) and correct them."),
        (K::WebhooksFailing, true) => format!("{figure} avisos de GHL se rechazaron o no se pudieron completar en la última hora. Revise las claves de webhooks y el relay; la próxima sincronización trae los cambios."),
        (K::WebhooksFailing, false) => format!("{figure} GHL webhooks were rejected or could not be completed in the last hour. Check the webhook keys and the relay; the next sync brings the changes."),
        (K::RelayDisconnected, true) => format!("Sin conexión con el relay desde hace {figure} min: los cambios hechos en GHL llegan solo con la sincronización. Revise la dirección y el token del relay en Ajustes, o avise a quien lo administra."),
        (K::RelayDisconnected, false) => format!("No connection to the relay for {figure} min: changes made in GHL arrive only with the sync. Check the relay's address and token in Settings, or tell whoever runs it."),
        (K::OutboxWaiting, true) => format!("{figure} cambios esperan más de 15 minutos para enviarse a GHL aunque hay conexión. Pulse Sincronizar; si siguen, revise el estado de GHL en el panel de salud."),
        (K::OutboxWaiting, false) => format!("{figure} changes have waited more than 15 minutes to go to GHL although online. Press Sync; if they stay, check GHL's state in the health panel."),
        (K::ReconcileDifferences, true) => format!("La última conciliación encontró {figure} diferencias entre la app y GHL. Ábralas en Conciliación y corríjalas."),
        (K::ReconcileDifferences, false) => format!("The latest reconciliation found {figure} differences between the app and GHL. Open them in Reconciliation and fix them."),
    }
}

pub(crate) fn block_not_found(id: impl Display) -> CoreError {
    rejected(
        ErrorCode::BlockNotFound,
        format!("El bloqueo {id} ya no está en la agenda. Sincronice y vuelva a intentar."),
        format!("Blocked time {id} is no longer in the agenda. Sync and try again."),
    )
}

pub(crate) fn block_calendar_unknown(id: impl Display) -> CoreError {
    rejected(
        ErrorCode::BookingCalendarUnknown,
        format!("El calendario {id} no existe en esta sede (o no tiene profesional). Sincronice y elija otro."),
        format!("Calendar {id} does not exist at this location (or has no practitioner). Sync and choose another."),
    )
}

/// A move or removal of a block GHL does not have yet: it waits for the create.
pub(crate) fn block_not_in_ghl() -> CoreError {
    rejected(
        ErrorCode::BookingPendingSync,
        "El bloqueo aún no está en GHL: el cambio espera a que llegue.".into(),
        "The blocked time is not in GHL yet: the change waits for it.".into(),
    )
}

/// Said when a block write could not go to GHL yet.
pub(crate) fn block_pending(e: &CoreError, locale: Locale) -> crate::model::ErrorPayload {
    let es = locale == Locale::EsPe;
    crate::model::ErrorPayload {
        code: ErrorCode::BookingPendingSync,
        message: match (e.is_offline(), es) {
            (true, true) => "Sin conexión con GHL: el bloqueo quedó guardado como «pendiente de sincronizar» y se enviará al volver la conexión.".into(),
            (true, false) => "No connection to GHL: the blocked time is saved as \"pending sync\" and will be sent when the connection is back.".into(),
            (false, true) => format!("GHL no respondió ({}): el bloqueo quedó «pendiente de sincronizar» y se reintentará solo.", e.code()),
            (false, false) => format!("GHL did not answer ({}): the blocked time is saved as \"pending sync\" and will be retried.", e.code()),
        },
    }
}
