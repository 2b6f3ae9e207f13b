//! The receptionist's actions over the replica and the outbox: check a
//! booking as it is typed, book (new or known patient), move, cancel,
//! change status, read a cita's audit trail, the location's settings and the
//! next free slots. The app's commands and the CLI call these.

use std::collections::HashMap;
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, NaiveTime, Utc};
use chrono_tz::Tz;
use citadesk_ghl::models::{HourRange, OpenHours};
use citadesk_ghl::NewContact;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::booking::{
    self, BookedCita, BookingDraft, CalendarRules, Finding, OverlapMode, Severity,
};
use crate::desk::Desk;
use crate::error::{CoreError, Result};
use crate::model::{CitaView, ErrorPayload, Locale, SyncState};
use crate::outbox::{self, AuditRecord, CitaCreate, CitaUpdate, NewWrite, PushReport, WriteKind};
use crate::store::{CitaRow, Store};
use crate::{patients, time};

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

/// A patient's basic fields as edited at the desk (absent: unchanged).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PatientEdit {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
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

/// One line of a cita's audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AuditEntry {
    #[ts(type = "number")]
    pub id: i64,
    pub cita_id: Option<String>,
    pub action: String,
    pub actor: String,
    /// `YYYY-MM-DDTHH:MM:SS` in the location's zone.
    pub at_local: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub ghl_answer: Option<String>,
    pub reason: Option<String>,
}

/// A location's front-desk settings. The zone always comes from GHL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LocationSettings {
    pub overlap_mode: OverlapMode,
    pub default_calendar_id: Option<String>,
    /// `HH:MM`, used for calendars GHL gives no open hours.
    pub fallback_open: String,
    pub fallback_close: String,
    /// `HH:MM` local: the daily reconciliation.
    pub reconcile_at: String,
    #[ts(type = "number")]
    pub reconcile_days_back: i64,
    #[ts(type = "number")]
    pub reconcile_days_ahead: i64,
}

impl Default for LocationSettings {
    fn default() -> Self {
        Self {
            overlap_mode: OverlapMode::Flexible,
            default_calendar_id: None,
            fallback_open: "08:00".into(),
            fallback_close: "20:00".into(),
            reconcile_at: "06:30".into(),
            reconcile_days_back: 1,
            reconcile_days_ahead: 30,
        }
    }
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

/// A refused outbox row as stored.
pub struct RefusedRow {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    pub code: String,
    pub message: String,
}

/// How long GHL's free slots are reused.
const FREE_SLOTS_TTL: StdDuration = StdDuration::from_secs(180);

pub(crate) type SlotCache = HashMap<String, (Instant, Vec<FreeSlot>)>;

fn parse_hhmm(s: &str) -> Result<NaiveTime> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M").map_err(|_| CoreError::Rejected {
        code: "input.invalid_time".into(),
        es: format!("Hora no válida «{s}»: use HH:MM."),
        en: format!("Invalid time {s:?}: use HH:MM."),
    })
}

fn to_instant(date: &str, start: &str, zone: Tz) -> Result<DateTime<Utc>> {
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
    Err(CoreError::Rejected {
        code: "input.invalid_time".into(),
        es: format!("La hora {start} del {date} no existe en la zona {zone} (cambio de hora)."),
        en: format!("{start} on {date} does not exist in {zone} (clock change)."),
    })
}

/// The name the audit log records: the desk's configured user, else the OS account.
pub fn actor(store: &Store) -> String {
    store
        .setting("desk_user")
        .ok()
        .flatten()
        .filter(|s| !s.trim().is_empty())
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("USERNAME").ok())
        .unwrap_or_else(|| "recepcion".into())
}

impl Store {
    pub fn location_settings(&self, location_id: &str) -> Result<LocationSettings> {
        self.with(|c| {
            c.query_row(
                "SELECT overlap_mode, default_calendar_id, fallback_open, fallback_close, reconcile_at,
                        reconcile_days_back, reconcile_days_ahead
                 FROM location_settings WHERE location_id = ?1",
                [location_id],
                |r| {
                    Ok(LocationSettings {
                        overlap_mode: if r.get::<_, String>(0)? == "strict" {
                            OverlapMode::Strict
                        } else {
                            OverlapMode::Flexible
                        },
                        default_calendar_id: r.get(1)?,
                        fallback_open: r.get(2)?,
                        fallback_close: r.get(3)?,
                        reconcile_at: r.get(4)?,
                        reconcile_days_back: r.get(5)?,
                        reconcile_days_ahead: r.get(6)?,
                    })
                },
            )
            .optional()
        })
        .map(Option::unwrap_or_default)
    }

    pub fn save_location_settings(&self, location_id: &str, s: &LocationSettings) -> Result<()> {
        self.with(|c| {
            c.execute(
                "INSERT INTO location_settings (location_id, overlap_mode, default_calendar_id, fallback_open,
                    fallback_close, reconcile_at, reconcile_days_back, reconcile_days_ahead)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (location_id) DO UPDATE SET overlap_mode = excluded.overlap_mode,
                   default_calendar_id = excluded.default_calendar_id, fallback_open = excluded.fallback_open,
                   fallback_close = excluded.fallback_close, reconcile_at = excluded.reconcile_at,
                   reconcile_days_back = excluded.reconcile_days_back, reconcile_days_ahead = excluded.reconcile_days_ahead",
                params![
                    location_id,
                    if s.overlap_mode == OverlapMode::Strict { "strict" } else { "flexible" },
                    s.default_calendar_id,
                    s.fallback_open,
                    s.fallback_close,
                    s.reconcile_at,
                    s.reconcile_days_back,
                    s.reconcile_days_ahead
                ],
            )
            .map(drop)
        })
    }

    /// The rules' view of the location's calendars, with the fallback hours
    /// filled in where GHL gives none.
    pub fn calendar_rules(
        &self,
        location_id: &str,
        settings: &LocationSettings,
    ) -> Result<Vec<CalendarRules>> {
        let fallback = fallback_hours(settings);
        self.with(|c| {
            let mut st = c.prepare(
                "SELECT id, name, is_active, primary_user_id, open_hours FROM calendars WHERE location_id = ?1",
            )?;
            let rows = st.query_map([location_id], |r| {
                let open: String = r.get(4)?;
                let mut hours: Vec<OpenHours> = serde_json::from_str(&open).unwrap_or_default();
                if hours.is_empty() {
                    hours = fallback.clone();
                }
                Ok(CalendarRules {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    is_active: r.get::<_, i64>(2)? != 0,
                    practitioner_id: r.get(3)?,
                    open_hours: hours,
                })
            })?;
            rows.collect()
        })
    }

    /// Citas of the location that could collide with `[start, end)`.
    pub fn booked_around(
        &self,
        location_id: &str,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<Vec<BookedCita>> {
        self.with(|c| {
            let mut st = c.prepare_cached(
                "SELECT id, calendar_id, assigned_user_id, contact_id, title, status, start_ms, end_ms
                 FROM citas WHERE location_id = ?1 AND start_ms < ?3 AND end_ms > ?2",
            )?;
            let rows = st.query_map(
                params![location_id, start.timestamp_millis(), end.timestamp_millis()],
                |r| {
                    Ok(BookedCita {
                        id: r.get(0)?,
                        calendar_id: r.get(1)?,
                        assigned_user_id: r.get(2)?,
                        contact_id: r.get(3)?,
                        title: r.get(4)?,
                        status: r.get(5)?,
                        start: time::from_ms(r.get(6)?),
                        end: time::from_ms(r.get(7)?),
                    })
                },
            )?;
            rows.collect()
        })
    }

    pub fn audit_for(&self, cita_id: &str, zone: Tz) -> Result<Vec<AuditEntry>> {
        self.with(|c| {
            let mut st = c.prepare(
                "SELECT id, cita_id, action, actor, at, before, after, ghl_answer, reason
                 FROM audit_log WHERE cita_id = ?1 ORDER BY id",
            )?;
            let rows = st.query_map([cita_id], |r| {
                Ok(AuditEntry {
                    id: r.get(0)?,
                    cita_id: r.get(1)?,
                    action: r.get(2)?,
                    actor: r.get(3)?,
                    at_local: time::local_string(time::from_ms(r.get(4)?), zone),
                    before: r.get(5)?,
                    after: r.get(6)?,
                    ghl_answer: r.get(7)?,
                    reason: r.get(8)?,
                })
            })?;
            rows.collect()
        })
    }

    pub fn cita_view(&self, id: &str, zone: Tz) -> Result<Option<CitaView>> {
        self.with(|c| {
            c.query_row(
                &format!("{} WHERE ci.id = ?1", crate::store::CITA_VIEW_SELECT),
                [id],
                |r| crate::store::cita_view_row(r, zone),
            )
            .optional()
        })
    }

    /// Refused writes not yet acknowledged, oldest first.
    pub fn unacknowledged_refusals(&self, location_id: &str) -> Result<Vec<RefusedRow>> {
        self.with(|c| {
            let mut st = c.prepare(
                "SELECT id, kind, payload, COALESCE(last_error_code, ''), COALESCE(last_error, '') FROM outbox
                 WHERE location_id = ?1 AND state = 'refused' AND acknowledged = 0 ORDER BY id",
            )?;
            let rows = st.query_map([location_id], |r| {
                Ok(RefusedRow {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    payload: r.get(2)?,
                    code: r.get(3)?,
                    message: r.get(4)?,
                })
            })?;
            rows.collect()
        })
    }

    pub fn unacknowledged_refusal_count(&self, location_id: &str) -> Result<u32> {
        self.with(|c| {
            c.query_row(
                "SELECT COUNT(*) FROM outbox WHERE location_id = ?1 AND state = 'refused' AND acknowledged = 0",
                [location_id],
                |r| r.get(0),
            )
        })
    }

    pub fn acknowledge_refusal(&self, outbox_id: i64) -> Result<()> {
        self.with(|c| {
            c.execute(
                "UPDATE outbox SET acknowledged = 1 WHERE id = ?1",
                [outbox_id],
            )
            .map(drop)
        })
    }

    fn contact_name(&self, id: &str) -> Result<Option<String>> {
        self.with(|c| {
            c.query_row(
                "SELECT display_name FROM contacts WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()
            .map(Option::flatten)
        })
    }

    fn calendar_slot_minutes(&self, id: &str) -> Result<Option<i64>> {
        self.with(|c| {
            c.query_row(
                "SELECT slot_minutes FROM calendars WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()
        })
    }
}

/// A typed phone in E.164 (default country PE), or a message saying how to type it.
fn patient_phone(input: Option<&str>) -> Result<Option<String>> {
    let Some(p) = input.map(str::trim).filter(|p| !p.is_empty()) else {
        return Ok(None);
    };
    patients::normalize_phone(p, "PE").map(Some).ok_or_else(|| CoreError::Rejected {
        code: "patient.invalid_phone".into(),
        es: format!("El teléfono «{p}» no es válido. Escríbalo con código de país (+51 …) o como celular peruano de 9 dígitos."),
        en: format!("The phone {p:?} is not valid. Type it with the country code (+51 …) or as a 9-digit Peruvian mobile."),
    })
}

fn patient_not_found() -> CoreError {
    CoreError::Rejected {
        code: "patient.not_found".into(),
        es: "Ese paciente no está en la agenda local. Búsquelo de nuevo.".into(),
        en: "That patient is not in the local agenda. Search again.".into(),
    }
}

/// A plausible address, lower-cased; GHL would refuse a broken one only
/// later, from the outbox, after the desk has moved on.
fn patient_email(input: Option<&str>) -> Result<Option<String>> {
    let Some(e) = input.map(str::trim).filter(|e| !e.is_empty()) else {
        return Ok(None);
    };
    let valid = match e.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !e.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if valid {
        Ok(Some(e.to_lowercase()))
    } else {
        Err(CoreError::Rejected {
            code: "patient.invalid_email".into(),
            es: format!("El correo «{e}» no es válido. Escríbalo como nombre@dominio.pe."),
            en: format!("The email {e:?} is not valid. Type it as name@domain.com."),
        })
    }
}

fn fallback_hours(s: &LocationSettings) -> Vec<OpenHours> {
    let (Ok(open), Ok(close)) = (parse_hhmm(&s.fallback_open), parse_hhmm(&s.fallback_close))
    else {
        return Vec::new();
    };
    use chrono::Timelike;
    vec![OpenHours {
        days_of_the_week: (0..7).collect(),
        hours: vec![HourRange {
            open_hour: open.hour() as _,
            open_minute: open.minute() as _,
            close_hour: close.hour() as _,
            close_minute: close.minute() as _,
        }],
    }]
}

fn pick(locale: Locale, es: String, en: String) -> String {
    if locale == Locale::En {
        en
    } else {
        es
    }
}

impl Desk {
    pub fn location_settings(&self) -> Result<LocationSettings> {
        let (location, _) = self.require_location()?;
        self.store.location_settings(&location.id)
    }

    pub fn set_location_settings(&self, settings: LocationSettings) -> Result<LocationSettings> {
        let (location, _) = self.require_location()?;
        parse_hhmm(&settings.fallback_open)?;
        parse_hhmm(&settings.fallback_close)?;
        parse_hhmm(&settings.reconcile_at)?;
        if !(0..=60).contains(&settings.reconcile_days_back)
            || !(0..=365).contains(&settings.reconcile_days_ahead)
        {
            return Err(CoreError::Rejected {
                code: "input.invalid_window".into(),
                es: "La ventana de reconciliación debe ir de 0 a 60 días atrás y de 0 a 365 adelante.".into(),
                en: "The reconciliation window must be 0 to 60 days back and 0 to 365 ahead.".into(),
            });
        }
        self.store.save_location_settings(&location.id, &settings)?;
        Ok(settings)
    }

    /// The booking rules against what is typed, from the replica only: fast
    /// enough to run on every keystroke.
    pub fn check_booking(&self, req: &BookingRequest) -> Result<BookingCheck> {
        let (location, zone) = self.require_location()?;
        let settings = self.store.location_settings(&location.id)?;
        let start = to_instant(&req.date, &req.start, zone)?;
        let end = start + Duration::minutes(req.duration_minutes);
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
        Ok(summarise(findings, settings.overlap_mode, start, end, zone))
    }

    fn findings_for(
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
        Ok(booking::check(
            &draft,
            &calendars,
            &booked,
            zone,
            settings.overlap_mode,
            self.locale(),
        ))
    }

    /// Books a cita: the checks again, then the patient (new ones only after
    /// GHL's duplicate check) and the cita go into the outbox in one
    /// transaction, and are pushed at once when GHL can be reached.
    pub async fn book(&self, req: BookingRequest) -> Result<BookingOutcome> {
        let (location, zone) = self.require_location()?;
        let check = self.check_booking(&req)?;
        let reason = gate(&check, req.override_reason.as_deref(), self.locale())?;
        let patient = req.patient.clone().ok_or_else(|| CoreError::Rejected {
            code: "booking.patient_required".into(),
            es: "Elija un paciente o registre uno nuevo.".into(),
            en: "Choose a patient or register a new one.".into(),
        })?;
        let start = to_instant(&req.date, &req.start, zone)?;
        let end = start + Duration::minutes(req.duration_minutes);
        let who = actor(&self.store);
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
                    return Err(CoreError::Rejected {
                        code: "patient.name_required".into(),
                        es: "Escriba al menos el nombre del paciente.".into(),
                        en: "Type at least the patient's first name.".into(),
                    });
                }
                let phone = patient_phone(phone.as_deref())?;
                let email = email
                    .as_deref()
                    .map(str::trim)
                    .filter(|e| !e.is_empty())
                    .map(str::to_lowercase);
                if phone.is_none() && email.is_none() {
                    return Err(CoreError::Rejected {
                        code: "patient.contact_required".into(),
                        es: "Escriba el teléfono o el correo del paciente: GHL los usa para no duplicarlo.".into(),
                        en: "Type the patient's phone or email: GHL uses them to avoid duplicates.".into(),
                    });
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
        self.store.with(|c| {
            let tx = c.transaction()?;
            if let Some(nc) = &new_contact {
                let name = [nc.first_name.as_deref(), nc.last_name.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ");
                crate::store::write_contact(
                    &tx,
                    &contact_ref,
                    &location.id,
                    Some(&name),
                    nc.phone.as_deref(),
                    nc.email.as_deref(),
                    "{}",
                )?;
                outbox::insert_write(
                    &tx,
                    &NewWrite {
                        location_id: &location.id,
                        kind: WriteKind::CreateContact,
                        subject_id: &contact_ref,
                        payload: serde_json::to_string(nc).unwrap_or_default(),
                        actor: &who,
                        before: None,
                    },
                )?;
            }
            crate::store::upsert_cita_row(&tx, &row, "pending_push")?;
            outbox::insert_write(
                &tx,
                &NewWrite {
                    location_id: &location.id,
                    kind: WriteKind::CreateCita,
                    subject_id: &cita_id,
                    payload: serde_json::to_string(&plan).unwrap_or_default(),
                    actor: &who,
                    before: None,
                },
            )?;
            if let Some(reason) = &reason {
                outbox::insert_audit(
                    &tx,
                    &AuditRecord {
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
                    },
                )?;
            }
            tx.commit()
        })?;
        outbox::crash_point("after_outbox_recorded");
        self.after_write(&location.id, zone, &cita_id).await
    }

    /// Moves, cancels or changes the status of a cita: shown at once, sent
    /// through the outbox.
    pub async fn change_cita(&self, cita_id: &str, action: CitaAction) -> Result<BookingOutcome> {
        let (location, zone) = self.require_location()?;
        let id = self
            .store
            .resolve_id(cita_id)?
            .unwrap_or_else(|| cita_id.to_string());
        let (_, before, _) = self
            .store
            .cita_snapshot(&id)?
            .or(self.store.cita_snapshot(cita_id)?)
            .ok_or_else(|| CoreError::Rejected {
                code: "cita.not_found".into(),
                es: "Esa cita ya no está en la agenda (¿se borró en GHL?). Sincronice y vuelva a intentar.".into(),
                en: "That cita is no longer in the agenda (deleted in GHL?). Sync and try again.".into(),
            })?;
        let who = actor(&self.store);
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
                let e = s + Duration::minutes(*duration_minutes);
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
                    return Err(CoreError::Rejected {
                        code: "cita.cancel_reason_required".into(),
                        es: "Escriba el motivo de la cancelación.".into(),
                        en: "Type the reason for the cancellation.".into(),
                    });
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
                    return Err(CoreError::Rejected {
                        code: "cita.invalid_status".into(),
                        es: format!(
                            "Estado «{status}» no válido: use confirmada, asistió o no asistió."
                        ),
                        en: format!("Invalid status {status:?}: use confirmed, showed or no-show."),
                    });
                }
                update.action = "status".into();
                update.status = Some(status.clone());
                after.status = status.clone();
            }
        }
        let before_json = serde_json::to_string(&before).unwrap_or_default();
        let after_json = serde_json::to_string(&after).unwrap_or_default();
        let subject = before.id.clone();
        self.store.with(|c| {
            let tx = c.transaction()?;
            tx.execute(
                "UPDATE citas SET calendar_id = ?2, status = ?3, start_ms = ?4, end_ms = ?5, sync_state = 'pending_push'
                 WHERE id = ?1",
                params![subject, after.calendar_id, after.status, after.start_ms, after.end_ms],
            )?;
            outbox::insert_write(
                &tx,
                &NewWrite {
                    location_id: &location.id,
                    kind: WriteKind::UpdateCita,
                    subject_id: &subject,
                    payload: serde_json::to_string(&update).unwrap_or_default(),
                    actor: &who,
                    before: Some(before_json.clone()),
                },
            )?;
            if let Some(r) = &reason {
                outbox::insert_audit(
                    &tx,
                    &AuditRecord {
                        location_id: &location.id,
                        cita_id: Some(&subject),
                        contact_id: before.contact_id.as_deref(),
                        action: if update.action == "cancel" { "cancel_requested" } else { "override" },
                        actor: &who,
                        before: Some(before_json.clone()),
                        after: Some(after_json.clone()),
                        ghl_answer: None,
                        reason: Some(r),
                    },
                )?;
            }
            tx.commit()
        })?;
        self.after_write(&location.id, zone, &subject).await
    }

    /// Sends what the outbox holds, tells the UI, and says what became of `cita_id`.
    async fn after_write(
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
                code: r.code.clone(),
                es: outbox::refusal_message(&r, &what, Locale::EsPe),
                en: outbox::refusal_message(&r, &what, Locale::En),
            });
        }
        let cita = self
            .store
            .cita_view(&final_id, zone)?
            .ok_or_else(|| CoreError::Rejected {
                code: "cita.not_found".into(),
                es: "La cita no quedó en la agenda. Sincronice y revise.".into(),
                en: "The cita did not stay in the agenda. Sync and check.".into(),
            })?;
        let confirmed = cita.sync_state == SyncState::Synced;
        let notice = match report {
            Ok(PushReport {
                stopped_by: Some(e),
                ..
            }) if !confirmed => Some(ErrorPayload {
                code: "booking.pending_sync".into(),
                message: if e.is_offline() {
                    pick(locale, "Sin conexión con GHL: la cita quedó guardada como «pendiente de sincronizar» y se enviará al volver la conexión.".into(),
                        "No connection to GHL: the cita is saved as \"pending sync\" and will be sent when the connection is back.".into())
                } else {
                    pick(locale, format!("GHL no respondió ({}): la cita quedó «pendiente de sincronizar» y se reintentará sola.", e.code()),
                        format!("GHL did not answer ({}): the cita is saved as \"pending sync\" and will be retried.", e.code()))
                },
            }),
            Err(e) if !confirmed => Some(ErrorPayload {
                code: "booking.pending_sync".into(),
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

    fn describe_subject(&self, cita_id: &str, zone: Tz) -> String {
        match self.store.cita_snapshot(cita_id).ok().flatten() {
            Some((_, s, _)) => self.describe(s.contact_id.as_deref(), s.start_ms, zone),
            None => cita_id.to_string(),
        }
    }

    /// "Patient name YYYY-MM-DD HH:MM:SS" for messages about a cita.
    fn describe(&self, contact_id: Option<&str>, start_ms: i64, zone: Tz) -> String {
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
        let report = outbox::push(&client, &self.store, &location_id, zone).await?;
        if report.sent > 0 || !report.refused.is_empty() {
            tracing::info!(location = %location_id, sent = report.sent, refused = report.refused.len(), "outbox pushed");
            if let Some(n) = self.notifier() {
                n.replica_changed(&location_id);
            }
            self.notify_status_now();
        }
        Ok(report)
    }

    pub fn cita_audit(&self, cita_id: &str) -> Result<Vec<AuditEntry>> {
        let (_, zone) = self.require_location()?;
        let id = self
            .store
            .resolve_id(cita_id)?
            .unwrap_or_else(|| cita_id.to_string());
        self.store.audit_for(&id, zone)
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
                    let r = outbox::Refusal {
                        outbox_id: id,
                        subject_id: String::new(),
                        kind,
                        code: code.clone(),
                        ghl_message: message,
                    };
                    RefusedWrite {
                        outbox_id: id,
                        code,
                        message: outbox::refusal_message(&r, &what, locale),
                    }
                },
            )
            .collect())
    }

    pub fn acknowledge_refusal(&self, outbox_id: i64) -> Result<()> {
        self.store.acknowledge_refusal(outbox_id)?;
        self.notify_status_now();
        Ok(())
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
        let mut slots = Vec::new();
        for (date, starts) in found {
            for s in starts {
                if let Ok(at) = time::parse_ghl_time(&s, zone) {
                    if at >= now {
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

    /// Patients from GHL's own search (after the local one), kept in the replica.
    pub async fn search_patients_in_ghl(
        &self,
        query: &str,
    ) -> Result<Vec<crate::model::PatientView>> {
        let (location, _) = self.require_location()?;
        let client = self.client_for(&location.id).await?;
        let page = client
            .search_contacts(&location.id, Some(query), 1, 20)
            .await?;
        for c in &page.contacts {
            self.store.save_ghl_contact(&location.id, c)?;
        }
        Ok(page
            .contacts
            .iter()
            .map(|c| crate::model::PatientView {
                id: c.id.clone(),
                name: c.display_name(),
                phone: c.phone.clone(),
                email: c.email.clone(),
            })
            .collect())
    }

    /// A patient's basic fields as the edit form starts from: the names as
    /// GHL keeps them (first and last apart), the desk's own pending edit
    /// included.
    pub fn patient(&self, contact_id: &str) -> Result<PatientEdit> {
        // Display name, phone, email, GHL's record.
        type Row = (Option<String>, Option<String>, Option<String>, String);
        let row: Option<Row> = self.store.with(|c| {
            c.query_row(
                "SELECT display_name, phone, email, raw FROM contacts WHERE id = ?1",
                [contact_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()
        })?;
        let (name, phone, email, raw) = row.ok_or_else(patient_not_found)?;
        let raw: serde_json::Value = serde_json::from_str(&raw).unwrap_or_default();
        let text = |k: &str| {
            raw[k]
                .as_str()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
        };
        let (first_name, last_name) = match (text("firstName"), text("lastName")) {
            (None, None) => (name, None),
            names => names,
        };
        Ok(PatientEdit {
            first_name,
            last_name,
            phone,
            email,
        })
    }

    /// Edits a patient's basic fields: shown at once, sent to GHL through
    /// the outbox (the phone normalised to E.164 first).
    pub async fn update_patient(
        &self,
        contact_id: &str,
        edit: PatientEdit,
    ) -> Result<crate::model::PatientView> {
        let (location, _) = self.require_location()?;
        let phone = patient_phone(edit.phone.as_deref())?;
        let email = patient_email(edit.email.as_deref())?;
        let clean = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let change = citadesk_ghl::ContactChange {
            first_name: clean(edit.first_name),
            last_name: clean(edit.last_name),
            email,
            phone,
        };
        let current = self
            .store
            .search_contacts_by_id(contact_id)?
            .ok_or_else(patient_not_found)?;
        let who = actor(&self.store);
        let name = match (&change.first_name, &change.last_name) {
            (None, None) => current.name.clone(),
            (f, l) => Some(
                [f.as_deref(), l.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
        };
        let phone = change.phone.clone().or(current.phone.clone());
        let email = change.email.clone().or(current.email.clone());
        self.store.with(|c| {
            let tx = c.transaction()?;
            // The names go into the kept GHL record too, so the edit form
            // shows them apart until GHL's answer replaces it.
            let raw: String = tx.query_row("SELECT raw FROM contacts WHERE id = ?1", [contact_id], |r| r.get(0))?;
            let mut raw: serde_json::Value = serde_json::from_str(&raw).unwrap_or_default();
            if let Some(obj) = raw.as_object_mut() {
                for (k, v) in [("firstName", &change.first_name), ("lastName", &change.last_name)] {
                    if let Some(v) = v {
                        obj.insert(k.into(), serde_json::Value::String(v.clone()));
                    }
                }
            }
            tx.execute(
                "UPDATE contacts SET display_name = ?2, phone = ?3, email = ?4, search_key = ?5, raw = ?6 WHERE id = ?1",
                params![contact_id, name, phone, email, patients::search_key(name.as_deref(), email.as_deref(), phone.as_deref()), raw.to_string()],
            )?;
            outbox::insert_write(&tx, &NewWrite {
                location_id: &location.id,
                kind: WriteKind::UpdateContact,
                subject_id: contact_id,
                payload: serde_json::to_string(&change).unwrap_or_default(),
                actor: &who,
                before: Some(serde_json::to_string(&current).unwrap_or_default()),
            })?;
            tx.commit()
        })?;
        let _ = self.push_outbox().await;
        Ok(crate::model::PatientView {
            id: contact_id.to_string(),
            name,
            phone,
            email,
        })
    }

    /// The slot length of a calendar (the dialog's default duration).
    pub fn slot_minutes(&self, calendar_id: &str) -> Result<i64> {
        Ok(self.store.calendar_slot_minutes(calendar_id)?.unwrap_or(30))
    }
}

/// Blocks what may not be saved, and asks for a reason to go past warnings.
fn gate(
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
            code: block.code.clone(),
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
            code: "booking.override_required".into(),
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

fn summarise(
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
            code: "booking.overlap".into(),
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
