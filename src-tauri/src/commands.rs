//! IPC commands: the one place where a command is declared. Each entry of
//! `commands!` below becomes
//!
//! - a `#[tauri::command]` function: one call into citadesk-core (errors
//!   cross as `{code, message}` with the message in the user's language);
//! - its line in the invoke handler ([`handler`], given to the builder);
//! - its typed function in `ui/src/bindings/commands.ts` (camelCase name, the
//!   argument keys Tauri expects, the ts-rs types of arguments and result),
//!   written by the `export_bindings` test (see `contract.rs`).
//!
//! The syntax of an entry, doc comments included (they go to the TypeScript
//! side too):
//!
//! ```text
//! [async] fn name(arg: Type, ...) -> Returned = desk => call on the desk;
//! [async] fn name(arg: Type, ...) -> Returned = (state: Managed, ...) => value;
//! ```
//!
//! With `desk` the call answers `citadesk_core::Result<Returned>` and errors
//! are mapped as above; with a list of managed states (not the desk) the
//! value is `Returned` itself. `async` commands run on the async runtime,
//! the others on the main thread, as Tauri does.

use std::sync::Arc;

use citadesk_core::ghl::Secret;
use citadesk_core::{
    AboutInfo, AppStatus, AuditEntry, BookingCheck, BookingOutcome, BookingRequest, CitaAction,
    ConfirmationRate, ConnectionInfo, DayAgenda, Desk, DeskSession, ErrorPayload, ExportFormat,
    FixOutcome, FixRequest, FreeSlot, HealthReport, InboxItem, Locale, LocationInfo,
    LocationSettings, NewStaff, OAuthConnectRequest, PatientEdit, PatientView,
    ReconciliationReport, RefusedWrite, RelaySettings, ReminderLine, ReminderRule, Result, Role,
    StaffMember, SyncSummary, SystemBrowser, TokenKeeping, UpdateSettings, UpdateView, WeekView,
};
use citadesk_core::{Alert, Dashboard, DashboardChart};
use citadesk_core::{BlockMove, BlockOutcome, BlockRequest, PracticeDays, PracticeView};
use citadesk_core::{ListPage, ListQuery, MonthView, PrintedDay, SedesDay};
use tauri::State;

use crate::{FirstPaint, Started};

type Ipc<T> = std::result::Result<T, ErrorPayload>;

fn ipc<T>(desk: &Desk, result: Result<T>) -> Ipc<T> {
    result.map_err(|e| e.payload(desk.locale()))
}

/// See the module's documentation for the syntax.
macro_rules! commands {
    // Each entry to one shape, `async` or not in brackets (an optional
    // `async` before `fn` cannot be matched in place).
    (@munch [$($done:tt)*]) => { commands!(@emit $($done)*); };
    (@munch [$($done:tt)*] $(#[doc = $doc:literal])* async fn $name:ident ($($args:tt)*)
        -> $ret:ty = $with:tt => $body:expr; $($rest:tt)*) => {
        commands!(@munch [$($done)* {[$($doc)*] [async] $name ($($args)*) -> $ret = $with => $body}] $($rest)*);
    };
    (@munch [$($done:tt)*] $(#[doc = $doc:literal])* fn $name:ident ($($args:tt)*)
        -> $ret:ty = $with:tt => $body:expr; $($rest:tt)*) => {
        commands!(@munch [$($done)* {[$($doc)*] [] $name ($($args)*) -> $ret = $with => $body}] $($rest)*);
    };

    (@emit $({[$($doc:literal)*] [$($async:tt)?] $name:ident ($($arg:ident: $ty:ty),*)
        -> $ret:ty = $with:tt => $body:expr})*) => {
        $(commands!(@fn [$($doc)*] [$($async)?] $name ($($arg: $ty),*) -> $ret = $with => $body);)*

        /// The invoke handler of every command declared here.
        pub fn handler<R: tauri::Runtime>(
        ) -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }

        /// What `commands.ts` is generated from: each command's name, docs,
        /// arguments and result, with their ts-rs types.
        #[cfg(test)]
        pub(crate) fn contract() -> Vec<crate::contract::Command> {
            vec![$(crate::contract::Command::new(stringify!($name), &[$($doc),*])
                $(.arg::<$ty>(stringify!($arg)))*
                .returns::<$ret>()),*]
        }
    };

    // Over the desk: `Result<$ret>`, errors as `{code, message}`.
    (@fn [$($doc:literal)*] [$($async:tt)?] $name:ident ($($arg:ident: $ty:ty),*) -> $ret:ty
        = $desk:ident => $body:expr) => {
        $(#[doc = $doc])*
        #[tauri::command]
        $($async)? fn $name($desk: State<'_, Arc<Desk>>, $($arg: $ty),*) -> Ipc<$ret> {
            ipc(&$desk, $body)
        }
    };
    // Over other managed state: the value itself.
    (@fn [$($doc:literal)*] [$($async:tt)?] $name:ident ($($arg:ident: $ty:ty),*) -> $ret:ty
        = ($($state:ident: $managed:ty),*) => $body:expr) => {
        $(#[doc = $doc])*
        #[tauri::command]
        $($async)? fn $name($($state: State<'_, $managed>,)* $($arg: $ty),*) -> $ret {
            $body
        }
    };

    ($($entries:tt)*) => { commands!(@munch [] $($entries)*); };
}

commands! {
    /// The week containing `week_start` (any date in it; none = this week).
    // `async` (here and in day_agenda): off the main thread, which a plain
    // command would hold while WebKit waits on it; the UI asks for both at
    // once at start-up, so they also run side by side.
    async fn week_view(week_start: Option<String>) -> WeekView
        = desk => desk.week_view(week_start.as_deref());

    /// The day's agenda (none = today in the location's zone).
    async fn day_agenda(date: Option<String>) -> DayAgenda
        = desk => desk.day_agenda(date.as_deref());

    fn app_status() -> AppStatus = desk => desk.status();

    /// Patients matching what the receptionist types (local replica, instant).
    fn search_patients(query: String, limit: Option<u32>) -> Vec<PatientView>
        = desk => desk.search_patients(&query, limit.unwrap_or(20));

    async fn sync_now() -> SyncSummary = desk => desk.sync_now().await;

    fn set_locale(locale: Locale) -> AppStatus = desk => desk.set_locale(locale);

    /// Connects a location with a Private Integration Token: checked against
    /// GHL first, then kept in the OS keychain.
    async fn connect_pit(base_url: String, location_id: String, token: String) -> LocationInfo
        = desk => {
            let token = Secret::new(token.trim());
            desk.connect_pit(base_url.trim(), location_id.trim(), token, TokenKeeping::Keychain)
                .await
        };

    /// Connects a location with OAuth: GHL's page opens in the system browser;
    /// answers once authorized.
    async fn connect_oauth(request: OAuthConnectRequest) -> LocationInfo
        = desk => desk.connect_oauth(&request, &SystemBrowser).await;

    /// Figures for the health panel (calls, latency, rate limits, token expiry).
    async fn health() -> HealthReport = desk => desk.health().await;

    fn connections() -> Vec<ConnectionInfo> = desk => desk.connections();

    async fn disconnect(location_id: String) -> () = desk => desk.disconnect(&location_id).await;

    /// The location switcher: makes another connected location the one the
    /// desk shows (the relay follows).
    fn switch_location(location_id: String) -> AppStatus
        = desk => desk.switch_location(&location_id);

    /// "Reconciliar ahora": GHL against the replica (default yesterday through
    /// the next 29 days: one GHL listing per calendar); the report is stored.
    async fn reconcile_now(days_back: Option<i64>, days_ahead: Option<i64>) -> ReconciliationReport
        = desk => desk.reconcile(
            days_back.unwrap_or(citadesk_core::RECONCILE_DAYS_BACK),
            days_ahead.unwrap_or(citadesk_core::RECONCILE_DAYS_AHEAD),
        ).await;

    /// Stored reports, newest first.
    fn reconciliation_reports(limit: Option<u32>) -> Vec<ReconciliationReport>
        = desk => desk.reconciliation_reports(limit.unwrap_or(30));

    /// The relay settings form: URL and install token of the active location
    /// (the token goes to the OS keychain; none or empty keeps the saved one).
    async fn set_relay(url: String, token: Option<String>) -> RelaySettings
        = desk => {
            let token = token.map(|t| Secret::new(t.trim()));
            desk.set_relay(None, &url, token, TokenKeeping::Keychain).await
        };

    /// The active location's relay settings (never the token itself).
    async fn relay_settings() -> RelaySettings = desk => desk.relay_settings(None).await;

    async fn clear_relay() -> () = desk => desk.clear_relay(None).await;

    /// The UI calls this once its first week is on screen: the figure the
    /// start-up benchmark reads (milliseconds since the process started).
    /// `marks`: the UI's start-up performance marks (epoch ms), for the benchmark.
    fn ui_ready(marks: Option<std::collections::BTreeMap<String, f64>>) -> u64
        = (started: Started, first_paint: FirstPaint) => {
        let ms = started.0.elapsed().as_millis() as u64;
        tracing::info!(ms, "interactive");
        first_paint.mark();
        crate::bench::mark_ready(&marks.unwrap_or_default());
        ms
    };

    /// The booking rules against what is typed (replica only, instant).
    fn check_booking(request: BookingRequest) -> BookingCheck
        = desk => desk.check_booking(&request);

    /// "Guardar": recorded in the outbox, then sent to GHL when it answers.
    async fn book(request: BookingRequest) -> BookingOutcome = desk => desk.book(request).await;

    /// Move, cancel (with a reason) or change the status of a cita.
    async fn change_cita(cita_id: String, action: CitaAction) -> BookingOutcome
        = desk => desk.change_cita(&cita_id, action).await;

    fn cita_audit(cita_id: String) -> Vec<AuditEntry> = desk => desk.cita_audit(&cita_id);

    /// "Próximos huecos libres": GHL's free slots of a calendar for 7 days
    /// from `from` (default today), cached a few minutes.
    async fn free_slots(calendar_id: String, from: Option<String>) -> Vec<FreeSlot>
        = desk => desk.free_slots(&calendar_id, from.as_deref()).await;

    /// Specialties, each calendar's practitioner, rooms and hours, the rooms:
    /// the calendar picker's groups and the room filter.
    fn practice_view() -> PracticeView = desk => desk.practice_view();

    /// Closed time (shaded) and blocks for `days` days from `from`.
    fn practice_days(from: String, days: i64) -> PracticeDays
        = desk => desk.practice_days(&from, days);

    /// "Bloquear horario": recorded in the outbox, then sent to GHL.
    async fn block_time(request: BlockRequest) -> BlockOutcome
        = desk => desk.block_time(request).await;

    /// A block dragged or edited to another time.
    async fn move_block(block_id: String, change: BlockMove) -> BlockOutcome
        = desk => desk.move_block(&block_id, change).await;

    /// "Quitar bloqueo".
    async fn unblock(block_id: String) -> BlockOutcome = desk => desk.unblock(&block_id).await;

    /// GHL's own patient search, for when the local one finds little (slower).
    async fn search_patients_in_ghl(query: String) -> Vec<PatientView>
        = desk => desk.search_patients_in_ghl(&query).await;

    /// The calendar's slot length in minutes: the default duration of a cita.
    fn slot_minutes(calendar_id: String) -> i64 = desk => desk.slot_minutes(&calendar_id);

    /// A patient's basic fields, as the edit form starts from them.
    fn patient(contact_id: String) -> PatientEdit = desk => desk.patient(&contact_id);

    /// A patient's basic fields, edited (absent: unchanged); sent to GHL
    /// through the outbox.
    async fn update_patient(contact_id: String, edit: PatientEdit) -> PatientView
        = desk => desk.update_patient(&contact_id, edit).await;

    fn location_settings() -> LocationSettings = desk => desk.location_settings();

    fn set_location_settings(settings: LocationSettings) -> LocationSettings
        = desk => desk.set_location_settings(settings);

    fn refused_writes() -> Vec<RefusedWrite> = desk => desk.refused_writes();

    fn acknowledge_refusal(outbox_id: i64) -> () = desk => desk.acknowledge_refusal(outbox_id);

    /// Fixes for lines of a stored reconciliation report.
    async fn apply_fixes(report_id: i64, fixes: Vec<FixRequest>) -> FixOutcome
        = desk => desk.apply_fixes(report_id, fixes).await;

    /// Writes a report to the Downloads folder; answers the file's path.
    fn export_report(report_id: i64, format: ExportFormat) -> String
        = desk => desk.export_report(report_id, format);

    /// Who is signed in at this desk, the names to choose from and the idle lock.
    fn desk_session() -> DeskSession = desk => desk.desk_session();

    /// Signs a person in with their PIN (wrong PINs slow down, then lock).
    async fn sign_in(who: String, pin: String) -> StaffMember
        = desk => desk.sign_in(&who, &pin).await;

    /// "Cambiar de usuario" and the idle lock: nobody is signed in after it.
    fn sign_out() -> () = desk => {
        desk.sign_out();
        Ok(())
    };

    /// Adds a person (gerencia; the desk's first person is always gerencia).
    fn add_staff(staff: NewStaff) -> StaffMember = desk => desk.add_staff(staff);

    fn set_staff_role(staff_id: String, role: Role) -> StaffMember
        = desk => desk.set_staff_role(&staff_id, role);

    /// A forgotten PIN replaced by a manager (lifts a lock-out too).
    fn reset_staff_pin(staff_id: String, pin: String) -> StaffMember
        = desk => desk.reset_staff_pin(&staff_id, &pin);

    /// Idle minutes before the desk locks itself (gerencia; 0: never).
    fn set_lock_after_minutes(minutes: u32) -> () = desk => desk.set_lock_after_minutes(minutes);
    /// Whether reminders go out for the active location (off until turned on).
    fn reminders_enabled() -> bool = desk => desk.reminders_enabled();

    fn set_reminders_enabled(enabled: bool) -> () = desk => desk.set_reminders_enabled(enabled);

    fn reminder_rules() -> Vec<ReminderRule> = desk => desk.reminder_rules();

    /// Saves the rules; the reminders of changed rules are withdrawn and
    /// scheduled again.
    async fn save_reminder_rules(rules: Vec<ReminderRule>) -> Vec<ReminderRule>
        = desk => desk.save_reminder_rules(rules).await;

    /// The message a rule would send (the settings page's live preview).
    fn preview_reminder(rule: ReminderRule) -> String = desk => desk.preview_reminder(rule);

    /// A cita's reminders, in words (the cita panel).
    fn cita_reminders(cita_id: String) -> Vec<ReminderLine> = desk => desk.cita_reminders(&cita_id);

    /// "Enviar recordatorio ahora".
    async fn send_reminder_now(cita_id: String) -> Vec<ReminderLine>
        = desk => desk.send_reminder_now(&cita_id).await;

    /// "Respuestas": the patients' answers that need a person.
    fn inbox() -> Vec<InboxItem> = desk => desk.inbox();

    fn mark_answer_handled(id: i64) -> () = desk => desk.mark_answer_handled(id);

    /// "Reprogramar" from an answer: the cita to a free slot, the answer handled.
    async fn reschedule_answer(id: i64, date: String, start: String) -> BookingOutcome
        = desk => desk.reschedule_answer(id, &date, &start).await;

    /// The week's reminded citas, confirmed ones and open answers (status bar).
    fn confirmation_rate() -> ConfirmationRate = desk => desk.confirmation_rate();
    /// "Acerca de Citadesk": version, data and log folders.
    fn about() -> AboutInfo
        = desk => Ok(desk.about(&crate::updates::get().view().current_version));

    /// "Copiar diagnóstico": versions, connection state, last error codes
    /// (no token, no patient data).
    fn diagnostics() -> String = desk => desk.diagnostics(&crate::updates::shell_facts());

    fn update_settings() -> UpdateSettings = desk => desk.update_settings();

    /// The update feed (empty: the build's) and the version gerencia holds
    /// the clinic on (empty: none).
    fn set_update_settings(settings: UpdateSettings) -> UpdateSettings
        = desk => desk.set_update_settings(settings);

    /// Where the update check stands (also sent as the `update-state` event).
    fn update_state() -> UpdateView = desk => Ok(crate::updates::get().view());

    /// "Buscar actualizaciones": the outcome comes as `update-state`.
    fn check_update() -> UpdateView = desk => Ok(crate::updates::get().check_now());

    /// "Instalar y reiniciar": the verified update, never while a booking
    /// form is open (`booking_open`).
    fn install_update(booking_open: bool) -> UpdateView
        = desk => crate::updates::get().install(booking_open);

    /// "Iniciar con la sesión".
    fn autostart() -> bool = desk => crate::shell::autostart_enabled(crate::updates::get().app());

    fn set_autostart(enabled: bool) -> bool
        = desk => crate::shell::set_autostart(crate::updates::get().app(), enabled);
    /// The open alerts of the active location, each with what to do.
    fn alerts() -> Vec<Alert> = desk => desk.alerts();

    /// The Panel's figures from `from` to `to` (YYYY-MM-DD, included) for a
    /// location (default the active one).
    fn dashboard(from: String, to: String, location_id: Option<String>) -> Dashboard
        = desk => desk.dashboard(&from, &to, location_id.as_deref());

    /// Writes one chart's figures as CSV to the Downloads folder; answers the path.
    fn export_dashboard_chart(from: String, to: String, location_id: Option<String>, chart: DashboardChart) -> String
        = desk => desk.export_dashboard_chart(&from, &to, location_id.as_deref(), chart);

    /// The month holding `month` (YYYY-MM or a date in it; default this
    /// month): citas per calendar and free capacity per day.
    fn month_view(month: Option<String>) -> MonthView = desk => desk.month_view(month.as_deref());

    /// One page of the list of citas (range, filters, order).
    fn cita_list(query: ListQuery) -> ListPage = desk => desk.cita_list(&query);

    /// Writes every row of the list as CSV to the Downloads folder; answers the path.
    fn export_cita_list(query: ListQuery) -> String = desk => desk.export_cita_list(&query);

    /// The day's sheet to print (default today), one calendar or all.
    fn printed_day(date: Option<String>, calendar_id: Option<String>) -> PrintedDay
        = desk => desk.printed_day(date.as_deref(), calendar_id.as_deref());

    /// One day (default today) of every connected sede, for the views of all sedes together.
    fn sedes_day(date: Option<String>) -> SedesDay = desk => desk.sedes_day(date.as_deref());
}
