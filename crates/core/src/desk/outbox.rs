//! Pushing the outbox to GHL and telling the receptionist what became of a
//! write. Each write either lands once, or is refused (kept, reverted
//! locally, reported), or waits for the next round; a create that may have
//! reached GHL is looked for there before it is sent again.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use citadesk_ghl::{GhlClient, GhlError};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::booking::BookingOutcome;
use super::Desk;
use crate::error::{CoreError, Result};
use crate::mapping;
use crate::messages;
use crate::model::pick;
use crate::model::*;
use crate::outbox::*;
use crate::store::{RefusedRow, Store};
use crate::time;
use citadesk_ghl::{AppointmentChange, EventsQuery, NewAppointment, NewContact};

/// Sends the location's pending writes in order until none is left or GHL
/// cannot be reached. Each write either lands once, or is refused (kept,
/// reverted locally, reported), or waits for the next round.
pub async fn push(
    client: &GhlClient,
    store: &Store,
    location_id: &str,
    zone: Tz,
) -> Result<PushReport> {
    let mut report = PushReport::default();
    // Order matters per cita (and a cita waits for its new patient), not
    // across citas: one cita GHL keeps failing does not hold up the others.
    let mut held: std::collections::HashSet<String> = Default::default();
    for id in store.pending_ids(location_id)? {
        let Some(item) = store.pending_item(id)? else {
            continue;
        };
        if held.contains(&item.subject_id) || waits_for_held(store, &item, &held)? {
            held.insert(item.subject_id.clone());
            continue;
        }
        let outcome = match item.kind {
            WriteKind::CreateContact => push_contact(client, store, &item).await,
            WriteKind::CreateCita => push_create(client, store, &item, zone, &mut report).await,
            WriteKind::UpdateCita => push_update(client, store, &item, zone).await,
            WriteKind::UpdateContact => push_contact_update(client, store, &item).await,
            WriteKind::CreateBlock | WriteKind::UpdateBlock | WriteKind::DeleteBlock => {
                match super::blocks::push_block(client, store, &item, zone).await {
                    Ok(Ok(())) => Ok(()),
                    Ok(Err(super::blocks::Unreadable(why))) => {
                        Err(Step::Refused("outbox.unreadable".into(), why))
                    }
                    Err(e) => Err(Step::from(e)),
                }
            }
            WriteKind::SendReminder | WriteKind::WithdrawReminder => {
                super::reminders::push_reminder(client, store, &item)
                    .await
                    .map_err(Step::Wait)
            }
        };
        match outcome {
            Ok(()) => report.sent += 1,
            Err(Step::Refused(code, message)) => {
                // GHL's message may quote what the patient typed: the code only.
                tracing::warn!(outbox = item.id, %code, "GHL refused a write");
                store.refuse(&item, &code, &message)?;
                report.refused.push(Refusal {
                    outbox_id: item.id,
                    subject_id: item.subject_id.clone(),
                    kind: item.kind,
                    code,
                    ghl_message: message,
                });
            }
            Err(Step::Wait(e)) => {
                store.note_failure(item.id, e.code(), &e.to_string())?;
                tracing::info!(
                    outbox = item.id,
                    code = e.code(),
                    "write waits for GHL: {e}"
                );
                // Out of reach, throttled or unauthorised: nothing else can go either.
                let everything_waits = !matches!(
                    &e,
                    CoreError::Ghl(GhlError::Server { .. }) | CoreError::Ghl(GhlError::Decode(_))
                );
                held.insert(item.subject_id.clone());
                report.stopped_by = Some(e);
                if everything_waits {
                    break;
                }
            }
        }
    }
    Ok(report)
}

enum Step {
    Refused(String, String),
    Wait(CoreError),
}

impl From<CoreError> for Step {
    fn from(e: CoreError) -> Self {
        match e {
            CoreError::Ghl(g) if is_refusal(&g) => {
                Step::Refused(g.code().to_string(), g.to_string())
            }
            other => Step::Wait(other),
        }
    }
}

impl From<GhlError> for Step {
    fn from(e: GhlError) -> Self {
        Step::from(CoreError::Ghl(e))
    }
}

/// A patient's basic fields, edited at the desk.
async fn push_contact_update(
    client: &GhlClient,
    store: &Store,
    item: &OutboxItem,
) -> Result<(), Step> {
    let change: citadesk_ghl::ContactChange = serde_json::from_str(&item.payload)
        .map_err(|e| Step::Refused("outbox.unreadable".into(), e.to_string()))?;
    let Some(contact_id) = store.resolve_id(&item.subject_id)? else {
        return Err(Step::Refused(
            "booking.patient_refused".into(),
            "the patient was never created in GHL".into(),
        ));
    };
    store.begin_attempt(item.id)?;
    let contact = client.update_contact(&contact_id, &change).await?;
    store.finish_contact_update(item, &contact)?;
    Ok(())
}

/// A cita create whose new patient has not reached GHL yet waits with it.
fn waits_for_held(
    store: &Store,
    item: &OutboxItem,
    held: &std::collections::HashSet<String>,
) -> Result<bool> {
    if item.kind != WriteKind::CreateCita {
        return Ok(false);
    }
    let Ok(plan) = serde_json::from_str::<CitaCreate>(&item.payload) else {
        return Ok(false);
    };
    Ok(is_local(&plan.contact_ref)
        && (held.contains(&plan.contact_ref)
            || store.create_state(&plan.contact_ref)?.as_deref() == Some("pending")))
}

async fn push_contact(client: &GhlClient, store: &Store, item: &OutboxItem) -> Result<(), Step> {
    let body: NewContact = serde_json::from_str(&item.payload)
        .map_err(|e| Step::Refused("outbox.unreadable".into(), e.to_string()))?;
    store.begin_attempt(item.id)?;
    // The domain rule and the crash rule at once: never a second contact.
    let existing = client
        .find_duplicate_contact(
            &body.location_id,
            body.phone.as_deref(),
            body.email.as_deref(),
        )
        .await?;
    crash_point("after_duplicate_check");
    let (contact, adopted) = match existing {
        Some(c) => (c, true),
        None => (client.create_contact(&body).await?, false),
    };
    crash_point("after_contact_post");
    store.finish_contact(item, &contact, adopted)?;
    crash_point("after_contact_recorded");
    Ok(())
}

async fn push_create(
    client: &GhlClient,
    store: &Store,
    item: &OutboxItem,
    zone: Tz,
    report: &mut PushReport,
) -> Result<(), Step> {
    let plan: CitaCreate = serde_json::from_str(&item.payload)
        .map_err(|e| Step::Refused("outbox.unreadable".into(), e.to_string()))?;
    let Some(contact_id) = store.resolve_id(&plan.contact_ref)? else {
        // Its patient was refused by GHL: the cita cannot exist either.
        return Err(Step::Refused(
            "booking.patient_refused".into(),
            "the patient could not be created in GHL".into(),
        ));
    };
    let start = time::from_ms(plan.start_ms);
    let end = time::from_ms(plan.end_ms);
    let looked_before = item.attempts > 0 || !plan.new_patient;
    store.begin_attempt(item.id)?;
    if looked_before {
        if let Some(found) = find_in_slot(
            client,
            &item.location_id,
            &plan.calendar_id,
            &contact_id,
            start,
            end,
            zone,
        )
        .await?
        {
            let row = mapping::cita_row(&item.location_id, &found, zone)?;
            store.finish_cita(
                item,
                &row,
                &format!("found in GHL: {}", found.id),
                create_action(item),
            )?;
            report.created.push((item.subject_id.clone(), found.id));
            return Ok(());
        }
    }
    let body = NewAppointment {
        calendar_id: plan.calendar_id.clone(),
        location_id: item.location_id.clone(),
        contact_id: contact_id.clone(),
        start_time: iso(plan.start_ms, zone),
        end_time: iso(plan.end_ms, zone),
        title: Some(plan.title.clone()).filter(|t| !t.is_empty()),
        appointment_status: Some("confirmed".into()),
        assigned_user_id: plan.assigned_user_id.clone(),
        description: plan.notes.clone().filter(|n| !n.is_empty()),
        ignore_free_slot_validation: true,
        to_notify: None,
    };
    crash_point("before_cita_post");
    let created = client.create_appointment(&body).await?;
    crash_point("after_cita_post");
    let row = mapping::cita_row(&item.location_id, &created, zone)?;
    store.finish_cita(
        item,
        &row,
        &format!("created {}", created.id),
        create_action(item),
    )?;
    crash_point("after_cita_recorded");
    report.created.push((item.subject_id.clone(), created.id));
    Ok(())
}

/// GHL's citas of the calendar around the slot: one with the same patient
/// and start is the one an earlier attempt made.
async fn find_in_slot(
    client: &GhlClient,
    location_id: &str,
    calendar_id: &str,
    contact_id: &str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    zone: Tz,
) -> Result<Option<citadesk_ghl::models::Appointment>, Step> {
    let events = client
        .list_events(&EventsQuery {
            location_id,
            calendar_id,
            start,
            end,
        })
        .await?;
    Ok(events.into_iter().find(|e| {
        e.contact_id.as_deref() == Some(contact_id)
            && time::parse_ghl_time(&e.start_time, zone).ok() == Some(start)
            && e.appointment_status.as_deref() != Some("cancelled")
    }))
}

/// "create" when GHL took it at the first try; "offline_push" when it had
/// to wait (offline, or resumed after a crash).
fn create_action(item: &OutboxItem) -> &'static str {
    if item.attempts == 0 {
        "create"
    } else {
        "offline_push"
    }
}

async fn push_update(
    client: &GhlClient,
    store: &Store,
    item: &OutboxItem,
    zone: Tz,
) -> Result<(), Step> {
    let plan: CitaUpdate = serde_json::from_str(&item.payload)
        .map_err(|e| Step::Refused("outbox.unreadable".into(), e.to_string()))?;
    let Some(event_id) = store.resolve_id(&item.subject_id)? else {
        return Err(Step::Refused(
            "booking.create_refused".into(),
            "the cita was never created in GHL".into(),
        ));
    };
    let change = AppointmentChange {
        calendar_id: plan.calendar_id.clone(),
        start_time: plan.start_ms.map(|ms| iso(ms, zone)),
        end_time: plan.end_ms.map(|ms| iso(ms, zone)),
        title: plan.title.clone(),
        appointment_status: plan.status.clone(),
        assigned_user_id: plan.assigned_user_id.clone(),
        description: None,
        // A move was checked against the agenda here; GHL's grid is advisory.
        ignore_free_slot_validation: plan.start_ms.is_some() || plan.calendar_id.is_some(),
    };
    store.begin_attempt(item.id)?;
    // A PUT sets fields to values: repeating it is harmless.
    let answer = client.update_appointment(&event_id, &change).await?;
    let mut row = mapping::cita_row(&item.location_id, &answer, zone)?;
    // The answer of a write carries no dateUpdated (#246): keep ours.
    if row.date_updated.is_none() {
        if let Some((_, snap, _)) = store.cita_snapshot(&event_id)? {
            row.date_updated = snap.date_updated;
            if row.contact_id.is_none() {
                row.contact_id = snap.contact_id;
            }
        }
    }
    let item = OutboxItem {
        subject_id: event_id.clone(),
        ..item.clone()
    };
    store.finish_cita(&item, &row, &format!("updated {event_id}"), &plan.action)?;
    Ok(())
}

/// A write GHL refused, for the receptionist to act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RefusedWrite {
    #[ts(type = "number")]
    pub outbox_id: i64,
    pub code: String,
    pub message: String,
}

impl Desk {
    /// Sends what the outbox holds, tells the UI, and says what became of `cita_id`.
    pub(crate) async fn after_write(
        &self,
        location_id: &str,
        zone: Tz,
        cita_id: &str,
    ) -> Result<BookingOutcome> {
        if let Some(n) = self.notifier() {
            n.replica_changed(location_id);
        }
        // Said before the push: a create GHL refuses leaves the agenda.
        let what = self.describe_subject(cita_id, zone);
        let report = self.push_outbox().await;
        let locale = self.locale();
        let final_id = self
            .store
            .resolve_id(cita_id)?
            .unwrap_or_else(|| cita_id.to_string());
        let refused = report
            .as_ref()
            .ok()
            .and_then(|r| r.refused.iter().find(|x| x.subject_id == cita_id).cloned());
        if let Some(r) = refused {
            return Err(CoreError::Rejected {
                code: crate::error::ErrorCode::parse(&r.code)
                    .unwrap_or(crate::error::ErrorCode::GhlValidation),
                es: crate::outbox::refusal_message(&r, &what, Locale::EsPe),
                en: crate::outbox::refusal_message(&r, &what, Locale::En),
            });
        }
        let cita = self
            .store
            .cita_view(&final_id, zone)?
            .ok_or_else(messages::cita_not_kept)?;
        let confirmed = cita.sync_state == SyncState::Synced;
        let notice = match report {
            Ok(PushReport {
                stopped_by: Some(e),
                ..
            }) if !confirmed => Some(ErrorPayload {
                code: crate::error::ErrorCode::BookingPendingSync,
                message: if e.is_offline() {
                    pick(locale, "Sin conexión con GHL: la cita quedó guardada como «pendiente de sincronizar» y se enviará al volver la conexión.".into(),
                        "No connection to GHL: the cita is saved as \"pending sync\" and will be sent when the connection is back.".into())
                } else {
                    pick(locale, format!("GHL no respondió ({}): la cita quedó «pendiente de sincronizar» y se reintentará sola.", e.code()),
                        format!("GHL did not answer ({}): the cita is saved as \"pending sync\" and will be retried.", e.code()))
                },
            }),
            Err(e) if !confirmed => Some(ErrorPayload {
                code: crate::error::ErrorCode::BookingPendingSync,
                message: pick(
                    locale,
                    format!(
                        "La cita quedó «pendiente de sincronizar»: {}",
                        e.message(Locale::EsPe)
                    ),
                    format!(
                        "The cita is saved as \"pending sync\": {}",
                        e.message(Locale::En)
                    ),
                ),
            }),
            _ => None,
        };
        Ok(BookingOutcome {
            cita,
            confirmed,
            notice,
        })
    }

    pub(crate) fn describe_subject(&self, cita_id: &str, zone: Tz) -> String {
        match self.store.cita_snapshot(cita_id).ok().flatten() {
            Some((_, s, _)) => self.describe(s.contact_id.as_deref(), s.start_ms, zone),
            None => cita_id.to_string(),
        }
    }

    /// "Patient name YYYY-MM-DD HH:MM:SS" for messages about a cita.
    pub(crate) fn describe(&self, contact_id: Option<&str>, start_ms: i64, zone: Tz) -> String {
        let who = contact_id
            .and_then(|c| self.store.contact_name(c).ok().flatten())
            .unwrap_or_default();
        format!(
            "{who} {}",
            time::local_string(time::from_ms(start_ms), zone).replace('T', " ")
        )
        .trim()
        .to_string()
    }

    /// Pushes the active location's outbox (at start, on reconnect, after
    /// each write). One push at a time per process.
    pub async fn push_outbox(&self) -> Result<PushReport> {
        let Some(location_id) = self.active_location()? else {
            return Ok(PushReport::default());
        };
        let _one_at_a_time = self.push_lock.lock().await;
        if self.store.pending_writes(&location_id)? == 0 {
            return Ok(PushReport::default());
        }
        let info = self
            .store
            .location(&location_id)?
            .ok_or(CoreError::NotConnected)?;
        let zone = time::parse_zone(&info.time_zone)?;
        let client = self.client_for(&location_id).await?;
        let report = push(&client, &self.store, &location_id, zone).await?;
        if report.sent > 0 || !report.refused.is_empty() {
            tracing::info!(location = %location_id, sent = report.sent, refused = report.refused.len(), "outbox pushed");
            if let Some(n) = self.notifier() {
                n.replica_changed(&location_id);
            }
            self.notify_status_now();
        }
        Ok(report)
    }

    /// Refused writes for the receptionist, with what to do.
    pub fn refused_writes(&self) -> Result<Vec<RefusedWrite>> {
        let Some(location_id) = self.active_location()? else {
            return Ok(Vec::new());
        };
        let zone = self
            .store
            .location(&location_id)?
            .and_then(|l| time::parse_zone(&l.time_zone).ok())
            .unwrap_or(chrono_tz::UTC);
        let locale = self.locale();
        Ok(self
            .store
            .unacknowledged_refusals(&location_id)?
            .into_iter()
            .map(
                |RefusedRow {
                     id,
                     kind,
                     payload,
                     code,
                     message,
                 }| {
                    let kind = match kind.as_str() {
                        "create_cita" => WriteKind::CreateCita,
                        "create_contact" => WriteKind::CreateContact,
                        _ => WriteKind::UpdateCita,
                    };
                    let what = serde_json::from_str::<CitaCreate>(&payload)
                        .map(|p| self.describe(Some(&p.contact_ref), p.start_ms, zone))
                        .unwrap_or_default();
                    let r = crate::outbox::Refusal {
                        outbox_id: id,
                        subject_id: String::new(),
                        kind,
                        code: code.clone(),
                        ghl_message: message,
                    };
                    RefusedWrite {
                        outbox_id: id,
                        code,
                        message: crate::outbox::refusal_message(&r, &what, locale),
                    }
                },
            )
            .collect())
    }

    pub fn acknowledge_refusal(&self, outbox_id: i64) -> Result<()> {
        self.acting(crate::staff::Role::Recepcion)?;
        self.store.acknowledge_refusal(outbox_id)?;
        self.notify_status_now();
        Ok(())
    }
}
