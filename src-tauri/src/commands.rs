//! IPC commands: one call into citadesk-core each. Errors cross as
//! `{code, message}` with the message in the user's language.

use std::sync::Arc;

use citadesk_core::ghl::Secret;
use citadesk_core::model::{
    AppStatus, ConnectionInfo, DayAgenda, ErrorPayload, Locale, LocationInfo, PatientView,
    RelaySettings, SyncSummary, WeekView,
};
use citadesk_core::reconcile::ReconciliationReport;
use citadesk_core::{Desk, Result, TokenKeeping};
use tauri::State;

use crate::Started;

type Ipc<T> = std::result::Result<T, ErrorPayload>;

fn ipc<T>(desk: &Desk, result: Result<T>) -> Ipc<T> {
    result.map_err(|e| e.payload(desk.locale()))
}

#[tauri::command]
pub fn week_view(desk: State<'_, Arc<Desk>>, week_start: Option<String>) -> Ipc<WeekView> {
    ipc(&desk, desk.week_view(week_start.as_deref()))
}

#[tauri::command]
pub fn day_agenda(desk: State<'_, Arc<Desk>>, date: Option<String>) -> Ipc<DayAgenda> {
    ipc(&desk, desk.day_agenda(date.as_deref()))
}

/// Patients matching what the receptionist types (local replica, instant).
#[tauri::command]
pub fn search_patients(
    desk: State<'_, Arc<Desk>>,
    query: String,
    limit: Option<u32>,
) -> Ipc<Vec<PatientView>> {
    ipc(&desk, desk.search_patients(&query, limit.unwrap_or(20)))
}

#[tauri::command]
pub fn app_status(desk: State<'_, Arc<Desk>>) -> Ipc<AppStatus> {
    ipc(&desk, desk.status())
}

#[tauri::command]
pub async fn sync_now(desk: State<'_, Arc<Desk>>) -> Ipc<SyncSummary> {
    ipc(&desk, desk.sync_now().await)
}

#[tauri::command]
pub fn set_locale(desk: State<'_, Arc<Desk>>, locale: Locale) -> Ipc<AppStatus> {
    ipc(&desk, desk.set_locale(locale))
}

/// Connects a location with a Private Integration Token: checked against
/// GHL first, then kept in the OS keychain.
#[tauri::command]
pub async fn connect_pit(
    desk: State<'_, Arc<Desk>>,
    base_url: String,
    location_id: String,
    token: String,
) -> Ipc<LocationInfo> {
    let token = Secret::new(token.trim());
    ipc(
        &desk,
        desk.connect_pit(
            base_url.trim(),
            location_id.trim(),
            token,
            TokenKeeping::Keychain,
        )
        .await,
    )
}

#[tauri::command]
pub fn connections(desk: State<'_, Arc<Desk>>) -> Ipc<Vec<ConnectionInfo>> {
    ipc(&desk, desk.connections())
}

#[tauri::command]
pub async fn disconnect(desk: State<'_, Arc<Desk>>, location_id: String) -> Ipc<()> {
    ipc(&desk, desk.disconnect(&location_id).await)
}

/// "Reconciliar ahora": GHL against the replica (default yesterday through
/// the next 30 days); the report is stored.
#[tauri::command]
pub async fn reconcile_now(
    desk: State<'_, Arc<Desk>>,
    days_back: Option<i64>,
    days_ahead: Option<i64>,
) -> Ipc<ReconciliationReport> {
    ipc(
        &desk,
        desk.reconcile(days_back.unwrap_or(1), days_ahead.unwrap_or(30))
            .await,
    )
}

#[tauri::command]
pub fn reconciliation_reports(
    desk: State<'_, Arc<Desk>>,
    limit: Option<u32>,
) -> Ipc<Vec<ReconciliationReport>> {
    ipc(&desk, desk.reconciliation_reports(limit.unwrap_or(30)))
}

/// The relay settings form: URL and install token of the active location
/// (the token goes to the OS keychain; empty keeps the saved one).
#[tauri::command]
pub async fn set_relay(
    desk: State<'_, Arc<Desk>>,
    url: String,
    token: Option<String>,
) -> Ipc<RelaySettings> {
    let token = token.map(|t| Secret::new(t.trim()));
    ipc(
        &desk,
        desk.set_relay(None, &url, token, TokenKeeping::Keychain)
            .await,
    )
}

#[tauri::command]
pub async fn relay_settings(desk: State<'_, Arc<Desk>>) -> Ipc<RelaySettings> {
    ipc(&desk, desk.relay_settings(None).await)
}

#[tauri::command]
pub async fn clear_relay(desk: State<'_, Arc<Desk>>) -> Ipc<()> {
    ipc(&desk, desk.clear_relay(None).await)
}

/// The UI calls this once its first week is on screen: the figure the
/// start-up benchmark reads.
#[tauri::command]
pub fn ui_ready(started: State<'_, Started>) -> u64 {
    let ms = started.0.elapsed().as_millis() as u64;
    tracing::info!(ms, "interactive");
    crate::bench::mark_ready();
    ms
}
