//! Reminders by WhatsApp or SMS through GHL, and what the patients answer.
//!
//! Planning (`crate::reminders`) decides; this records each reminder once
//! under its key (cita, rule, start) with its outbox row, and the outbox
//! push sends it: scheduled in GHL when it is due later (GHL sends it even
//! with every desk closed), sent at once when it is due now. A move or a
//! cancel withdraws what GHL holds. An answer (InboundMessage through the
//! relay) confirms or cancels the cita in GHL through the outbox, or goes
//! to the desk's inbox for a person.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use citadesk_ghl::webhook::InboundMessage;
use citadesk_ghl::{GhlClient, GhlError, NewMessage};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{actor, BookingOutcome, CitaAction, Desk};
use crate::error::{CoreError, Result};
use crate::live::{Change, Outcome};
use crate::model::{pick, Locale};
use crate::outbox::{is_local, is_refusal, CitaUpdate, NewWrite, OutboxItem, WriteKind};
use crate::reminders::{self, CitaFacts, Intent, Planned, ReminderFacts, ReminderRule, SkipReason};
use crate::staff::Role;
use crate::store::{AnswerRecord, AuditRecord, ReminderCandidate, ReminderRow, Store};
use crate::time;

/// A message due later than this is scheduled in GHL; sooner, sent now.
const SCHEDULE_AFTER: chrono::Duration = chrono::Duration::seconds(60);
/// A claim older than this belongs to a process that died mid-send.
const STALE_CLAIM_MS: i64 = 120_000;
/// How often the app's scheduler looks for reminders to send.
const SWEEP_EVERY: Duration = Duration::from_secs(300);
/// The cancellation reason an answer "3" records.
pub const PATIENT_CANCEL_REASON: &str = "cancelada por el paciente";

pub use crate::model::ReminderState;

impl ReminderState {
    fn of(row: &ReminderRow) -> Self {
        Self::stored(
            &row.state,
            row.answer.as_deref(),
            row.due_ms,
            Utc::now().timestamp_millis(),
        )
    }
}

/// One cita's reminder under one rule (CLI lines, the cita panel).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReminderLine {
    pub cita_id: String,
    #[ts(type = "number")]
    pub rule_id: i64,
    /// The cita's start, local `YYYY-MM-DDTHH:MM:SS`.
    pub cita_start: String,
    pub patient: String,
    pub state: ReminderState,
    /// When it goes (or went) out, local.
    pub due: String,
    /// `WhatsApp` or `SMS`.
    pub channel: Option<String>,
    pub skip_reason: Option<SkipReason>,
    /// The state (and reason) in words, in the desk's language.
    pub words: String,
    /// Moved to the end of the quiet hours.
    pub quiet_moved: bool,
}

/// An answer that needs a person ("Respuestas").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InboxItem {
    #[ts(type = "number")]
    pub id: i64,
    pub patient: String,
    pub phone: Option<String>,
    pub contact_id: Option<String>,
    pub cita_id: Option<String>,
    /// The cita's start, local, when one was found.
    pub cita_start: Option<String>,
    /// The cita's calendar (its free slots for "reschedule").
    pub calendar_id: Option<String>,
    pub channel: String,
    /// What the patient wrote.
    pub text: String,
    pub intent: Intent,
    /// Why a person is needed, in words.
    pub why: String,
    pub received: String,
}

/// The week's confirmations: reminded citas and how many the patients confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConfirmationRate {
    pub reminded: u32,
    pub confirmed: u32,
    /// Answers waiting in the inbox.
    pub open_answers: u32,
}

/// What the outbox row of a reminder send carries.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SendPlan {
    cita_id: String,
    rule_id: i64,
    start_ms: i64,
    contact_id: String,
    channel: String,
    message: String,
    template_id: Option<String>,
    due_ms: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WithdrawPlan {
    cita_id: String,
    rule_id: i64,
    start_ms: i64,
}

fn enabled_key(location_id: &str) -> String {
    format!("reminders_enabled:{location_id}")
}

impl Desk {
    /// Whether reminders go out for the active location. Off until the
    /// clinic turns them on (its WhatsApp templates must exist in GHL first).
    pub fn reminders_enabled(&self) -> Result<bool> {
        let (location, _) = self.require_location()?;
        Ok(self.store.setting(&enabled_key(&location.id))?.as_deref() == Some("1"))
    }

    /// Turns reminders on or off; the scheduler (or `reminders send`)
    /// plans what is due on its next round.
    pub fn set_reminders_enabled(&self, enabled: bool) -> Result<()> {
        self.acting(Role::Gerencia)?;
        let (location, _) = self.require_location()?;
        self.store
            .set_setting(&enabled_key(&location.id), if enabled { "1" } else { "0" })?;
        self.notify_status_now();
        Ok(())
    }

    pub fn reminder_rules(&self) -> Result<Vec<ReminderRule>> {
        let (location, _) = self.require_location()?;
        self.store.reminder_rules(&location.id)
    }

    /// Saves the rules (a changed rule gets a new id), then withdraws the
    /// reminders of the rules that went and schedules the new ones.
    pub async fn save_reminder_rules(&self, rules: Vec<ReminderRule>) -> Result<Vec<ReminderRule>> {
        self.acting(Role::Gerencia)?;
        let (location, _) = self.require_location()?;
        for rule in &rules {
            check_rule(rule)?;
        }
        let saved = self.store.replace_reminder_rules(&location.id, &rules)?;
        if self.reminders_enabled()? {
            self.send_reminders(None, false).await?;
        }
        Ok(saved)
    }

    /// The message a rule would send, with an example patient (live preview).
    pub fn preview_reminder(&self, rule: ReminderRule) -> Result<String> {
        let (location, _) = self.require_location()?;
        let (clinic, address) = self.clinic(&location.id, &location.name);
        let english = rule.language == "en";
        let facts = ReminderFacts {
            first_name: if english { "Anne" } else { "Ana" }.into(),
            date: (Utc::now().date_naive() + chrono::Duration::days(2)).to_string(),
            time: "09:30".into(),
            practitioner: if english { "Dr. Rojas" } else { "Dra. Rojas" }.into(),
            calendar: if english {
                "Physiotherapy"
            } else {
                "Fisioterapia"
            }
            .into(),
            clinic,
            address,
        };
        Ok(reminders::render(&rule, &facts))
    }

    /// Plans the reminders due in the coming days (scheduling in GHL what
    /// is due later, sending what is due now, withdrawing what no longer
    /// applies) and pushes them: the app's scheduler and `citadesk-cli
    /// reminders send`. `date`: only citas of that local day. A dry run
    /// records and sends nothing.
    pub async fn send_reminders(
        &self,
        date: Option<String>,
        dry_run: bool,
    ) -> Result<Vec<ReminderLine>> {
        let (location, zone) = self.require_location()?;
        if !self.reminders_enabled()? {
            return Err(crate::messages::reminders_off());
        }
        let now = Utc::now();
        let (from, to) = match date.as_deref() {
            Some(d) => time::days_range(time::parse_date(d)?, 1, zone),
            None => {
                let rules = self.store.reminder_rules(&location.id)?;
                (now, now + horizon(&rules))
            }
        };
        let from = from.max(now);
        let lines = self
            .plan_reminders(&location.id, zone, Scope::Window(from, to), dry_run)
            .await?;
        Ok(lines)
    }

    /// Each cita's reminders of a day (default today), as they stand.
    pub fn reminders_list(&self, date: Option<String>) -> Result<Vec<ReminderLine>> {
        let (location, zone) = self.require_location()?;
        let day = match date.as_deref() {
            Some(d) => time::parse_date(d)?,
            None => time::today_in(zone, Utc::now()),
        };
        let (from, to) = time::days_range(day, 1, zone);
        let citas = self.store.reminder_candidates(
            &location.id,
            from.timestamp_millis(),
            to.timestamp_millis(),
            None,
        )?;
        let rows = self.store.reminders_between(
            &location.id,
            from.timestamp_millis(),
            to.timestamp_millis(),
        )?;
        let locale = self.locale();
        Ok(rows
            .iter()
            .filter_map(|r| {
                let c = citas
                    .iter()
                    .find(|c| c.cita_id == r.cita_id && c.start_ms == r.start_ms)?;
                Some(line(r, c, zone, locale))
            })
            .collect())
    }

    /// A cita's reminders (the cita panel), newest start first.
    pub fn cita_reminders(&self, cita_id: &str) -> Result<Vec<ReminderLine>> {
        let (location, zone) = self.require_location()?;
        let id = self
            .store
            .resolve_id(cita_id)?
            .unwrap_or_else(|| cita_id.to_string());
        let Some(c) = self
            .store
            .reminder_candidates(&location.id, 0, 0, Some(&id))?
            .into_iter()
            .next()
        else {
            return Ok(Vec::new());
        };
        let locale = self.locale();
        Ok(self
            .store
            .reminders_of_cita(&id)?
            .iter()
            .filter(|r| r.start_ms == c.start_ms)
            .map(|r| line(r, &c, zone, locale))
            .collect())
    }

    /// "Enviar recordatorio ahora": one reminder now with the first rule's
    /// message (rule id 0, so at most one such per cita and start).
    pub async fn send_reminder_now(&self, cita_id: &str) -> Result<Vec<ReminderLine>> {
        let who = self.signature(Role::Recepcion)?;
        let (location, zone) = self.require_location()?;
        let id = self
            .store
            .resolve_id(cita_id)?
            .unwrap_or_else(|| cita_id.to_string());
        if is_local(&id) {
            return Err(crate::messages::reminder_cita_not_in_ghl());
        }
        let mut rule = self
            .store
            .reminder_rules(&location.id)?
            .into_iter()
            .next()
            .unwrap_or_default();
        rule.id = 0;
        // Due long ago, so planning sends it now; a person chose the moment,
        // so no quiet hours.
        rule.when = reminders::ReminderWhen::MinutesBefore {
            minutes: 60 * 24 * 366,
        };
        rule.quiet_start = rule.quiet_end.clone();
        self.plan_with(
            &location.id,
            zone,
            &[rule],
            Scope::Cita(id.clone()),
            false,
            &who,
        )
        .await?;
        self.cita_reminders(&id)
    }

    /// After a booking, move, cancel or status change of one cita.
    pub(crate) async fn reminders_after_change(&self, cita_id: &str) {
        let Ok((location, zone)) = self.require_location() else {
            return;
        };
        if !self.reminders_enabled().unwrap_or(false) || is_local(cita_id) {
            return;
        }
        if let Err(e) = self
            .plan_reminders(&location.id, zone, Scope::Cita(cita_id.to_string()), false)
            .await
        {
            tracing::warn!(
                code = e.code(),
                "reminders of a changed cita wait for the next sweep: {e}"
            );
        }
    }

    async fn plan_reminders(
        &self,
        location_id: &str,
        zone: Tz,
        scope: Scope,
        dry_run: bool,
    ) -> Result<Vec<ReminderLine>> {
        let rules = self.store.reminder_rules(location_id)?;
        // Planned by the desk itself (a sweep, or after a change it records).
        let who = actor(&self.store);
        self.plan_with(location_id, zone, &rules, scope, dry_run, &who)
            .await
    }

    async fn plan_with(
        &self,
        location_id: &str,
        zone: Tz,
        rules: &[ReminderRule],
        scope: Scope,
        dry_run: bool,
        who: &str,
    ) -> Result<Vec<ReminderLine>> {
        let now = Utc::now();
        let (candidates, live) = match &scope {
            Scope::Window(from, to) => (
                self.store.reminder_candidates(
                    location_id,
                    from.timestamp_millis(),
                    to.timestamp_millis(),
                    None,
                )?,
                self.store
                    .live_reminders(location_id, from.timestamp_millis())?
                    .into_iter()
                    .filter(|r| r.start_ms < to.timestamp_millis())
                    .collect::<Vec<_>>(),
            ),
            Scope::Cita(id) => (
                self.store
                    .reminder_candidates(location_id, 0, 0, Some(id))?,
                self.store
                    .reminders_of_cita(id)?
                    .into_iter()
                    .filter(|r| matches!(r.state.as_str(), "queued" | "scheduled"))
                    .collect(),
            ),
        };
        let (clinic, address) = self.clinic(location_id, "");
        let locale = self.locale();
        let manual = matches!(rules, [r] if r.id == 0);
        let mut wanted: HashSet<(String, i64, i64)> = HashSet::new();
        let mut lines = Vec::new();
        let mut planned_rows = Vec::new();
        for c in candidates.iter().filter(|c| !is_local(&c.cita_id)) {
            let contact: Option<serde_json::Value> = c
                .contact_raw
                .as_deref()
                .and_then(|r| serde_json::from_str(r).ok());
            let start = time::from_ms(c.start_ms);
            let facts = CitaFacts {
                start,
                status: &c.status,
                phone: c.phone.as_deref(),
                contact: contact.as_ref(),
            };
            for rule in rules {
                let key = (c.cita_id.clone(), rule.id, c.start_ms);
                let mut row = ReminderRow {
                    cita_id: c.cita_id.clone(),
                    rule_id: rule.id,
                    start_ms: c.start_ms,
                    location_id: location_id.to_string(),
                    contact_id: c.contact_id.clone(),
                    state: String::new(),
                    skip_reason: None,
                    channel: None,
                    due_ms: 0,
                    quiet_moved: false,
                    message_id: None,
                    answer: None,
                    error: None,
                };
                let payload = match reminders::plan(rule, &facts, now, zone) {
                    Planned::Send {
                        due,
                        channel,
                        quiet_moved,
                    } => {
                        wanted.insert(key);
                        row.state = "queued".into();
                        row.channel = Some(channel.to_string());
                        row.due_ms = due.timestamp_millis();
                        row.quiet_moved = quiet_moved;
                        let message = reminders::render(
                            rule,
                            &message_facts(c, contact.as_ref(), zone, &clinic, &address),
                        );
                        Some(
                            serde_json::to_string(&SendPlan {
                                cita_id: c.cita_id.clone(),
                                rule_id: rule.id,
                                start_ms: c.start_ms,
                                contact_id: c.contact_id.clone().unwrap_or_default(),
                                channel: channel.to_string(),
                                message,
                                template_id: rule.template_id.clone(),
                                due_ms: row.due_ms,
                            })
                            .unwrap_or_default(),
                        )
                    }
                    Planned::Skip { due, reason } => {
                        row.state = "skipped".into();
                        row.skip_reason = Some(reason.as_str().into());
                        row.due_ms = due.timestamp_millis();
                        None
                    }
                };
                planned_rows.push((row, payload, c));
            }
        }
        // Withdraw first: a cancelled cita's skip must not hide the
        // reminder GHL still holds under the same key.
        if !manual {
            for r in live
                .iter()
                .filter(|r| !wanted.contains(&(r.cita_id.clone(), r.rule_id, r.start_ms)))
            {
                if !dry_run {
                    self.store.withdraw_reminder(r, who)?;
                }
                if let Some(c) = candidates.iter().find(|c| c.cita_id == r.cita_id) {
                    let mut shown = r.clone();
                    shown.state = "withdrawn".into();
                    lines.push(line(&shown, c, zone, locale));
                }
            }
        }
        for (row, payload, c) in &planned_rows {
            if !dry_run {
                self.store.plan_reminder(row, payload.as_deref(), who)?;
            }
            let shown = if dry_run {
                row.clone()
            } else {
                self.store
                    .reminder(&row.cita_id, row.rule_id, row.start_ms)?
                    .unwrap_or_else(|| row.clone())
            };
            lines.push(line(&shown, c, zone, locale));
        }
        if !dry_run {
            self.push_outbox().await?;
            // Read back what the push made of them (scheduled, sent, failed).
            for l in lines.iter_mut() {
                if let Some(c) = candidates.iter().find(|c| c.cita_id == l.cita_id) {
                    if let Some(r) = self.store.reminder(&l.cita_id, l.rule_id, c.start_ms)? {
                        *l = line(&r, c, zone, locale);
                    }
                }
            }
            if let Some(n) = self.notifier() {
                n.replica_changed(location_id);
            }
        }
        Ok(lines)
    }

    /// The clinic's name and address for messages (GHL's location record).
    fn clinic(&self, location_id: &str, fallback_name: &str) -> (String, String) {
        let raw: serde_json::Value = self
            .store
            .location_raw(location_id)
            .ok()
            .flatten()
            .and_then(|r| serde_json::from_str(&r).ok())
            .unwrap_or_default();
        let text = |k: &str| {
            raw.get(k)
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .trim()
                .to_string()
        };
        let name = Some(text("name"))
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| fallback_name.to_string());
        let address = [text("address"), text("city")]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        (name, address)
    }

    /// The app's scheduler: sends what is due (catching up at start, as the
    /// reconciliation does), then every few minutes.
    pub async fn run_reminder_loop(self: Arc<Self>) {
        loop {
            if self.reminders_enabled().unwrap_or(false) {
                if let Err(e) = self.send_reminders(None, false).await {
                    tracing::info!(code = e.code(), "reminder sweep waits: {e}");
                }
            }
            tokio::time::sleep(SWEEP_EVERY).await;
        }
    }

    /// Answers that need a person.
    pub fn inbox(&self) -> Result<Vec<InboxItem>> {
        let (location, zone) = self.require_location()?;
        let locale = self.locale();
        Ok(self
            .store
            .open_inbox(&location.id)?
            .into_iter()
            .map(|r| InboxItem {
                id: r.id,
                patient: r.contact_name.clone().unwrap_or_default(),
                phone: r.phone.clone(),
                contact_id: r.contact_id.clone(),
                cita_id: r.cita_id.clone(),
                cita_start: r
                    .cita_start_ms
                    .map(|ms| time::local_string(time::from_ms(ms), zone)),
                calendar_id: r.cita_calendar_id.clone(),
                channel: r.channel.clone(),
                intent: Intent::parse(&r.intent),
                why: why_words(r.reason.as_deref(), locale),
                text: r.body,
                received: time::local_string(time::from_ms(r.received_at), zone),
            })
            .collect())
    }

    pub fn mark_answer_handled(&self, id: i64) -> Result<()> {
        let who = self.signature(Role::Recepcion)?;
        if !self.store.mark_inbox_handled(id, &who)? {
            return Err(crate::messages::inbox_item_gone());
        }
        self.notify_status_now();
        Ok(())
    }

    /// "Reprogramar" from an answer: moves the answer's cita to `date`
    /// `start` (a free slot of its calendar, same length) through the move
    /// path (outbox, audit, reminders), then marks the answer handled by
    /// the person. Nothing is marked when the move is refused.
    pub async fn reschedule_answer(
        &self,
        id: i64,
        date: &str,
        start: &str,
    ) -> Result<BookingOutcome> {
        let who = self.signature(Role::Recepcion)?;
        let (location, _) = self.require_location()?;
        let item = self
            .store
            .open_inbox(&location.id)?
            .into_iter()
            .find(|r| r.id == id)
            .ok_or_else(crate::messages::inbox_item_gone)?;
        let (Some(cita_id), Some(from), Some(to)) =
            (item.cita_id, item.cita_start_ms, item.cita_end_ms)
        else {
            return Err(crate::messages::cita_gone());
        };
        let outcome = self
            .change_cita(
                &cita_id,
                CitaAction::Move {
                    date: date.to_string(),
                    start: start.to_string(),
                    duration_minutes: (to - from) / 60_000,
                    calendar_id: None,
                    override_reason: None,
                },
            )
            .await?;
        self.store.mark_inbox_handled(id, &who)?;
        self.notify_status_now();
        Ok(outcome)
    }

    /// This week's reminded citas and how many the patients confirmed.
    pub fn confirmation_rate(&self) -> Result<ConfirmationRate> {
        let (location, zone) = self.require_location()?;
        let (from, to) = reminders::week_of(Utc::now(), zone);
        let (reminded, confirmed) = self.store.confirmation_counts(
            &location.id,
            from.timestamp_millis(),
            to.timestamp_millis(),
        )?;
        Ok(ConfirmationRate {
            reminded,
            confirmed,
            open_answers: self.store.open_inbox_count(&location.id)?,
        })
    }

    /// Applies an InboundMessage body as the live path does, without a
    /// relay (the crate's own tests; the relay's tests use the real path).
    #[cfg(any(test, feature = "testing"))]
    pub async fn apply_answer_for_test(&self, body: &serde_json::Value) -> Result<()> {
        let (location, zone) = self.require_location()?;
        let message: InboundMessage = serde_json::from_value(body.clone())
            .map_err(|e| CoreError::Io(std::io::Error::other(e.to_string())))?;
        self.apply_answer(&location.id, zone, &message).await?;
        Ok(())
    }

    /// A patient's message (InboundMessage): find the cita it answers, read
    /// it, and confirm, cancel or hand it to a person. Recorded once per
    /// GHL message id; the cita's change goes through the outbox.
    pub(crate) async fn apply_answer(
        &self,
        location_id: &str,
        zone: Tz,
        message: &InboundMessage,
    ) -> Result<Change> {
        let inbound = message.direction.as_deref().is_none_or(|d| d == "inbound");
        let (Some(contact_id), Some(message_id), true) = (
            message.contact_id.as_deref(),
            message
                .message_id
                .as_deref()
                .or(message.conversation_id.as_deref()),
            inbound,
        ) else {
            return Ok(Change::Nothing(Outcome::Ignored));
        };
        let text = message.body.clone().unwrap_or_default();
        let channel = message.message_type.clone().unwrap_or_else(|| "SMS".into());
        let intent = reminders::parse_answer(&text);
        let now = Utc::now().timestamp_millis();
        let reminded = self.store.reminded_citas(contact_id)?;
        // The next cita whose reminder went out and that still stands where
        // it was reminded.
        let target = reminded.iter().find(|(r, current)| {
            matches!(current, Some((start, status)) if *start == r.start_ms && *start > now && status != "cancelled")
        });
        let (cita, reason): (Option<&ReminderRow>, Option<&str>) = match (target, intent) {
            (None, _) if reminded.is_empty() => (None, Some("no_cita")),
            (None, _) => (None, Some("past_or_moved")),
            (Some((r, _)), Intent::Reschedule) => (Some(r), Some("reschedule")),
            (Some((r, _)), Intent::Unknown) => (Some(r), Some("unclear")),
            (Some((r, _)), _) => (Some(r), None),
        };
        let outcome = match (reason, intent) {
            (Some(_), _) => "needs_person",
            (None, Intent::Cancel) => "cancelled",
            _ => "confirmed",
        };
        let patient = format!("paciente ({channel})");
        let cita_id = cita.map(|r| r.cita_id.clone());
        let snapshot = match &cita_id {
            Some(id) => self.store.cita_snapshot(id)?.map(|(_, s, _)| s),
            None => None,
        };
        let cancel_reason = format!("{PATIENT_CANCEL_REASON} ({channel})");
        let recorded = self.store.record(|w| {
            let first = w.answer(&AnswerRecord {
                location_id,
                message_id,
                contact_id: Some(contact_id),
                cita_id: cita_id.as_deref(),
                channel: &channel,
                body: &text,
                intent: intent.as_str(),
                outcome,
                reason,
            })?;
            if !first {
                return Ok(false);
            }
            w.audit(&AuditRecord {
                location_id,
                cita_id: cita_id.as_deref(),
                contact_id: Some(contact_id),
                action: "patient_answer",
                actor: &patient,
                before: None,
                after: Some(text.clone()),
                ghl_answer: None,
                reason: Some(reason.unwrap_or(outcome)),
            })?;
            if let (None, Some(before)) = (reason, &snapshot) {
                let status = if intent == Intent::Cancel {
                    "cancelled"
                } else {
                    "confirmed"
                };
                if before.status != status {
                    let mut after = before.clone();
                    after.status = status.into();
                    let before_json = serde_json::to_string(before).unwrap_or_default();
                    w.cita_status(&before.id, status)?;
                    w.queue(&NewWrite {
                        location_id,
                        kind: WriteKind::UpdateCita,
                        subject_id: &before.id,
                        payload: serde_json::to_string(&CitaUpdate {
                            action: if intent == Intent::Cancel {
                                "cancel".into()
                            } else {
                                "patient_confirm".into()
                            },
                            status: Some(status.into()),
                            ..Default::default()
                        })
                        .unwrap_or_default(),
                        actor: &patient,
                        before: Some(before_json.clone()),
                    })?;
                    w.audit(&AuditRecord {
                        location_id,
                        cita_id: Some(&before.id),
                        contact_id: Some(contact_id),
                        action: if intent == Intent::Cancel {
                            "cancel_requested"
                        } else {
                            "patient_confirmed"
                        },
                        actor: &patient,
                        before: Some(before_json),
                        after: Some(serde_json::to_string(&after).unwrap_or_default()),
                        ghl_answer: None,
                        reason: Some(if intent == Intent::Cancel {
                            cancel_reason.as_str()
                        } else {
                            text.as_str()
                        }),
                    })?;
                }
            }
            Ok(true)
        })?;
        if !recorded {
            return Ok(Change::Nothing(Outcome::Echo));
        }
        if let Some(r) = cita {
            let answer = match (reason, intent) {
                (Some("reschedule"), _) => Some("reschedule"),
                (None, Intent::Cancel) => Some("cancelled"),
                (None, _) => Some("confirmed"),
                _ => None,
            };
            if let Some(a) = answer {
                self.store.reminder_answered(&r.cita_id, r.start_ms, a)?;
            }
        }
        tracing::info!(location = %location_id, intent = intent.as_str(), outcome, "patient answer applied");
        if outcome != "needs_person" {
            // Best effort now; the outbox keeps it if GHL is out of reach.
            if let Err(e) = self.push_outbox().await {
                tracing::info!(
                    code = e.code(),
                    "the patient's answer waits in the outbox: {e}"
                );
            }
            if let Some(id) = &cita_id {
                if intent == Intent::Cancel {
                    self.reminders_after_change(id).await;
                }
            }
        }
        self.notify_status_now();
        let _ = zone;
        Ok(Change::Untouched {
            id: cita_id.unwrap_or_else(|| message_id.to_string()),
            outcome: Outcome::Applied,
        })
    }
}

enum Scope {
    Window(DateTime<Utc>, DateTime<Utc>),
    Cita(String),
}

/// How far ahead the sweep plans: the longest lead of the rules plus a
/// day (later citas are planned when they come closer, or when booked).
fn horizon(rules: &[ReminderRule]) -> chrono::Duration {
    let lead = rules
        .iter()
        .map(|r| match &r.when {
            reminders::ReminderWhen::DaysBefore { days, .. } => {
                chrono::Duration::days(*days as i64 + 1)
            }
            reminders::ReminderWhen::MinutesBefore { minutes } => {
                chrono::Duration::minutes(*minutes as i64)
            }
        })
        .max()
        .unwrap_or_default();
    lead + chrono::Duration::days(1)
}

fn check_rule(rule: &ReminderRule) -> Result<()> {
    for t in [&rule.quiet_start, &rule.quiet_end] {
        time::parse_hhmm(t)?;
    }
    if let reminders::ReminderWhen::DaysBefore { days, at } = &rule.when {
        time::parse_hhmm(at)?;
        if *days > 14 {
            return Err(crate::messages::reminder_rule_invalid());
        }
    }
    if rule.statuses.is_empty()
        || (rule.message_es.trim().is_empty() && rule.message_en.trim().is_empty())
    {
        return Err(crate::messages::reminder_rule_invalid());
    }
    Ok(())
}

fn message_facts(
    c: &ReminderCandidate,
    contact: Option<&serde_json::Value>,
    zone: Tz,
    clinic: &str,
    address: &str,
) -> ReminderFacts {
    let start = time::from_ms(c.start_ms).with_timezone(&zone);
    let first_name = contact
        .and_then(|v| v.get("firstName"))
        .and_then(|v| v.as_str())
        .map(str::to_string)
        .filter(|s| !s.trim().is_empty())
        .or_else(|| {
            c.display_name
                .as_deref()
                .and_then(|n| n.split_whitespace().next())
                .map(str::to_string)
        })
        .unwrap_or_default();
    ReminderFacts {
        first_name,
        date: start.format("%Y-%m-%d").to_string(),
        time: start.format("%H:%M").to_string(),
        practitioner: c.practitioner.clone().unwrap_or_default(),
        calendar: c.calendar.clone(),
        clinic: clinic.to_string(),
        address: address.to_string(),
    }
}

fn line(r: &ReminderRow, c: &ReminderCandidate, zone: Tz, locale: Locale) -> ReminderLine {
    let state = ReminderState::of(r);
    let skip_reason = r.skip_reason.as_deref().and_then(SkipReason::parse);
    let mut words = state.words(locale).to_string();
    if let (ReminderState::Skipped, Some(reason)) = (state, skip_reason) {
        words = format!("{words}: {}", reason.text(locale));
    }
    if let (ReminderState::Failed, Some(e)) = (state, &r.error) {
        words = format!("{words}: {e}");
    }
    ReminderLine {
        cita_id: r.cita_id.clone(),
        rule_id: r.rule_id,
        cita_start: time::local_string(time::from_ms(c.start_ms), zone),
        patient: c.display_name.clone().unwrap_or_default(),
        state,
        due: time::local_string(time::from_ms(r.due_ms), zone),
        channel: r.channel.clone(),
        skip_reason,
        words,
        quiet_moved: r.quiet_moved,
    }
}

fn why_words(reason: Option<&str>, locale: Locale) -> String {
    let (es, en) = match reason {
        Some("reschedule") => ("pide reprogramar la cita", "asks to reschedule the cita"),
        Some("no_cita") => (
            "no se encontró una cita recordada de este paciente",
            "no reminded cita of this patient was found",
        ),
        Some("past_or_moved") => (
            "la cita ya pasó o se movió desde el recordatorio",
            "the cita has passed or was moved since the reminder",
        ),
        _ => (
            "no se entendió la respuesta",
            "the answer was not understood",
        ),
    };
    pick(locale, es.into(), en.into())
}

/// Sends or withdraws one reminder from the outbox. GHL's refusals are
/// recorded on the reminder (a DND refusal as a skip); an error returned
/// means "try again later" (nothing reached GHL).
pub(super) async fn push_reminder(
    client: &GhlClient,
    store: &Store,
    item: &OutboxItem,
) -> Result<()> {
    match item.kind {
        WriteKind::WithdrawReminder => push_withdraw(client, store, item).await,
        _ => push_send(client, store, item).await,
    }
}

/// A reminder write whose payload cannot be read: settled as failed, never retried.
fn settle_unreadable(store: &Store, outbox_id: i64) -> Result<()> {
    store.settle_reminder(
        outbox_id,
        "refused",
        ("", 0, 0),
        "failed",
        None,
        None,
        Some("outbox.unreadable"),
    )
}

async fn push_send(client: &GhlClient, store: &Store, item: &OutboxItem) -> Result<()> {
    let Ok(plan) = serde_json::from_str::<SendPlan>(&item.payload) else {
        return settle_unreadable(store, item.id);
    };
    let key = (plan.cita_id.as_str(), plan.rule_id, plan.start_ms);
    if !store.claim(item.id)? {
        // Another process is sending it, or died while sending it.
        let age = Utc::now().timestamp_millis() - store.outbox_touched(item.id)?;
        if age > STALE_CLAIM_MS {
            tracing::warn!(
                outbox = item.id,
                "a reminder send was cut off mid-way: not sent again"
            );
            store.settle_reminder(
                item.id,
                "refused",
                key,
                "failed",
                None,
                None,
                Some("reminder.uncertain"),
            )?;
        }
        return Ok(());
    }
    let now = Utc::now();
    let later = plan.due_ms > (now + SCHEDULE_AFTER).timestamp_millis();
    let body = NewMessage {
        message_type: plan.channel.clone(),
        contact_id: plan.contact_id.clone(),
        message: plan.message.clone(),
        appointment_id: Some(plan.cita_id.clone()),
        template_id: plan.template_id.clone(),
        scheduled_timestamp: later.then_some(plan.due_ms / 1000),
    };
    crate::outbox::crash_point("before_reminder_post");
    match client.send_message(&item.location_id, &body).await {
        Ok(sent) => {
            crate::outbox::crash_point("after_reminder_post");
            let state = if later { "scheduled" } else { "sent" };
            store.settle_reminder(
                item.id,
                "done",
                key,
                state,
                Some(&sent.message_id),
                None,
                None,
            )
        }
        Err(e) if is_refusal(&e) => {
            let dnd = e.to_string().contains("DND");
            tracing::info!(
                outbox = item.id,
                code = e.code(),
                dnd,
                "GHL refused a reminder"
            );
            if dnd {
                store.settle_reminder(
                    item.id,
                    "refused",
                    key,
                    "skipped",
                    None,
                    Some(SkipReason::Dnd.as_str()),
                    None,
                )
            } else {
                store.settle_reminder(
                    item.id,
                    "refused",
                    key,
                    "failed",
                    None,
                    None,
                    Some(e.code()),
                )
            }
        }
        Err(
            e @ (GhlError::Unreachable(_)
            | GhlError::RateLimited { .. }
            | GhlError::RateLimitedDaily
            | GhlError::AuthExpired { .. }
            | GhlError::Server { .. }),
        ) => {
            // Not taken by GHL: the next round sends it.
            store.unclaim(item.id)?;
            Err(CoreError::Ghl(e))
        }
        Err(e) => {
            // A timeout: GHL may have it. Never sent twice.
            tracing::warn!(
                outbox = item.id,
                code = e.code(),
                "a reminder may or may not have gone out"
            );
            store.settle_reminder(
                item.id,
                "refused",
                key,
                "failed",
                None,
                None,
                Some("reminder.uncertain"),
            )
        }
    }
}

async fn push_withdraw(client: &GhlClient, store: &Store, item: &OutboxItem) -> Result<()> {
    let Ok(plan) = serde_json::from_str::<WithdrawPlan>(&item.payload) else {
        return settle_unreadable(store, item.id);
    };
    let key = (plan.cita_id.as_str(), plan.rule_id, plan.start_ms);
    let Some(row) = store.reminder(key.0, key.1, key.2)? else {
        store.settle_reminder(item.id, "done", key, "withdrawn", None, None, None)?;
        return Ok(());
    };
    let Some(message_id) = row.message_id.clone() else {
        // Its send has not finished (another process holds it): next round.
        return Ok(());
    };
    match client.cancel_scheduled_message(&message_id).await {
        Ok(()) => store.settle_reminder(item.id, "done", key, "withdrawn", None, None, None),
        // Already sent (or withdrawn): nothing left to withdraw.
        Err(e) if is_refusal(&e) => store.settle_reminder(
            item.id,
            "done",
            key,
            "sent",
            None,
            None,
            Some("reminder.too_late_to_withdraw"),
        ),
        Err(e) => Err(CoreError::Ghl(e)),
    }
}
