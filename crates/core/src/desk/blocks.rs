//! Blocked time written from the desk ("Bloquear horario"): made, moved and
//! removed through the outbox and the audit log like any write, shown at
//! once, sent when GHL can be reached (offline: on reconnect, once).

use chrono::Duration;
use chrono_tz::Tz;
use citadesk_ghl::{BlockOwner, GhlClient, NewBlockSlot};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::booking::to_instant;
use super::{block_view, Desk};
use crate::error::{CoreError, Result};
use crate::mapping::block_row;
use crate::messages;
use crate::model::*;
use crate::outbox::*;
use crate::store::{BlockRow, Store};
use crate::time;

/// A block to make: a calendar's time, or (`wholePractitioner`) its
/// practitioner's in every calendar they book. Wall time in the location's zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BlockRequest {
    pub calendar_id: String,
    #[serde(default)]
    pub whole_practitioner: bool,
    /// `YYYY-MM-DD`
    pub date: String,
    /// `HH:MM`
    pub start: String,
    #[ts(type = "number")]
    pub duration_minutes: i64,
    /// Why (a break, a meeting, a vacation).
    pub reason: String,
}

/// A block moved (and maybe retitled).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BlockMove {
    pub date: String,
    pub start: String,
    #[ts(type = "number")]
    pub duration_minutes: i64,
    pub reason: Option<String>,
}

/// A block as the grid shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BlockView {
    pub id: String,
    pub calendar_id: Option<String>,
    /// The practitioner, for a block of theirs (every calendar they book).
    pub user_id: Option<String>,
    pub title: String,
    /// Local `YYYY-MM-DDTHH:MM:SS`.
    pub start: String,
    pub end: String,
    /// Not yet in GHL.
    pub pending: bool,
}

/// What became of a block write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BlockOutcome {
    /// The block as shown now (none once removed).
    pub block: Option<BlockView>,
    /// GHL has it.
    pub confirmed: bool,
    pub notice: Option<ErrorPayload>,
}

fn plan_of(b: &BlockRow) -> BlockPlan {
    BlockPlan {
        calendar_id: b.calendar_id.clone(),
        user_id: b.user_id.clone(),
        title: b.title.clone(),
        start_ms: b.start_ms,
        end_ms: b.end_ms,
    }
}

impl Desk {
    /// Blocks time ("Bloquear horario"): shown at once, sent through the outbox.
    pub async fn block_time(&self, req: BlockRequest) -> Result<BlockOutcome> {
        let who = self.signature(crate::staff::Role::Recepcion)?;
        let (location, zone) = self.require_location()?;
        let start = to_instant(&req.date, &req.start, zone)?;
        let end = start + time::block_minutes(req.duration_minutes)?;
        let calendar = self
            .store
            .calendar_rules(&location.id, &Default::default())?
            .into_iter()
            .find(|c| c.id == req.calendar_id)
            .ok_or_else(|| messages::block_calendar_unknown(&req.calendar_id))?;
        let user_id = if req.whole_practitioner {
            Some(
                calendar
                    .practitioner_id
                    .clone()
                    .ok_or_else(|| messages::block_calendar_unknown(&req.calendar_id))?,
            )
        } else {
            None
        };
        let id = new_local_id(&idempotency_key());
        let row = BlockRow {
            id: id.clone(),
            location_id: location.id.clone(),
            calendar_id: user_id.is_none().then(|| calendar.id.clone()),
            user_id,
            title: block_title(&req.reason, self.locale()),
            start_ms: start.timestamp_millis(),
            end_ms: end.timestamp_millis(),
            sync_state: "pending_push".into(),
        };
        self.store.record(|w| {
            w.block(&row)?;
            w.queue(&NewWrite {
                location_id: &location.id,
                kind: WriteKind::CreateBlock,
                subject_id: &id,
                payload: serde_json::to_string(&plan_of(&row)).unwrap_or_default(),
                actor: &who,
                before: None,
            })?;
            Ok(())
        })?;
        crash_point("after_block_recorded");
        self.after_block_write(&location.id, zone, &id).await
    }

    /// Moves a block (drag, or the dialog), keeping its owner.
    pub async fn move_block(&self, block_id: &str, change: BlockMove) -> Result<BlockOutcome> {
        let who = self.signature(crate::staff::Role::Recepcion)?;
        let (location, zone) = self.require_location()?;
        let before = self.shown_block(block_id)?;
        let start = to_instant(&change.date, &change.start, zone)?;
        let end = start + time::block_minutes(change.duration_minutes)?;
        let mut after = before.clone();
        after.start_ms = start.timestamp_millis();
        after.end_ms = end.timestamp_millis();
        if let Some(reason) = change.reason.as_deref().filter(|r| !r.trim().is_empty()) {
            after.title = reason.trim().to_string();
        }
        self.store.record(|w| {
            w.block(&after)?;
            w.queue(&NewWrite {
                location_id: &location.id,
                kind: WriteKind::UpdateBlock,
                subject_id: &before.id,
                payload: serde_json::to_string(&plan_of(&after)).unwrap_or_default(),
                actor: &who,
                before: Some(serde_json::to_string(&plan_of(&before)).unwrap_or_default()),
            })?;
            Ok(())
        })?;
        self.after_block_write(&location.id, zone, &before.id).await
    }

    /// Removes a block: hidden at once, deleted in GHL through the outbox.
    pub async fn unblock(&self, block_id: &str) -> Result<BlockOutcome> {
        let who = self.signature(crate::staff::Role::Recepcion)?;
        let (location, zone) = self.require_location()?;
        let before = self.shown_block(block_id)?;
        self.store.record(|w| {
            w.block_removed(&before.id)?;
            w.queue(&NewWrite {
                location_id: &location.id,
                kind: WriteKind::DeleteBlock,
                subject_id: &before.id,
                payload: "{}".into(),
                actor: &who,
                before: Some(serde_json::to_string(&plan_of(&before)).unwrap_or_default()),
            })?;
            Ok(())
        })?;
        self.after_block_write(&location.id, zone, &before.id).await
    }

    /// The audit trail of the location's blocks.
    pub fn block_audit(&self) -> Result<Vec<AuditEntry>> {
        let (location, zone) = self.require_location()?;
        self.store.block_audit(&location.id, zone)
    }

    fn shown_block(&self, block_id: &str) -> Result<BlockRow> {
        let id = self
            .store
            .resolve_id(block_id)?
            .unwrap_or_else(|| block_id.to_string());
        self.store
            .block(&id)?
            .or(self.store.block(block_id)?)
            .ok_or_else(|| messages::block_not_found(block_id))
    }

    async fn after_block_write(
        &self,
        location_id: &str,
        zone: Tz,
        id: &str,
    ) -> Result<BlockOutcome> {
        if let Some(n) = self.notifier() {
            n.replica_changed(location_id);
        }
        let report = self.push_outbox().await;
        if let Some(r) = report
            .as_ref()
            .ok()
            .and_then(|r| r.refused.iter().find(|x| x.subject_id == id))
        {
            return Err(CoreError::Rejected {
                code: crate::error::ErrorCode::parse(&r.code)
                    .unwrap_or(crate::error::ErrorCode::GhlValidation),
                es: refusal_message(r, "", Locale::EsPe),
                en: refusal_message(r, "", Locale::En),
            });
        }
        let final_id = self.store.resolve_id(id)?.unwrap_or_else(|| id.to_string());
        let row = self.store.block_any(&final_id)?;
        let block = self.store.block(&final_id)?.map(|b| block_view(&b, zone));
        let confirmed = match &row {
            Some(b) => b.sync_state == "synced",
            // Removed and gone from the replica: GHL deleted it.
            None => true,
        };
        let notice = match report {
            Err(e) if !confirmed => Some(messages::block_pending(&e, self.locale())),
            Ok(PushReport {
                stopped_by: Some(e),
                ..
            }) if !confirmed => Some(messages::block_pending(&e, self.locale())),
            _ => None,
        };
        Ok(BlockOutcome {
            block,
            confirmed,
            notice,
        })
    }
}

fn block_title(reason: &str, locale: Locale) -> String {
    let reason = reason.trim();
    if reason.is_empty() {
        pick(locale, "Bloqueado".into(), "Blocked".into())
    } else {
        reason.to_string()
    }
}

/// A block write's payload the outbox cannot read: refused, never retried.
pub(crate) struct Unreadable(pub String);

/// One block write to GHL. A create that may have reached GHL before (a
/// crash or a cut after sending) is looked for first, so it lands once.
/// `Ok(Err(_))`: the payload is unreadable (a refusal, not a wait).
pub(crate) async fn push_block(
    client: &GhlClient,
    store: &Store,
    item: &OutboxItem,
    zone: Tz,
) -> std::result::Result<std::result::Result<(), Unreadable>, CoreError> {
    let ghl_id = store.resolve_id(&item.subject_id)?;
    let plan =
        || serde_json::from_str::<BlockPlan>(&item.payload).map_err(|e| Unreadable(e.to_string()));
    match item.kind {
        WriteKind::CreateBlock => {
            let plan = match plan() {
                Ok(p) => p,
                Err(e) => return Ok(Err(e)),
            };
            if item.attempts > 0 {
                if let Some(found) = find_block(client, store, item, &plan, zone).await? {
                    store.finish_block(
                        item,
                        Some(&found),
                        "block_create",
                        &format!("found {}", found.id),
                    )?;
                    return Ok(Ok(()));
                }
            }
            store.begin_attempt(item.id)?;
            let made = client
                .create_block_slot(&new_block(&item.location_id, &plan, zone))
                .await?;
            crash_point("after_block_post");
            let row = answered(item, &plan, &made.id);
            store.finish_block(
                item,
                Some(&row),
                "block_create",
                &format!("created {}", made.id),
            )?;
        }
        WriteKind::UpdateBlock => {
            let plan = match plan() {
                Ok(p) => p,
                Err(e) => return Ok(Err(e)),
            };
            let Some(id) = ghl_id.filter(|i| !is_local(i)) else {
                return Err(messages::block_not_in_ghl());
            };
            store.begin_attempt(item.id)?;
            // A PUT sets the whole block: repeating it is harmless.
            client
                .update_block_slot(&id, &new_block(&item.location_id, &plan, zone))
                .await?;
            let item = OutboxItem {
                subject_id: id.clone(),
                ..item.clone()
            };
            store.finish_block(
                &item,
                Some(&answered(&item, &plan, &id)),
                "block_move",
                &format!("updated {id}"),
            )?;
        }
        _ => {
            let Some(id) = ghl_id.filter(|i| !is_local(i)) else {
                // Never reached GHL (its create was refused): nothing to delete.
                store.finish_block(item, None, "block_remove", "not in GHL")?;
                return Ok(Ok(()));
            };
            store.begin_attempt(item.id)?;
            match client.delete_event(&id).await {
                Ok(()) => {}
                // Already gone in GHL: the removal is what we wanted.
                Err(
                    citadesk_ghl::GhlError::Validation { .. }
                    | citadesk_ghl::GhlError::NotFound { .. },
                ) if item.attempts > 0 => {}
                Err(e) => return Err(e.into()),
            }
            let item = OutboxItem {
                subject_id: id.clone(),
                ..item.clone()
            };
            store.finish_block(&item, None, "block_remove", &format!("deleted {id}"))?;
        }
    }
    Ok(Ok(()))
}

fn new_block(location_id: &str, plan: &BlockPlan, zone: Tz) -> NewBlockSlot {
    NewBlockSlot {
        location_id: location_id.to_string(),
        calendar_id: plan.calendar_id.clone(),
        assigned_user_id: plan.user_id.clone(),
        title: plan.title.clone(),
        start_time: iso(plan.start_ms, zone),
        end_time: iso(plan.end_ms, zone),
    }
}

/// The block as GHL now holds it (its answer echoes what was sent).
fn answered(item: &OutboxItem, plan: &BlockPlan, id: &str) -> BlockRow {
    BlockRow {
        id: id.to_string(),
        location_id: item.location_id.clone(),
        calendar_id: plan.calendar_id.clone(),
        user_id: plan.user_id.clone(),
        title: plan.title.clone(),
        start_ms: plan.start_ms,
        end_ms: plan.end_ms,
        sync_state: "synced".into(),
    }
}

/// A block in GHL with the plan's owner, times and title that the replica
/// does not know under another id: the earlier attempt's.
async fn find_block(
    client: &GhlClient,
    store: &Store,
    item: &OutboxItem,
    plan: &BlockPlan,
    zone: Tz,
) -> std::result::Result<Option<BlockRow>, CoreError> {
    let owner = match (&plan.calendar_id, &plan.user_id) {
        (Some(c), _) => BlockOwner::Calendar(c),
        (None, Some(u)) => BlockOwner::User(u),
        (None, None) => return Ok(None),
    };
    let (from, to) = (time::from_ms(plan.start_ms), time::from_ms(plan.end_ms));
    let listed = client
        .list_blocked_slots(
            &item.location_id,
            owner,
            from - Duration::minutes(1),
            to + Duration::minutes(1),
        )
        .await?;
    for b in listed {
        let Ok(row) = block_row(&item.location_id, &b, zone) else {
            continue;
        };
        let same =
            row.start_ms == plan.start_ms && row.end_ms == plan.end_ms && row.title == plan.title;
        if same && !store.is_mapped_ghl_id(&row.id)? {
            return Ok(Some(row));
        }
    }
    Ok(None)
}
