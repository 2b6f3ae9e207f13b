//! Changing a cita (move, cancel, status) and reading its audit trail.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::booking::{gate, summarise, to_instant, BookingOutcome};
use super::Desk;
use crate::booking::BookingDraft;
use crate::error::Result;
use crate::messages;
use crate::model::*;
use crate::outbox::*;
use crate::store::AuditRecord;

/// A change to an existing cita.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum CitaAction {
    /// Reschedule (drag in the calendar, or edit).
    #[serde(rename_all = "camelCase")]
    Move {
        date: String,
        start: String,
        #[ts(type = "number")]
        duration_minutes: i64,
        calendar_id: Option<String>,
        override_reason: Option<String>,
    },
    #[serde(rename_all = "camelCase")]
    Cancel { reason: String },
    /// `confirmed`, `showed`, `noshow` (GHL's values; the UI names them).
    #[serde(rename_all = "camelCase")]
    Status { status: String },
}

impl Desk {
    /// Moves, cancels or changes the status of a cita: shown at once, sent
    /// through the outbox.
    pub async fn change_cita(&self, cita_id: &str, action: CitaAction) -> Result<BookingOutcome> {
        let who = self.signature(crate::staff::Role::Recepcion)?;
        let (location, zone) = self.require_location()?;
        let id = self.resolved(cita_id)?;
        let (_, before, _) = self
            .store
            .cita_snapshot(&id)?
            .or(self.store.cita_snapshot(cita_id)?)
            .ok_or_else(messages::cita_gone)?;
        let mut after = before.clone();
        let mut update = CitaUpdate::default();
        let mut reason: Option<String> = None;
        match &action {
            CitaAction::Move {
                date,
                start,
                duration_minutes,
                calendar_id,
                override_reason,
            } => {
                let settings = self.store.location_settings(&location.id)?;
                let s = to_instant(date, start, zone)?;
                let e = s + crate::time::cita_minutes(*duration_minutes)?;
                let calendar = calendar_id
                    .clone()
                    .unwrap_or_else(|| before.calendar_id.clone());
                let findings = self.findings_for(
                    &location.id,
                    zone,
                    &settings,
                    BookingDraft {
                        calendar_id: calendar.clone(),
                        contact_id: before.contact_id.clone(),
                        start: s,
                        end: e,
                        moving_cita_id: Some(before.id.clone()),
                    },
                )?;
                let check = summarise(findings, settings.overlap_mode, s, e, zone);
                reason = gate(&check, override_reason.as_deref(), self.locale())?;
                update.action = "move".into();
                update.start_ms = Some(s.timestamp_millis());
                update.end_ms = Some(e.timestamp_millis());
                after.start_ms = s.timestamp_millis();
                after.end_ms = e.timestamp_millis();
                if calendar != before.calendar_id {
                    update.calendar_id = Some(calendar.clone());
                    after.calendar_id = calendar;
                }
            }
            CitaAction::Cancel { reason: why } => {
                if why.trim().is_empty() {
                    return Err(messages::cita_cancel_reason_required());
                }
                update.action = "cancel".into();
                update.status = Some("cancelled".into());
                after.status = "cancelled".into();
                reason = Some(why.trim().to_string());
            }
            CitaAction::Status { status } => {
                if !matches!(
                    status.as_str(),
                    "new" | "confirmed" | "showed" | "noshow" | "invalid"
                ) {
                    return Err(messages::cita_invalid_status(status));
                }
                update.action = "status".into();
                update.status = Some(status.clone());
                after.status = status.clone();
            }
        }
        let before_json = serde_json::to_string(&before).unwrap_or_default();
        let after_json = serde_json::to_string(&after).unwrap_or_default();
        let subject = before.id.clone();
        self.store.record(|w| {
            w.cita_change(
                &subject,
                &after.calendar_id,
                &after.status,
                after.start_ms,
                after.end_ms,
            )?;
            w.queue(&NewWrite {
                location_id: &location.id,
                kind: WriteKind::UpdateCita,
                subject_id: &subject,
                payload: serde_json::to_string(&update).unwrap_or_default(),
                actor: &who,
                before: Some(before_json.clone()),
            })?;
            if let Some(r) = &reason {
                w.audit(&AuditRecord {
                    location_id: &location.id,
                    cita_id: Some(&subject),
                    contact_id: before.contact_id.as_deref(),
                    action: if update.action == "cancel" {
                        "cancel_requested"
                    } else {
                        "override"
                    },
                    actor: &who,
                    before: Some(before_json.clone()),
                    after: Some(after_json.clone()),
                    ghl_answer: None,
                    reason: Some(r),
                })?;
            }
            Ok(())
        })?;
        let outcome = self.after_write(&location.id, zone, &subject).await?;
        self.reminders_after_change(&outcome.cita.id).await;
        Ok(outcome)
    }

    pub fn cita_audit(&self, cita_id: &str) -> Result<Vec<AuditEntry>> {
        let (_, zone) = self.require_location()?;
        let id = self.resolved(cita_id)?;
        let trail = self.store.audit_for(&id, zone)?;
        if trail.is_empty() && self.store.cita_snapshot(&id)?.is_none() {
            return Err(messages::cita_not_in_replica(cita_id));
        }
        Ok(trail)
    }

    /// The replica's id of a cita named by its GHL or local id.
    fn resolved(&self, cita_id: &str) -> Result<String> {
        Ok(self
            .store
            .resolve_id(cita_id)?
            .unwrap_or_else(|| cita_id.to_string()))
    }

    /// A cita's length in minutes (a move keeps it unless told otherwise).
    pub fn cita_minutes(&self, cita_id: &str) -> Result<i64> {
        let id = self.resolved(cita_id)?;
        let (_, cita, _) = self
            .store
            .cita_snapshot(&id)?
            .ok_or_else(messages::cita_gone)?;
        Ok((cita.end_ms - cita.start_ms) / 60_000)
    }
}
