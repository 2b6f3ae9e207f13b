//! The receptionist's actions over the replica and the outbox: check a
//! booking as it is typed, book (new or known patient), move, cancel,
//! change status, read a cita's audit trail, the location's settings and the
//! next free slots. The app's commands and the CLI call these.

use std::collections::HashMap;
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Desk;
use crate::booking::{self, BookingDraft, Finding, LocationSettings, OverlapMode, Severity};
use crate::cita::*;
use crate::error::{CoreError, Result};
use crate::messages;
use crate::model::pick;
use crate::model::*;
use crate::outbox::{self, *};
use crate::patients::patient_phone;
use crate::store::AuditRecord;
use crate::time;
use crate::time::parse_hhmm;
use citadesk_ghl::NewContact;

/// Who the booking is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum PatientChoice {
    /// A patient GHL already has.
    #[serde(rename_all = "camelCase")]
    Existing { contact_id: String },
    /// A new patient: created in GHL only if its duplicate check finds none.
    #[serde(rename_all = "camelCase")]
    New {
        first_name: String,
        last_name: String,
        phone: Option<String>,
        email: Option<String>,
    },
}

/// The booking dialog's fields. Date and time are wall time in the
/// location's zone; the core does the zone arithmetic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BookingRequest {
    pub calendar_id: String,
    pub patient: Option<PatientChoice>,
    /// `YYYY-MM-DD`
    pub date: String,
    /// `HH:MM`
    pub start: String,
    #[ts(type = "number")]
    pub duration_minutes: i64,
    pub title: String,
    pub notes: Option<String>,
    /// Why the receptionist books despite the warnings (flexible mode).
    pub override_reason: Option<String>,
}

/// The checks of a booking, run as it is typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BookingCheck {
    pub findings: Vec<Finding>,
    /// Nothing blocks (warnings may still need a reason).
    pub can_save: bool,
    /// There are warnings: saving needs an override reason.
    pub needs_override: bool,
    pub mode: OverlapMode,
    pub start_local: Option<String>,
    pub end_local: Option<String>,
    /// The rooms and equipment serving the calendar (GHL ties them to
    /// calendars, not to citas), for the dialog to show.
    pub rooms: Vec<String>,
}

/// What happened to a booking or change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BookingOutcome {
    pub cita: CitaView,
    /// GHL has it (false: saved here, "pendiente de sincronizar").
    pub confirmed: bool,
    /// Said to the receptionist (offline, refused...).
    pub notice: Option<ErrorPayload>,
}

/// A free slot from GHL, ready to take.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FreeSlot {
    pub date: String,
    /// `HH:MM` local.
    pub start: String,
}

/// How long GHL's free slots are reused.
const FREE_SLOTS_TTL: StdDuration = StdDuration::from_secs(180);

pub(crate) type SlotCache = HashMap<String, (Instant, Vec<FreeSlot>)>;

pub(crate) fn to_instant(date: &str, start: &str, zone: Tz) -> Result<DateTime<Utc>> {
    let day = time::parse_date(date)?;
    let at = parse_hhmm(start)?;
    use chrono::TimeZone;
    // A wall time inside a clock change's gap does not exist: say so rather
    // than book an hour the receptionist did not type. In the repeated hour
    // of a fall-back, the first occurrence is meant.
    match zone.from_local_datetime(&day.and_time(at)) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => {
            return Ok(t.with_timezone(&Utc))
        }
        chrono::LocalResult::None => {}
    }
    Err(messages::time_in_clock_change(start, date, zone))
}

impl Desk {
    /// The booking rules against what is typed, from the replica only: fast
    /// enough to run on every keystroke.
    pub fn check_booking(&self, req: &BookingRequest) -> Result<BookingCheck> {
        let (location, zone) = self.require_location()?;
        let settings = self.store.location_settings(&location.id)?;
        let start = to_instant(&req.date, &req.start, zone)?;
        let end = start + time::typed_minutes(req.duration_minutes)?;
        let contact_id = match &req.patient {
            Some(PatientChoice::Existing { contact_id }) => Some(contact_id.clone()),
            _ => None,
        };
        let findings = self.findings_for(
            &location.id,
            zone,
            &settings,
            BookingDraft {
                calendar_id: req.calendar_id.clone(),
                contact_id,
                start,
                end,
                moving_cita_id: None,
            },
        )?;
        let mut check = summarise(findings, settings.overlap_mode, start, end, zone);
        check.rooms = self
            .store
            .rooms_of_calendar(&req.calendar_id)?
            .into_iter()
            .filter(|r| r.is_active)
            .map(|r| r.name)
            .collect();
        Ok(check)
    }

    pub(crate) fn findings_for(
        &self,
        location_id: &str,
        zone: Tz,
        settings: &LocationSettings,
        draft: BookingDraft,
    ) -> Result<Vec<Finding>> {
        let calendars = self.store.calendar_rules(location_id, settings)?;
        let lo = draft.start.min(draft.end) - Duration::hours(12);
        let hi = draft.start.max(draft.end) + Duration::hours(12);
        let booked = self.store.booked_around(location_id, lo, hi)?;
        let mut findings = booking::check(
            &draft,
            &calendars,
            &booked,
            zone,
            settings.overlap_mode,
            self.locale(),
        );
        // The practice's findings (blocks, schedules, rooms) beside the
        // overlap rules, the most serious first as ever.
        if let Some(calendar) = calendars.iter().find(|c| c.id == draft.calendar_id) {
            let practice =
                self.store
                    .practice(location_id, lo.timestamp_millis(), hi.timestamp_millis())?;
            findings.extend(crate::practice::check(
                &draft,
                calendar,
                &practice,
                &booked,
                zone,
                settings.overlap_mode,
                self.locale(),
            ));
            findings.sort_by_key(|f| f.severity != Severity::Blocking);
        }
        Ok(findings)
    }

    /// Books a cita: the checks again, then the patient (new ones only after
    /// GHL's duplicate check) and the cita go into the outbox in one
    /// transaction, and are pushed at once when GHL can be reached.
    pub async fn book(&self, req: BookingRequest) -> Result<BookingOutcome> {
        let who = self.signature(crate::staff::Role::Recepcion)?;
        let (location, zone) = self.require_location()?;
        time::cita_minutes(req.duration_minutes)?;
        // A known patient must be in the replica: refused here, not by GHL.
        if let Some(PatientChoice::Existing { contact_id }) = &req.patient {
            if self.store.contact_fields(contact_id)?.is_none() {
                return Err(messages::patient_not_found());
            }
        }
        let check = self.check_booking(&req)?;
        let reason = gate(&check, req.override_reason.as_deref(), self.locale())?;
        let patient = req
            .patient
            .clone()
            .ok_or_else(messages::booking_patient_required)?;
        let start = to_instant(&req.date, &req.start, zone)?;
        let end = start + Duration::minutes(req.duration_minutes);
        let key = outbox::idempotency_key();
        let cita_id = outbox::new_local_id(&key);
        let practitioner = self
            .store
            .calendar_rules(&location.id, &LocationSettings::default())?
            .into_iter()
            .find(|c| c.id == req.calendar_id)
            .and_then(|c| c.practitioner_id);
        let new_contact = match &patient {
            PatientChoice::Existing { .. } => None,
            PatientChoice::New {
                first_name,
                last_name,
                phone,
                email,
            } => {
                let first = first_name.trim();
                if first.is_empty() {
                    return Err(messages::patient_name_required());
                }
                let phone = patient_phone(phone.as_deref())?;
                let email = email
                    .as_deref()
                    .map(str::trim)
                    .filter(|e| !e.is_empty())
                    .map(str::to_lowercase);
                if phone.is_none() && email.is_none() {
                    return Err(messages::patient_contact_required());
                }
                Some(NewContact {
                    location_id: location.id.clone(),
                    first_name: Some(first.to_string()),
                    last_name: Some(last_name.trim().to_string()).filter(|l| !l.is_empty()),
                    email,
                    phone,
                    source: Some("Citadesk".into()),
                })
            }
        };
        let contact_ref = match &patient {
            PatientChoice::Existing { contact_id } => contact_id.clone(),
            PatientChoice::New { .. } => outbox::new_local_id(&outbox::idempotency_key()),
        };
        let title = if req.title.trim().is_empty() {
            pick(self.locale(), "Cita".into(), "Appointment".into())
        } else {
            req.title.trim().to_string()
        };
        let plan = CitaCreate {
            calendar_id: req.calendar_id.clone(),
            contact_ref: contact_ref.clone(),
            start_ms: start.timestamp_millis(),
            end_ms: end.timestamp_millis(),
            title: title.clone(),
            notes: req.notes.clone(),
            assigned_user_id: practitioner.clone(),
            new_patient: new_contact.is_some(),
        };
        let row = CitaRow {
            id: cita_id.clone(),
            location_id: location.id.clone(),
            calendar_id: req.calendar_id.clone(),
            contact_id: Some(contact_ref.clone()),
            assigned_user_id: practitioner,
            title,
            status: "confirmed".into(),
            start,
            end,
            date_updated: None,
            raw: "{}".into(),
        };
        self.store.record(|w| {
            if let Some(nc) = &new_contact {
                let name = [nc.first_name.as_deref(), nc.last_name.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ");
                w.contact(
                    &contact_ref,
                    &location.id,
                    Some(&name),
                    nc.phone.as_deref(),
                    nc.email.as_deref(),
                    "{}",
                )?;
                w.queue(&NewWrite {
                    location_id: &location.id,
                    kind: WriteKind::CreateContact,
                    subject_id: &contact_ref,
                    payload: serde_json::to_string(nc).unwrap_or_default(),
                    actor: &who,
                    before: None,
                })?;
            }
            w.cita(&row, "pending_push")?;
            w.queue(&NewWrite {
                location_id: &location.id,
                kind: WriteKind::CreateCita,
                subject_id: &cita_id,
                payload: serde_json::to_string(&plan).unwrap_or_default(),
                actor: &who,
                before: None,
            })?;
            if let Some(reason) = &reason {
                w.audit(&AuditRecord {
                    location_id: &location.id,
                    cita_id: Some(&cita_id),
                    contact_id: Some(&contact_ref),
                    action: "override",
                    actor: &who,
                    before: None,
                    after: Some(
                        check
                            .findings
                            .iter()
                            .map(|f| f.code.as_str())
                            .collect::<Vec<_>>()
                            .join(","),
                    ),
                    ghl_answer: None,
                    reason: Some(reason),
                })?;
            }
            Ok(())
        })?;
        outbox::crash_point("after_outbox_recorded");
        let outcome = self.after_write(&location.id, zone, &cita_id).await?;
        self.reminders_after_change(&outcome.cita.id).await;
        Ok(outcome)
    }

    /// The next free slots of a calendar from GHL ("próximos huecos
    /// libres"), from `from` (default today) for 7 days, cached a few minutes.
    pub async fn free_slots(&self, calendar_id: &str, from: Option<&str>) -> Result<Vec<FreeSlot>> {
        let (location, zone) = self.require_location()?;
        let day = match from {
            Some(d) => time::parse_date(d)?,
            None => time::today_in(zone, Utc::now()),
        };
        let cache_key = format!("{calendar_id}:{day}");
        if let Some((at, slots)) = self.slot_cache.lock().unwrap().get(&cache_key) {
            if at.elapsed() < FREE_SLOTS_TTL {
                return Ok(slots.clone());
            }
        }
        let client = self.client_for(&location.id).await?;
        let (start, end) = time::days_range(day, 7, zone);
        let now = Utc::now();
        let found = client
            .free_slots(
                &location.id,
                calendar_id,
                start.max(now),
                end,
                &location.time_zone,
            )
            .await?;
        // GHL's slots already skip its blocks and follow its schedules; the
        // replica also knows blocks made here that GHL has not got yet.
        let practice = self.store.practice(
            &location.id,
            start.timestamp_millis(),
            end.timestamp_millis(),
        )?;
        let rules = self
            .store
            .calendar_rules(&location.id, &LocationSettings::default())?
            .into_iter()
            .find(|c| c.id == calendar_id);
        let length = Duration::minutes(self.slot_minutes(calendar_id)?);
        let mut slots = Vec::new();
        for (date, starts) in found {
            for s in starts {
                if let Ok(at) = time::parse_ghl_time(&s, zone) {
                    let allowed = rules.as_ref().is_none_or(|c| {
                        crate::practice::slot_allowed(c, &practice, at, at + length)
                    });
                    if at >= now && allowed {
                        slots.push(FreeSlot {
                            date: date.clone(),
                            start: time::hhmm(at, zone),
                        });
                    }
                }
            }
        }
        self.slot_cache
            .lock()
            .unwrap()
            .insert(cache_key, (Instant::now(), slots.clone()));
        Ok(slots)
    }

    /// The slot length of a calendar (the dialog's default duration).
    pub fn slot_minutes(&self, calendar_id: &str) -> Result<i64> {
        Ok(self.store.calendar_slot_minutes(calendar_id)?.unwrap_or(30))
    }
}

/// Blocks what may not be saved, and asks for a reason to go past warnings.
pub(crate) fn gate(
    check: &BookingCheck,
    override_reason: Option<&str>,
    _locale: Locale,
) -> Result<Option<String>> {
    if let Some(block) = check
        .findings
        .iter()
        .find(|f| f.severity == Severity::Blocking)
    {
        return Err(CoreError::Rejected {
            code: block.code,
            // Findings are already in the desk's language.
            es: block.message.clone(),
            en: block.message.clone(),
        });
    }
    if !check.needs_override {
        return Ok(None);
    }
    match override_reason.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => Ok(Some(r.to_string())),
        None => Err(CoreError::Rejected {
            code: crate::error::ErrorCode::BookingOverrideRequired,
            es: format!(
                "Hay avisos: {}. Para reservar igual, escriba el motivo.",
                check
                    .findings
                    .iter()
                    .map(|f| f.message.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            en: format!(
                "There are warnings: {}. To book anyway, type the reason.",
                check
                    .findings
                    .iter()
                    .map(|f| f.message.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        }),
    }
}

pub(crate) fn summarise(
    findings: Vec<Finding>,
    mode: OverlapMode,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    zone: Tz,
) -> BookingCheck {
    BookingCheck {
        can_save: booking::can_save(&findings),
        needs_override: findings.iter().any(|f| f.severity == Severity::Warning),
        findings,
        mode,
        start_local: Some(time::local_string(start, zone)),
        end_local: Some(time::local_string(end, zone)),
        rooms: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::America::{Lima, New_York, Santiago};

    #[test]
    fn wall_times_become_instants_in_the_location_zone() {
        let t = to_instant("2026-11-23", "09:30", Lima).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-23T14:30:00+00:00");
        // New York springs forward at 02:00 on 8 March 2026: 02:30 does not exist.
        let gap = to_instant("2026-03-08", "02:30", New_York).unwrap_err();
        assert_eq!(gap.code(), "input.invalid_time");
        assert!(gap.message(Locale::EsPe).contains("cambio de hora"));
        // Santiago falls back on 5 April 2026 (00:00 → 23:00 the day before):
        // a time on either side of the change is still one instant.
        let before = to_instant("2026-04-04", "22:30", Santiago).unwrap();
        let after = to_instant("2026-04-05", "09:00", Santiago).unwrap();
        assert_eq!((after - before).num_minutes(), 11 * 60 + 30);
        assert_eq!(
            parse_hhmm("25:00").unwrap_err().code(),
            "input.invalid_time"
        );
    }

    #[test]
    fn warnings_need_a_reason_and_blocks_never_pass() {
        let warn = Finding {
            code: crate::error::ErrorCode::BookingOverlap,
            severity: Severity::Warning,
            message: "Se cruza".into(),
            conflicting_cita_id: Some("x".into()),
        };
        let check = |f: Vec<Finding>| BookingCheck {
            can_save: booking::can_save(&f),
            needs_override: f.iter().any(|x| x.severity == Severity::Warning),
            findings: f,
            mode: OverlapMode::Flexible,
            start_local: None,
            end_local: None,
            rooms: Vec::new(),
        };
        assert!(gate(&check(vec![]), None, Locale::EsPe).unwrap().is_none());
        let e = gate(&check(vec![warn.clone()]), Some("  "), Locale::EsPe).unwrap_err();
        assert_eq!(e.code(), "booking.override_required");
        assert_eq!(
            gate(&check(vec![warn.clone()]), Some(" urgente "), Locale::EsPe).unwrap(),
            Some("urgente".into())
        );
        let block = Finding {
            severity: Severity::Blocking,
            ..warn
        };
        let e = gate(&check(vec![block]), Some("urgente"), Locale::EsPe).unwrap_err();
        assert_eq!(e.code(), "booking.overlap");
    }
}
