//! Fixing what a reconciliation report found, per line or in bulk, and the
//! daily schedule. GHL writes go through the outbox; every fix, GHL write or
//! not, goes to the audit log.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{Duration, NaiveTime, Timelike, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::sync::MAX_WINDOW_DAYS;
use super::Desk;
use crate::cita::*;
use crate::error::{CoreError, ErrorCode, Result};
use crate::mapping;
use crate::messages;
use crate::model::*;
use crate::outbox::{self, *};
use crate::reconcile::{self, Category, ReconciliationReport};
use crate::store::AuditRecord;
use crate::time;
use citadesk_ghl::EventsQuery;

/// What to do with a line of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FixAction {
    /// GHL is right (the default truth): the replica takes GHL's version.
    TakeGhl,
    /// The desk is right: GHL gets the replica's version.
    PushLocal,
    /// The cita should not happen: cancelled in GHL (if it is there) and here.
    MarkCancelled,
    /// GHL lost it (deleted, or never accepted it): create it in GHL again.
    Recreate,
}

impl FixAction {
    /// As the report's history and the UI name it.
    pub fn as_str(self) -> &'static str {
        match self {
            FixAction::TakeGhl => "take_ghl",
            FixAction::PushLocal => "push_local",
            FixAction::MarkCancelled => "mark_cancelled",
            FixAction::Recreate => "recreate",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FixRequest {
    pub cita_id: String,
    pub action: FixAction,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FixFailure {
    pub cita_id: String,
    pub code: ErrorCode,
    pub message: String,
}

/// What a batch of fixes did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FixOutcome {
    pub applied: u32,
    /// GHL writes still waiting in the outbox (offline): sent on reconnect.
    pub pending: u32,
    pub failed: Vec<FixFailure>,
}

/// Progress of a reconciliation run, for the UI's bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReconcileProgress {
    pub location_id: String,
    pub done: u32,
    pub total: u32,
}

/// How a run was started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunTrigger {
    Manual,
    Scheduled,
}

/// A report line's category, calendar and start, and whether the desk
/// healed it (its "before" is then the desk's version to restore).
fn find_line(report: &ReconciliationReport, id: &str) -> Option<(Category, String, String, bool)> {
    let plain = [
        (Category::FaltantesLocal, &report.faltantes_local),
        (
            Category::CanceladasNoActualizadas,
            &report.canceladas_no_actualizadas,
        ),
        (Category::FaltantesRemoto, &report.faltantes_remoto),
    ];
    for (cat, lines) in plain {
        if let Some(l) = lines.iter().find(|l| l.id == id) {
            return Some((
                cat,
                l.calendar_id.clone(),
                l.start_local.clone(),
                l.notes.via.is_some(),
            ));
        }
    }
    report.desincronizadas.iter().find(|l| l.id == id).map(|l| {
        (
            Category::Desincronizadas,
            l.calendar_id.clone(),
            l.start_local.clone(),
            l.notes.via.is_some(),
        )
    })
}

fn not_applicable(id: &str, action: FixAction) -> CoreError {
    messages::reconcile_fix_not_applicable(action, id)
}

impl Desk {
    /// Applies fixes to lines of a stored report. GHL's version is fetched
    /// once per calendar and day involved; GHL writes go through the outbox.
    pub async fn apply_fixes(&self, report_id: i64, fixes: Vec<FixRequest>) -> Result<FixOutcome> {
        let who = self.signature(crate::staff::Role::Gerencia)?;
        let (location, zone) = self.require_location()?;
        let report = self
            .store
            .report_by_id(report_id)?
            .filter(|r| r.location_id == location.id)
            .ok_or_else(messages::reconcile_report_not_found)?;
        let mut outcome = FixOutcome {
            applied: 0,
            pending: 0,
            failed: Vec::new(),
        };
        // GHL's version of each (calendar, local day) a "take GHL" needs.
        let mut take: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
        for fix in &fixes {
            let result = match find_line(&report, &fix.cita_id) {
                None => Err(not_applicable(&fix.cita_id, fix.action)),
                Some((cat, calendar, start_local, healed)) => match (cat, fix.action) {
                    (_, FixAction::TakeGhl) => {
                        take.entry((calendar, start_local[..10].to_string()))
                            .or_default()
                            .push(fix.cita_id.clone());
                        continue;
                    }
                    (
                        Category::Desincronizadas | Category::CanceladasNoActualizadas,
                        FixAction::PushLocal,
                    ) => self
                        .restore_healed(&location.id, &fix.cita_id, healed)
                        .and_then(|()| self.queue_push_local(&location.id, &fix.cita_id, &who)),
                    (
                        Category::FaltantesLocal
                        | Category::Desincronizadas
                        | Category::CanceladasNoActualizadas,
                        FixAction::MarkCancelled,
                    ) => self.queue_cancel(
                        &location.id,
                        &fix.cita_id,
                        &who,
                        cat == Category::FaltantesLocal,
                    ),
                    (Category::FaltantesRemoto, FixAction::MarkCancelled) => {
                        self.cancel_locally(&location.id, &fix.cita_id, &who)
                    }
                    (Category::FaltantesRemoto, FixAction::Recreate) => self
                        .restore_healed(&location.id, &fix.cita_id, healed)
                        .and_then(|()| self.queue_recreate(&location.id, &fix.cita_id, &who)),
                    _ => Err(not_applicable(&fix.cita_id, fix.action)),
                },
            };
            match result {
                Ok(()) => {
                    outcome.applied += 1;
                    self.store.record_line_fix(
                        report_id,
                        &fix.cita_id,
                        fix.action.as_str(),
                        &who,
                    )?;
                }
                Err(e) => outcome
                    .failed
                    .push(failure(&fix.cita_id, &e, self.locale())),
            }
        }
        if !take.is_empty() {
            let client = self.client_for(&location.id).await?;
            for ((calendar, day), ids) in take {
                match self
                    .take_ghl(&client, &location.id, zone, &calendar, &day, &ids, &who)
                    .await
                {
                    Ok(n) => {
                        outcome.applied += n;
                        for id in &ids {
                            self.store.record_line_fix(
                                report_id,
                                id,
                                FixAction::TakeGhl.as_str(),
                                &who,
                            )?;
                        }
                    }
                    Err(e) => {
                        for id in ids {
                            outcome.failed.push(failure(&id, &e, self.locale()));
                        }
                    }
                }
            }
        }
        let report = self.push_outbox().await;
        outcome.pending = self.store.pending_writes(&location.id)?;
        if let Ok(r) = &report {
            for refusal in &r.refused {
                outcome.failed.push(FixFailure {
                    cita_id: refusal.subject_id.clone(),
                    code: ErrorCode::parse(&refusal.code).unwrap_or(ErrorCode::GhlValidation),
                    message: outbox::refusal_message(refusal, &refusal.subject_id, self.locale()),
                });
            }
        }
        if let Some(n) = self.notifier() {
            n.replica_changed(&location.id);
        }
        tracing::info!(
            report = report_id,
            applied = outcome.applied,
            failed = outcome.failed.len(),
            "reconciliation fixes applied"
        );
        Ok(outcome)
    }

    /// A line the desk healed: the replica already holds GHL's version, so
    /// "restore the desk's" first puts the desk's version (the change's
    /// "before") back in the replica, and the fix sends it from there.
    fn restore_healed(&self, location_id: &str, id: &str, healed: bool) -> Result<()> {
        if !healed {
            return Ok(());
        }
        match self.store.healed_before(location_id, id)? {
            Some(before) => self.store.record(|w| w.cita(&before, "synced")),
            None => Ok(()),
        }
    }

    /// The replica takes GHL's version of `ids`: one GHL call for the
    /// calendar's local day they start on (the report's own window rule).
    #[allow(clippy::too_many_arguments)]
    async fn take_ghl(
        &self,
        client: &citadesk_ghl::GhlClient,
        location_id: &str,
        zone: Tz,
        calendar: &str,
        day: &str,
        ids: &[String],
        who: &str,
    ) -> Result<u32> {
        let date = time::parse_date(day)?;
        let (start, end) = time::days_range(date, 1, zone);
        let events = client
            .list_events(&EventsQuery {
                location_id,
                calendar_id: calendar,
                start,
                end,
            })
            .await?;
        let mut applied = 0;
        for id in ids {
            let before = self
                .store
                .cita_snapshot(id)?
                .map(|(_, s, _)| serde_json::to_string(&s).unwrap_or_default());
            let in_ghl = events.iter().find(|e| &e.id == id);
            // A cita moved to another calendar is listed under its new one.
            let in_ghl = match in_ghl {
                Some(e) => Some(e.clone()),
                None => {
                    self.find_anywhere(client, location_id, zone, id, start, end)
                        .await?
                }
            };
            let after = match in_ghl {
                Some(e) => {
                    let row = mapping::cita_row(location_id, &e, zone)?;
                    self.store.record(|w| w.cita(&row, "synced"))?;
                    Some(snapshot_json(&row))
                }
                None => {
                    // Not in GHL: the replica lets it go; a refused create is acknowledged.
                    self.store.record(|w| w.cita_let_go(id, None))?;
                    None
                }
            };
            self.audit_fix(location_id, id, who, "take_ghl", before, after, None)?;
            applied += 1;
        }
        Ok(applied)
    }

    /// A cita GHL no longer lists in its calendar: look in the others.
    async fn find_anywhere(
        &self,
        client: &citadesk_ghl::GhlClient,
        location_id: &str,
        _zone: Tz,
        id: &str,
        start: chrono::DateTime<Utc>,
        end: chrono::DateTime<Utc>,
    ) -> Result<Option<citadesk_ghl::models::Appointment>> {
        for cal in self.store.calendar_columns(location_id)? {
            let events = client
                .list_events(&EventsQuery {
                    location_id,
                    calendar_id: &cal.id,
                    start: start - Duration::days(1),
                    end: end + Duration::days(1),
                })
                .await?;
            if let Some(e) = events.into_iter().find(|e| e.id == id) {
                return Ok(Some(e));
            }
        }
        Ok(None)
    }

    #[allow(clippy::too_many_arguments)]
    fn audit_fix(
        &self,
        location_id: &str,
        cita_id: &str,
        who: &str,
        action: &str,
        before: Option<String>,
        after: Option<String>,
        ghl_answer: Option<String>,
    ) -> Result<()> {
        self.store.record(|w| {
            w.audit(&AuditRecord {
                location_id,
                cita_id: Some(cita_id),
                contact_id: None,
                action: "reconciliation_fix",
                actor: who,
                before,
                after,
                ghl_answer,
                reason: Some(action),
            })
        })
    }

    fn snapshot(&self, id: &str) -> Result<CitaSnapshot> {
        self.store
            .cita_snapshot(id)?
            .map(|(_, s, _)| s)
            .ok_or_else(|| messages::cita_not_in_replica(id))
    }

    /// GHL gets the replica's start, end, calendar, status and title.
    fn queue_push_local(&self, location_id: &str, id: &str, who: &str) -> Result<()> {
        let s = self.snapshot(id)?;
        let update = CitaUpdate {
            action: "fix_push_local".into(),
            calendar_id: Some(s.calendar_id.clone()),
            start_ms: Some(s.start_ms),
            end_ms: Some(s.end_ms),
            title: Some(s.title.clone()),
            status: Some(s.status.clone()),
            assigned_user_id: s.assigned_user_id.clone(),
        };
        self.queue_update(location_id, &s, update, who, "push_local")
    }

    fn queue_cancel(
        &self,
        location_id: &str,
        id: &str,
        who: &str,
        only_in_ghl: bool,
    ) -> Result<()> {
        let update = CitaUpdate {
            action: "fix_cancel".into(),
            status: Some("cancelled".into()),
            ..Default::default()
        };
        if only_in_ghl {
            // Not in the replica: nothing to show, the write alone.
            let json = serde_json::to_string(&update).unwrap_or_default();
            return self.store.record(|w| {
                w.queue(&NewWrite {
                    location_id,
                    kind: WriteKind::UpdateCita,
                    subject_id: id,
                    payload: json,
                    actor: who,
                    before: None,
                })?;
                w.audit(&AuditRecord {
                    location_id,
                    cita_id: Some(id),
                    contact_id: None,
                    action: "reconciliation_fix",
                    actor: who,
                    before: None,
                    after: None,
                    ghl_answer: None,
                    reason: Some("mark_cancelled"),
                })
            });
        }
        let s = self.snapshot(id)?;
        self.queue_update(location_id, &s, update, who, "mark_cancelled")
    }

    fn queue_update(
        &self,
        location_id: &str,
        s: &CitaSnapshot,
        update: CitaUpdate,
        who: &str,
        fix: &str,
    ) -> Result<()> {
        let before = serde_json::to_string(s).unwrap_or_default();
        let status = update.status.clone().unwrap_or_else(|| s.status.clone());
        let json = serde_json::to_string(&update).unwrap_or_default();
        self.store.record(|w| {
            w.cita_status(&s.id, &status)?;
            w.queue(&NewWrite {
                location_id,
                kind: WriteKind::UpdateCita,
                subject_id: &s.id,
                payload: json,
                actor: who,
                before: Some(before.clone()),
            })?;
            w.audit(&AuditRecord {
                location_id,
                cita_id: Some(&s.id),
                contact_id: s.contact_id.as_deref(),
                action: "reconciliation_fix",
                actor: who,
                before: Some(before),
                after: None,
                ghl_answer: None,
                reason: Some(fix),
            })
        })
    }

    /// Here only: cancelled in the replica, nothing to send.
    fn cancel_locally(&self, location_id: &str, id: &str, who: &str) -> Result<()> {
        // A refused create has no row left: letting it go is the cancellation.
        let before = self
            .store
            .cita_snapshot(id)?
            .map(|(_, s, _)| serde_json::to_string(&s).unwrap_or_default());
        self.store
            .record(|w| w.cita_let_go(id, Some("cancelled")))?;
        self.audit_fix(location_id, id, who, "mark_cancelled", before, None, None)
    }

    /// Creates the cita in GHL again: a refused create is sent again (it
    /// looks first, since it may have landed); a cita deleted in GHL gets a
    /// new create under a new local id.
    fn queue_recreate(&self, location_id: &str, id: &str, who: &str) -> Result<()> {
        if let Some(refused) = self
            .store
            .refused_cita_creates(location_id)?
            .into_iter()
            .find(|r| r.local_id == id)
        {
            self.store.requeue(refused.outbox_id)?;
            self.store.record(|w| {
                w.cita(
                    &CitaRow {
                        id: id.to_string(),
                        location_id: location_id.to_string(),
                        calendar_id: refused.plan.calendar_id.clone(),
                        contact_id: Some(refused.plan.contact_ref.clone()),
                        assigned_user_id: refused.plan.assigned_user_id.clone(),
                        title: refused.plan.title.clone(),
                        status: "confirmed".into(),
                        start: time::from_ms(refused.plan.start_ms),
                        end: time::from_ms(refused.plan.end_ms),
                        date_updated: None,
                        raw: "{}".into(),
                    },
                    "pending_push",
                )
            })?;
            return self.audit_fix(location_id, id, who, "recreate", None, None, None);
        }
        let s = self.snapshot(id)?;
        let contact = s
            .contact_id
            .clone()
            .ok_or_else(messages::reconcile_no_patient)?;
        let key = outbox::idempotency_key();
        let local = outbox::new_local_id(&key);
        let plan = CitaCreate {
            calendar_id: s.calendar_id.clone(),
            contact_ref: contact,
            start_ms: s.start_ms,
            end_ms: s.end_ms,
            title: s.title.clone(),
            notes: None,
            assigned_user_id: s.assigned_user_id.clone(),
            new_patient: false,
        };
        let before = serde_json::to_string(&s).unwrap_or_default();
        self.store.record(|w| {
            // The old id is gone from GHL for good: the row continues under the new one.
            w.cita_renamed(id, &local)?;
            w.queue(&NewWrite {
                location_id,
                kind: WriteKind::CreateCita,
                subject_id: &local,
                payload: serde_json::to_string(&plan).unwrap_or_default(),
                actor: who,
                before: None,
            })?;
            w.audit(&AuditRecord {
                location_id,
                cita_id: Some(&local),
                contact_id: plan.contact_ref.as_str().into(),
                action: "reconciliation_fix",
                actor: who,
                before: Some(before),
                after: None,
                ghl_answer: None,
                reason: Some("recreate"),
            })
        })
    }

    /// The reconciliation the schedule runs: once a day at the location's
    /// time (default 06:30 local), and at start-up when today's run was
    /// missed. Returns the report when a run happened.
    pub async fn scheduled_reconcile_if_due(&self) -> Result<Option<ReconciliationReport>> {
        let Some(location_id) = self.active_location()? else {
            return Ok(None);
        };
        // Not before this start-up's sync has finished: a run beside it
        // would list what it is still fetching (and the first is a baseline).
        if !self
            .synced_this_run
            .load(std::sync::atomic::Ordering::SeqCst)
        {
            return Ok(None);
        }
        let Some(info) = self.store.location(&location_id)? else {
            return Ok(None);
        };
        let zone = time::parse_zone(&info.time_zone)?;
        let settings = self.store.location_settings(&location_id)?;
        let now_local = Utc::now().with_timezone(&zone);
        let due_at = NaiveTime::parse_from_str(&settings.reconcile_at, "%H:%M")
            .unwrap_or(NaiveTime::from_hms_opt(6, 30, 0).unwrap_or_default());
        let today = now_local.date_naive().to_string();
        let ran_today =
            self.store.last_scheduled_run(&location_id)?.as_deref() == Some(today.as_str());
        let now_minutes = now_local.hour() * 60 + now_local.minute();
        if ran_today || now_minutes < due_at.hour() * 60 + due_at.minute() {
            return Ok(None);
        }
        let report = self
            .reconcile_with(
                settings.reconcile_days_back,
                settings.reconcile_days_ahead,
                RunTrigger::Scheduled,
            )
            .await?;
        self.store.set_last_scheduled_run(&location_id, &today)?;
        if !report.is_clean() {
            if let Some(n) = self.notifier() {
                n.reconciliation_found(&report);
            }
        }
        Ok(Some(report))
    }

    /// Runs forever: checks the schedule every minute (and at once, which is
    /// the start-up catch-up).
    pub async fn run_reconcile_schedule(self: Arc<Self>) {
        loop {
            if let Err(e) = self.scheduled_reconcile_if_due().await {
                tracing::warn!(code = e.code(), "scheduled reconciliation failed: {e}");
            }
            tokio::time::sleep(std::time::Duration::from_secs(60)).await;
        }
    }
}

/// Export formats of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ExportFormat {
    Json,
    Csv,
}

impl Desk {
    /// A stored report as JSON (the report's own keys) or CSV.
    pub fn report_text(&self, report_id: i64, format: ExportFormat) -> Result<String> {
        let (location, _) = self.require_location()?;
        let report = self
            .store
            .report_by_id(report_id)?
            .filter(|r| r.location_id == location.id)
            .ok_or_else(messages::reconcile_report_not_found)?;
        Ok(match format {
            ExportFormat::Json => serde_json::to_string_pretty(&report).unwrap_or_default(),
            ExportFormat::Csv => crate::reconcile::to_csv(&report),
        })
    }

    /// Writes a report into the user's Downloads folder (else the data
    /// folder) as `reconciliacion-<fecha>-<id>.<ext>`; returns the path.
    pub fn export_report(&self, report_id: i64, format: ExportFormat) -> Result<String> {
        let text = self.report_text(report_id, format)?;
        let report = self
            .store
            .report_by_id(report_id)?
            .ok_or(CoreError::NotConnected)?;
        let dir = self.export_dir()?;
        let ext = if format == ExportFormat::Json {
            "json"
        } else {
            "csv"
        };
        let path = dir.join(format!("reconciliacion-{}-{report_id}.{ext}", report.fecha));
        crate::paths::write_private(&path, text.as_bytes())?;
        Ok(path.display().to_string())
    }
}

fn failure(id: &str, e: &CoreError, locale: Locale) -> FixFailure {
    let ErrorPayload { code, message } = e.payload(locale);
    FixFailure {
        cita_id: id.to_string(),
        code,
        message,
    }
}

impl Desk {
    /// Compares GHL and the replica over `[today - days_back, today +
    /// days_ahead + 1)` in the location's zone, one GHL call per calendar per
    /// window of at most 31 days, and stores the report. Writes still pending
    /// in the outbox are not reported as drift.
    pub async fn reconcile(&self, days_back: i64, days_ahead: i64) -> Result<ReconciliationReport> {
        self.reconcile_with(days_back, days_ahead, RunTrigger::Manual)
            .await
    }

    pub async fn reconcile_with(
        &self,
        days_back: i64,
        days_ahead: i64,
        trigger: RunTrigger,
    ) -> Result<ReconciliationReport> {
        self.reconcile_around(None, days_back, days_ahead, trigger)
            .await
    }

    /// A run whose window is placed around `anchor` (a date in the
    /// location's zone; default today), which is also the report's `fecha`.
    pub async fn reconcile_around(
        &self,
        anchor: Option<chrono::NaiveDate>,
        days_back: i64,
        days_ahead: i64,
        trigger: RunTrigger,
    ) -> Result<ReconciliationReport> {
        time::check_window(days_back, days_ahead)?;
        if let Some(day) = anchor {
            time::check_date(day)?;
        }
        let _one_at_a_time = self.reconcile_lock.lock().await;
        // Never beside a sync: it would list what the sync is about to fetch.
        let _no_sync = self.sync_lock.lock().await;
        let started = std::time::Instant::now();
        let (location, zone) = self.require_location()?;
        let client = self.client_for(&location.id).await?;
        let calls_before = client.calls();
        let today = anchor.unwrap_or_else(|| time::today_in(zone, Utc::now()));
        let window = time::days_range(
            today - chrono::Duration::days(days_back),
            days_back + days_ahead + 1,
            zone,
        );
        let calendars = client.list_calendars(&location.id).await?;
        let mut ghl = Vec::new();
        let mut unreadable = std::collections::HashSet::new();
        let progress = |done: usize| {
            if let Some(n) = self.notifier() {
                n.reconcile_progress(&ReconcileProgress {
                    location_id: location.id.clone(),
                    done: done as u32,
                    total: calendars.len() as u32,
                });
            }
        };
        progress(0);
        for (done, cal) in calendars.iter().enumerate() {
            if done > 0 {
                progress(done);
            }
            for w in time::windows(window.0, window.1, MAX_WINDOW_DAYS) {
                let events = client
                    .list_events(&citadesk_ghl::EventsQuery {
                        location_id: &location.id,
                        calendar_id: &cal.id,
                        start: w.0,
                        end: w.1,
                    })
                    .await?;
                for e in events.iter().filter(|e| e.calendar_id == cal.id) {
                    match mapping::cita_row(&location.id, e, zone) {
                        // Same rule as the replica: a cita belongs to the window it starts in.
                        Ok(s) if s.start >= window.0 && s.start < window.1 => ghl.push(s),
                        Ok(_) => {}
                        Err(err) => {
                            tracing::warn!(cita = %e.id, "GHL sent a cita that could not be read: {err}");
                            unreadable.insert(e.id.clone());
                        }
                    }
                }
            }
        }
        progress(calendars.len());
        let mut local: Vec<CitaRow> = self
            .store
            .cita_rows_starting_in(&location.id, window.0, window.1)?
            .into_iter()
            .filter(|r| !unreadable.contains(&r.id))
            .collect();
        // Creates GHL refused are here and not in GHL until someone acts.
        for refused in self.store.refused_cita_creates(&location.id)? {
            let start = time::from_ms(refused.plan.start_ms);
            if start >= window.0
                && start < window.1
                && self.store.refusal_open(refused.outbox_id)?
            {
                local.push(CitaRow {
                    location_id: location.id.clone(),
                    date_updated: None,
                    raw: "{}".into(),
                    id: refused.local_id,
                    calendar_id: refused.plan.calendar_id,
                    contact_id: Some(refused.plan.contact_ref),
                    assigned_user_id: refused.plan.assigned_user_id,
                    title: refused.plan.title,
                    status: "confirmed".into(),
                    start,
                    end: time::from_ms(refused.plan.end_ms),
                });
            }
        }
        let pending = self.store.pending_cita_ids(&location.id)?;
        let diff_started = std::time::Instant::now();
        let diff = reconcile::diff(
            &ghl,
            &local,
            &pending,
            zone,
            reconcile::PendingNotInGhl::Skip,
        );
        let diff_us = diff_started.elapsed().as_micros() as u64;
        let report = ReconciliationReport::new(
            &location.id,
            today,
            window,
            diff,
            (client.calls() - calls_before) as u32,
            started.elapsed().as_millis() as u64,
        );
        let mut report = report;
        report.diff_us = diff_us;
        report.compared = (ghl.len() + local.len()) as u32;
        // What the sync and live updates healed since the last daily report.
        report.add_healed(self.store.open_healed(&location.id, zone)?);
        let id = self.store.save_report(&report)?;
        report.id = Some(id);
        if trigger == RunTrigger::Scheduled {
            self.store.healed_reported(&location.id, id)?;
        }
        tracing::info!(location = %location.id, differences = report.counts.total, calls = report.ghl_calls, ?trigger, "reconciliation done");
        Ok(report)
    }

    /// Past reports of the active location, newest first.
    pub fn reconciliation_reports(&self, limit: u32) -> Result<Vec<ReconciliationReport>> {
        let (location, _) = self.require_location()?;
        self.store.reports(&location.id, limit)
    }
}
