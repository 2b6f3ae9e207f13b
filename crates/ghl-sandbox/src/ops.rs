//! Changes to the world, shared by GHL's endpoints and the admin API ("as if
//! done in GHL's web UI"): citas, contacts, slots, duplicates.
//!
//! Each write stamps `dateUpdated` strictly later than the record's previous
//! one (clients order by it), and returns the record for the webhook.

use chrono::{DateTime, Datelike, Duration, NaiveDate, SubsecRound, Utc};
use serde_json::{Map, Value};

use crate::errors::GhlError;
use crate::model::{Appointment, BlockSlot, Calendar, Contact, CreatedBy, CustomFieldValue};
use crate::seed::{local_instant, slot_starts};
use crate::state::World;
use crate::webhooks::WebhookEvent;
use crate::wire;

/// GHL's answer when a cita does not fit a free slot.
pub const SLOT_TAKEN: &str = "The slot you have selected is no longer available.";
/// GHL's answer when a contact would duplicate another.
pub const DUPLICATE_CONTACT: &str = "This location does not allow duplicated contacts.";

/// A change worth a webhook.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    AppointmentCreate(Appointment),
    AppointmentUpdate(Appointment),
    AppointmentDelete(Appointment),
    ContactCreate(Contact),
    ContactUpdate(Contact),
    ContactDelete(Contact),
    /// A patient's message (admin `POST /_sandbox/conversations/inbound`).
    InboundMessage(crate::model::Message),
}

impl Change {
    pub fn webhook(&self, world: &World) -> WebhookEvent {
        match self {
            Change::AppointmentCreate(a) => {
                wire::webhook_appointment("AppointmentCreate", a, world.zone_of(&a.location_id))
            }
            Change::AppointmentUpdate(a) => {
                wire::webhook_appointment("AppointmentUpdate", a, world.zone_of(&a.location_id))
            }
            Change::AppointmentDelete(a) => {
                wire::webhook_appointment("AppointmentDelete", a, world.zone_of(&a.location_id))
            }
            Change::ContactCreate(c) => wire::webhook_contact("ContactCreate", c),
            Change::ContactUpdate(c) => wire::webhook_contact("ContactUpdate", c),
            Change::ContactDelete(c) => wire::webhook_contact("ContactDelete", c),
            Change::InboundMessage(m) => wire::webhook_inbound_message(m),
        }
    }
}

/// Event times are shown to the second: a later write must be at least a
/// second later to be seen as later.
pub fn next_event_stamp(previous: Option<DateTime<Utc>>) -> DateTime<Utc> {
    let now = Utc::now().trunc_subsecs(0);
    match previous {
        Some(p) if p.trunc_subsecs(0) + Duration::seconds(1) > now => {
            p.trunc_subsecs(0) + Duration::seconds(1)
        }
        _ => now,
    }
}

/// Contact dates are shown to the millisecond.
pub fn next_contact_stamp(previous: Option<DateTime<Utc>>) -> DateTime<Utc> {
    let now = Utc::now().trunc_subsecs(3);
    match previous {
        Some(p) if p.trunc_subsecs(3) + Duration::milliseconds(1) > now => {
            p.trunc_subsecs(3) + Duration::milliseconds(1)
        }
        _ => now,
    }
}

// ---------------------------------------------------------------------------
// JSON bodies, checked as GHL's validators do

/// A validator's verdict as a 400 `BadRequestDTO`: every problem, comma-joined
/// (none: Ok). Shared by the body and query checks.
pub(crate) fn problems_400(problems: &mut Vec<String>) -> Result<(), GhlError> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(GhlError::BadRequest(std::mem::take(problems).join(", ")))
    }
}

/// A validator's verdict as a 422 `UnprocessableDTO` (none: Ok).
pub(crate) fn problems_422(problems: &mut Vec<String>) -> Result<(), GhlError> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(GhlError::Unprocessable(std::mem::take(problems)))
    }
}

/// Collects every problem of a JSON body, then answers 400 or 422.
pub struct BodyCheck<'a> {
    body: &'a Map<String, Value>,
    pub problems: Vec<String>,
}

impl<'a> BodyCheck<'a> {
    pub fn new(body: &'a Map<String, Value>) -> Self {
        Self {
            body,
            problems: Vec::new(),
        }
    }

    /// Parse a request body that must be a JSON object.
    pub fn parse(raw: &[u8]) -> Result<Map<String, Value>, GhlError> {
        if raw.iter().all(u8::is_ascii_whitespace) {
            return Ok(Map::new());
        }
        match serde_json::from_slice::<Value>(raw) {
            Ok(Value::Object(map)) => Ok(map),
            Ok(_) => Err(GhlError::BadRequest("Body must be a JSON object".into())),
            Err(e) => Err(GhlError::BadRequest(format!(
                "Unexpected token in JSON: {e}"
            ))),
        }
    }

    pub fn has(&self, name: &str) -> bool {
        self.body.get(name).is_some_and(|v| !v.is_null())
    }

    pub fn string(&mut self, name: &str) -> Option<String> {
        match self.body.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                self.problems.push(format!("{name} must be a string"));
                None
            }
        }
    }

    pub fn required_string(&mut self, name: &str) -> Option<String> {
        match self.string(name) {
            Some(s) if !s.trim().is_empty() => Some(s),
            Some(_) => {
                self.problems.push(format!("{name} should not be empty"));
                None
            }
            None => {
                if !self.body.contains_key(name) || self.body[name].is_null() {
                    self.problems.push(format!("{name} should not be empty"));
                }
                None
            }
        }
    }

    pub fn bool(&mut self, name: &str) -> Option<bool> {
        match self.body.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => {
                self.problems
                    .push(format!("{name} must be a boolean value"));
                None
            }
        }
    }

    pub fn number(&mut self, name: &str) -> Option<f64> {
        match self.body.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => n.as_f64(),
            Some(_) => {
                self.problems.push(format!(
                    "{name} must be a number conforming to the specified constraints"
                ));
                None
            }
        }
    }

    pub fn strings(&mut self, name: &str) -> Option<Vec<String>> {
        match self.body.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::Array(items)) if items.iter().all(Value::is_string) => Some(
                items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect(),
            ),
            Some(_) => {
                self.problems
                    .push(format!("each value in {name} must be a string"));
                None
            }
        }
    }

    pub fn one_of(&mut self, name: &str, allowed: &[&str]) -> Option<String> {
        let value = self.string(name)?;
        if allowed.contains(&value.as_str()) {
            Some(value)
        } else {
            self.problems.push(format!(
                "{name} must be one of the following values: {}",
                allowed.join(", ")
            ));
            None
        }
    }

    /// ISO-8601 with an offset (`2021-06-23T03:30:00+05:30`).
    pub fn instant(&mut self, name: &str) -> Option<DateTime<Utc>> {
        let raw = match self.body.get(name) {
            None | Some(Value::Null) => return None,
            Some(Value::String(s)) => s.clone(),
            Some(_) => {
                self.problems
                    .push(format!("{name} must be a valid ISO 8601 date string"));
                return None;
            }
        };
        match DateTime::parse_from_rfc3339(&raw) {
            Ok(t) => Some(t.with_timezone(&Utc)),
            Err(_) => {
                self.problems
                    .push(format!("{name} must be a valid ISO 8601 date string"));
                None
            }
        }
    }

    /// class-validator's `forbidNonWhitelisted`.
    pub fn forbid_unknown(&mut self, allowed: &[&str]) {
        for key in self.body.keys() {
            if !allowed.contains(&key.as_str()) {
                self.problems
                    .push(format!("property {key} should not exist"));
            }
        }
    }

    pub fn raw(&self, name: &str) -> Option<&'a Value> {
        self.body.get(name).filter(|v| !v.is_null())
    }

    pub fn finish_400(&mut self) -> Result<(), GhlError> {
        problems_400(&mut self.problems)
    }

    pub fn finish_422(&mut self) -> Result<(), GhlError> {
        problems_422(&mut self.problems)
    }
}

// ---------------------------------------------------------------------------
// Citas

pub const APPOINTMENT_STATUSES: &[&str] = &[
    "new",
    "confirmed",
    "cancelled",
    "showed",
    "noshow",
    "invalid",
];
const MEETING_LOCATION_TYPES: &[&str] = &[
    "custom", "zoom", "gmeet", "phone", "address", "ms_teams", "google",
];

/// The fields of `AppointmentCreateSchema` / `AppointmentEditSchema`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppointmentInput {
    pub calendar_id: Option<String>,
    pub location_id: Option<String>,
    pub contact_id: Option<String>,
    pub start_time: Option<DateTime<Utc>>,
    pub end_time: Option<DateTime<Utc>>,
    pub title: Option<String>,
    pub appointment_status: Option<String>,
    pub assigned_user_id: Option<String>,
    pub description: Option<String>,
    pub address: Option<String>,
    pub meeting_location_type: Option<String>,
    pub notes: Option<String>,
    pub ignore_free_slot_validation: bool,
}

impl AppointmentInput {
    /// Read a create (`create = true`) or edit body. GHL lists 400 for these.
    pub fn from_body(body: &Map<String, Value>, create: bool) -> Result<Self, GhlError> {
        let mut check = BodyCheck::new(body);
        let input = Self {
            calendar_id: if create {
                check.required_string("calendarId")
            } else {
                check.string("calendarId")
            },
            location_id: if create {
                check.required_string("locationId")
            } else {
                check.string("locationId")
            },
            contact_id: if create {
                check.required_string("contactId")
            } else {
                check.string("contactId")
            },
            start_time: {
                if create && !check.has("startTime") {
                    check.problems.push("startTime should not be empty".into());
                }
                check.instant("startTime")
            },
            end_time: check.instant("endTime"),
            title: check.string("title"),
            appointment_status: check.one_of("appointmentStatus", APPOINTMENT_STATUSES),
            assigned_user_id: check
                .string("assignedUserId")
                .or_else(|| check.string("userId")),
            description: check.string("description"),
            address: check.string("address"),
            meeting_location_type: check.one_of("meetingLocationType", MEETING_LOCATION_TYPES),
            notes: check.string("notes"),
            ignore_free_slot_validation: check.bool("ignoreFreeSlotValidation").unwrap_or(false),
        };
        let _ = check.bool("ignoreDateRange");
        let _ = check.bool("toNotify");
        let _ = check.bool("overrideLocationConfig");
        let _ = check.string("meetingLocationId");
        let _ = check.string("rrule");
        check.finish_400()?;
        Ok(input)
    }
}

/// The users whose other citas block a slot of `calendar`.
fn calendar_users(calendar: &Calendar) -> Vec<&str> {
    calendar
        .team_members
        .iter()
        .map(|m| m.user_id.as_str())
        .collect()
}

/// Busy spans for a calendar: its own live citas and those of `users`
/// elsewhere, overlapping [from, to).
fn busy_spans(
    world: &World,
    calendar: &Calendar,
    users: &[&str],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    except: Option<&str>,
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let mut spans: Vec<_> = world
        .appointments
        .values()
        .filter(|a| a.location_id == calendar.location_id)
        .filter(|a| a.appointment_status != "cancelled")
        .filter(|a| except != Some(a.id.as_str()))
        .filter(|a| a.overlaps(from, to))
        .filter(|a| a.calendar_id == calendar.id || users.contains(&a.assigned_user_id.as_str()))
        .map(|a| (a.start_time, a.end_time))
        .collect();
    spans.sort();
    spans
}

fn is_free(
    spans: &[(DateTime<Utc>, DateTime<Utc>)],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> bool {
    spans.iter().all(|(s, e)| end <= *s || *e <= start)
}

/// Free slot starts of `calendar` within [from, to] (both inclusive, as
/// GHL's `startDate`/`endDate`), on its slot grid inside its open hours in
/// the location's zone, not overlapping a live cita of the calendar or of
/// its team member(s).
pub fn free_slots(
    world: &World,
    calendar: &Calendar,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    user: Option<&str>,
) -> Vec<DateTime<Utc>> {
    let zone = world.zone_of(&calendar.location_id);
    let users = match user {
        Some(u) => vec![u],
        None => calendar_users(calendar),
    };
    let length = Duration::minutes(calendar.slot_duration_mins.into());
    let spans = busy_spans(world, calendar, &users, from - length, to + length, None);
    let first = from.with_timezone(&zone).date_naive() - Duration::days(1);
    let last = to.with_timezone(&zone).date_naive() + Duration::days(1);
    let mut out = Vec::new();
    let mut day = first;
    while day <= last {
        for time in slot_starts(calendar, day) {
            let Some(start) = local_instant(zone, day, time) else {
                continue;
            };
            if start < from || start > to {
                continue;
            }
            if is_free(&spans, start, start + length)
                && practice_allows(world, calendar, &users, start, start + length)
            {
                out.push(start);
            }
        }
        day += Duration::days(1);
    }
    out
}

/// Whether [start, end) fits the calendar's grid, open hours and free time.
fn check_slot(
    world: &World,
    calendar: &Calendar,
    user: &str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    except: Option<&str>,
) -> Result<(), GhlError> {
    let zone = world.zone_of(&calendar.location_id);
    let local_start = start.with_timezone(&zone);
    let local_end = end.with_timezone(&zone);
    let day = local_start.date_naive();
    let on_grid = slot_starts(calendar, day).contains(&local_start.time());
    let same_day = local_end.date_naive() == day
        || (local_end.date_naive() == day + Duration::days(1)
            && local_end.time() == chrono::NaiveTime::MIN);
    let open =
        same_day && calendar.is_open_between(day.weekday(), local_start.time(), local_end.time());
    let mut users = calendar_users(calendar);
    if !users.contains(&user) && !user.is_empty() {
        users.push(user);
    }
    let free = is_free(
        &busy_spans(world, calendar, &users, start, end, except),
        start,
        end,
    );
    let allowed = practice_allows(world, calendar, &users, start, end);
    if on_grid && open && free && allowed {
        Ok(())
    } else {
        Err(GhlError::BadRequest(SLOT_TAKEN.into()))
    }
}

/// GHL's availability beyond open hours: no block of the calendar or of
/// its practitioner(s) covers [start, end), and each of their schedules
/// tied to the calendar has it inside one interval of that local day.
pub fn practice_allows(
    world: &World,
    calendar: &Calendar,
    users: &[&str],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> bool {
    let blocked = world
        .blocks
        .values()
        .any(|b| b.overlaps(start, end) && b.holds(&calendar.id, users));
    if blocked {
        return false;
    }
    world
        .schedules
        .values()
        .filter(|s| users.contains(&s.user_id.as_str()))
        .filter(|s| s.calendar_ids.contains(&calendar.id))
        .all(|s| {
            let zone: chrono_tz::Tz = s.timezone.parse().unwrap_or(chrono_tz::Tz::UTC);
            let (from, to) = (start.with_timezone(&zone), end.with_timezone(&zone));
            let ends_at_midnight = to.date_naive() == from.date_naive() + Duration::days(1)
                && to.time() == chrono::NaiveTime::MIN;
            if to.date_naive() != from.date_naive() && !ends_at_midnight {
                return false;
            }
            s.intervals_on(from.date_naive())
                .iter()
                .any(|(open, close)| {
                    *open <= from.time() && (ends_at_midnight || to.time() <= *close)
                })
        })
}

fn calendar<'w>(world: &'w World, id: &str) -> Result<&'w Calendar, GhlError> {
    world
        .calendars
        .get(id)
        .ok_or_else(|| GhlError::BadRequest("Calendar not found".into()))
}

/// Book a cita. `validate_slots` false is the front desk's override in
/// GHL's UI; the API's `ignoreFreeSlotValidation` does the same.
pub fn create_appointment(
    world: &mut World,
    input: AppointmentInput,
    created_by: CreatedBy,
    validate_slots: bool,
) -> Result<Appointment, GhlError> {
    let calendar = calendar(world, input.calendar_id.as_deref().unwrap_or_default())?.clone();
    let location_id = input
        .location_id
        .clone()
        .unwrap_or_else(|| calendar.location_id.clone());
    if calendar.location_id != location_id {
        return Err(GhlError::BadRequest(
            "Calendar does not belong to this location".into(),
        ));
    }
    let contact = world
        .contacts
        .get(input.contact_id.as_deref().unwrap_or_default())
        .filter(|c| c.location_id == location_id)
        .ok_or_else(|| GhlError::BadRequest("Contact not found".into()))?
        .clone();
    let start = input
        .start_time
        .ok_or_else(|| GhlError::BadRequest("startTime should not be empty".into()))?;
    let end = input
        .end_time
        .unwrap_or(start + Duration::minutes(calendar.slot_duration_mins.into()));
    if end <= start {
        return Err(GhlError::BadRequest(
            "endTime must be after startTime".into(),
        ));
    }
    let assigned = match input.assigned_user_id.clone() {
        Some(user) => {
            let known = world
                .users
                .get(&user)
                .is_some_and(|u| u.location_ids.contains(&location_id));
            if !known {
                return Err(GhlError::BadRequest("User not found".into()));
            }
            user
        }
        None => calendar.primary_user_id().unwrap_or_default().to_string(),
    };
    if validate_slots && !input.ignore_free_slot_validation {
        check_slot(world, &calendar, &assigned, start, end, None)?;
    }
    let stamp = next_event_stamp(None);
    let status = input.appointment_status.clone().unwrap_or_else(|| {
        if calendar.auto_confirm {
            "confirmed".into()
        } else {
            "new".into()
        }
    });
    let appointment = Appointment {
        id: world.ids.next_id(),
        location_id,
        calendar_id: calendar.id.clone(),
        contact_id: contact.id.clone(),
        group_id: calendar.group_id.clone().unwrap_or_default(),
        title: input.title.clone().unwrap_or_else(|| contact.name()),
        appointment_status: status,
        assigned_user_id: assigned,
        users: Vec::new(),
        address: input
            .address
            .clone()
            .unwrap_or_else(|| calendar.meeting_address.clone()),
        notes: input.notes.clone().unwrap_or_default(),
        start_time: start,
        end_time: end,
        date_added: stamp,
        date_updated: stamp,
        created_by,
        description: input.description.clone(),
        meeting_location_type: input
            .meeting_location_type
            .clone()
            .or_else(|| input.address.as_ref().map(|_| "custom".to_string())),
    };
    world
        .appointments
        .insert(appointment.id.clone(), appointment.clone());
    world.index_insert(&appointment);
    Ok(appointment)
}

/// Change a cita; slots are checked again only when its time, calendar or
/// practitioner moves.
pub fn update_appointment(
    world: &mut World,
    id: &str,
    input: AppointmentInput,
    validate_slots: bool,
) -> Result<Appointment, GhlError> {
    let current = world
        .appointments
        .get(id)
        .ok_or_else(|| GhlError::BadRequest("Appointment not found".into()))?
        .clone();
    if input
        .location_id
        .as_ref()
        .is_some_and(|l| *l != current.location_id)
    {
        return Err(GhlError::BadRequest("locationId cannot be changed".into()));
    }
    if input
        .contact_id
        .as_ref()
        .is_some_and(|c| *c != current.contact_id)
    {
        return Err(GhlError::BadRequest("contactId cannot be changed".into()));
    }
    let calendar = calendar(
        world,
        input.calendar_id.as_deref().unwrap_or(&current.calendar_id),
    )?
    .clone();
    if calendar.location_id != current.location_id {
        return Err(GhlError::BadRequest(
            "Calendar does not belong to this location".into(),
        ));
    }
    let start = input.start_time.unwrap_or(current.start_time);
    let end = match (input.start_time, input.end_time) {
        (_, Some(end)) => end,
        // A new start keeps the length.
        (Some(start), None) => start + (current.end_time - current.start_time),
        (None, None) => current.end_time,
    };
    if end <= start {
        return Err(GhlError::BadRequest(
            "endTime must be after startTime".into(),
        ));
    }
    let assigned = match &input.assigned_user_id {
        Some(user) => {
            if !world
                .users
                .get(user)
                .is_some_and(|u| u.location_ids.contains(&current.location_id))
            {
                return Err(GhlError::BadRequest("User not found".into()));
            }
            user.clone()
        }
        None if calendar.id != current.calendar_id => calendar
            .primary_user_id()
            .unwrap_or(&current.assigned_user_id)
            .to_string(),
        None => current.assigned_user_id.clone(),
    };
    let moved = start != current.start_time
        || end != current.end_time
        || calendar.id != current.calendar_id
        || assigned != current.assigned_user_id;
    let status = input
        .appointment_status
        .clone()
        .unwrap_or(current.appointment_status.clone());
    if validate_slots && !input.ignore_free_slot_validation && moved && status != "cancelled" {
        check_slot(world, &calendar, &assigned, start, end, Some(id))?;
    }
    let mut updated = current.clone();
    updated.calendar_id = calendar.id.clone();
    updated.group_id = calendar.group_id.clone().unwrap_or_default();
    updated.start_time = start;
    updated.end_time = end;
    updated.assigned_user_id = assigned;
    updated.appointment_status = status;
    if let Some(title) = input.title {
        updated.title = title;
    }
    if let Some(address) = input.address {
        updated.address = address;
    }
    if let Some(notes) = input.notes {
        updated.notes = notes;
    }
    if input.description.is_some() {
        updated.description = input.description;
    }
    if input.meeting_location_type.is_some() {
        updated.meeting_location_type = input.meeting_location_type;
    }
    updated.date_updated = next_event_stamp(Some(current.date_updated));
    world.index_remove(&current);
    world.index_insert(&updated);
    world.appointments.insert(id.to_string(), updated.clone());
    Ok(updated)
}

pub fn delete_appointment(world: &mut World, id: &str) -> Result<Appointment, GhlError> {
    let mut removed = world
        .appointments
        .remove(id)
        .ok_or_else(|| GhlError::BadRequest("Appointment not found".into()))?;
    world.index_remove(&removed);
    removed.date_updated = next_event_stamp(Some(removed.date_updated));
    Ok(removed)
}

// ---------------------------------------------------------------------------
// Blocked slots

/// `BlockSlotCreateRequestDTO` / `BlockSlotEditRequestDTO`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlockInput {
    pub location_id: Option<String>,
    pub calendar_id: Option<String>,
    pub assigned_user_id: Option<String>,
    pub title: Option<String>,
    pub start_time: Option<DateTime<Utc>>,
    pub end_time: Option<DateTime<Utc>>,
}

impl BlockInput {
    /// A block is for a calendar or a practitioner, not both (#23).
    pub fn from_body(body: &Map<String, Value>, create: bool) -> Result<Self, GhlError> {
        let mut check = BodyCheck::new(body);
        check.forbid_unknown(&[
            "title",
            "calendarId",
            "assignedUserId",
            "locationId",
            "startTime",
            "endTime",
        ]);
        let input = Self {
            location_id: check.required_string("locationId"),
            calendar_id: check.string("calendarId").filter(|c| !c.is_empty()),
            assigned_user_id: check.string("assignedUserId").filter(|u| !u.is_empty()),
            title: check.string("title"),
            start_time: check.instant("startTime"),
            end_time: check.instant("endTime"),
        };
        if input.calendar_id.is_some() && input.assigned_user_id.is_some() {
            check
                .problems
                .push("Either calendarId or assignedUserId is allowed, not both".into());
        }
        if create {
            if input.calendar_id.is_none() && input.assigned_user_id.is_none() {
                check
                    .problems
                    .push("Either calendarId or assignedUserId is required".into());
            }
            if input.start_time.is_none() {
                check.problems.push("startTime should not be empty".into());
            }
            if input.end_time.is_none() {
                check.problems.push("endTime should not be empty".into());
            }
        }
        check.finish_400()?;
        Ok(input)
    }
}

fn check_block_owner(world: &World, input: &BlockInput, location_id: &str) -> Result<(), GhlError> {
    if let Some(c) = &input.calendar_id {
        calendar(world, c).and_then(|c| {
            if c.location_id == location_id {
                Ok(())
            } else {
                Err(GhlError::BadRequest(
                    "Calendar does not belong to this location".into(),
                ))
            }
        })?;
    }
    if let Some(u) = &input.assigned_user_id {
        let known = world
            .users
            .get(u)
            .is_some_and(|user| user.location_ids.iter().any(|l| l == location_id));
        if !known {
            return Err(GhlError::BadRequest("User not found".into()));
        }
    }
    Ok(())
}

pub fn create_block(world: &mut World, input: BlockInput) -> Result<BlockSlot, GhlError> {
    let location_id = input.location_id.clone().unwrap_or_default();
    check_block_owner(world, &input, &location_id)?;
    let (Some(start), Some(end)) = (input.start_time, input.end_time) else {
        return Err(GhlError::BadRequest("startTime should not be empty".into()));
    };
    if end <= start {
        return Err(GhlError::BadRequest(
            "endTime must be after startTime".into(),
        ));
    }
    let stamp = next_event_stamp(None);
    let block = BlockSlot {
        id: world.ids.next_id(),
        location_id,
        calendar_id: input.calendar_id,
        assigned_user_id: input.assigned_user_id,
        title: input.title.unwrap_or_else(|| "Blocked".into()),
        start_time: start,
        end_time: end,
        date_added: stamp,
        date_updated: stamp,
    };
    world.blocks.insert(block.id.clone(), block.clone());
    Ok(block)
}

/// Moves, retitles or reassigns a block; what the body leaves out stays.
pub fn update_block(world: &mut World, id: &str, input: BlockInput) -> Result<BlockSlot, GhlError> {
    let mut block = world
        .blocks
        .get(id)
        .cloned()
        .ok_or_else(|| GhlError::BadRequest("Event not found".into()))?;
    if let Some(l) = &input.location_id {
        if *l != block.location_id {
            return Err(GhlError::BadRequest("locationId cannot be changed".into()));
        }
    }
    check_block_owner(world, &input, &block.location_id)?;
    if input.calendar_id.is_some() {
        block.calendar_id = input.calendar_id;
        block.assigned_user_id = None;
    } else if input.assigned_user_id.is_some() {
        block.assigned_user_id = input.assigned_user_id;
        block.calendar_id = None;
    }
    if let Some(t) = input.title {
        block.title = t;
    }
    block.start_time = input.start_time.unwrap_or(block.start_time);
    block.end_time = input.end_time.unwrap_or(block.end_time);
    if block.end_time <= block.start_time {
        return Err(GhlError::BadRequest(
            "endTime must be after startTime".into(),
        ));
    }
    block.date_updated = next_event_stamp(Some(block.date_updated));
    world.blocks.insert(block.id.clone(), block.clone());
    Ok(block)
}

// ---------------------------------------------------------------------------
// Contacts

/// Fields a contact body may carry (`CreateContactDto`, `UpdateContactDto`,
/// `UpsertContactDto`).
const CONTACT_FIELDS: &[&str] = &[
    "firstName",
    "lastName",
    "name",
    "email",
    "gender",
    "phone",
    "address1",
    "city",
    "state",
    "postalCode",
    "website",
    "timezone",
    "dnd",
    "dndSettings",
    "inboundDndSettings",
    "tags",
    "customFields",
    "source",
    "dateOfBirth",
    "country",
    "companyName",
    "assignedTo",
];

/// A contact body, every field optional (absent: unchanged).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactInput {
    pub location_id: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub gender: Option<String>,
    pub address1: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    pub website: Option<String>,
    pub timezone: Option<String>,
    pub company_name: Option<String>,
    pub source: Option<String>,
    pub tags: Option<Vec<String>>,
    pub dnd: Option<bool>,
    /// `dndSettings`: per channel, the `status` given.
    pub dnd_settings: Option<std::collections::BTreeMap<String, String>>,
    pub assigned_to: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    /// (id or key, value) as written: `{id, key?, field_value}`.
    pub custom_fields: Option<Vec<(String, String)>>,
    pub create_new_if_duplicate_allowed: bool,
}

/// `kind`: "create", "update" or "upsert" (which fields are allowed).
pub fn contact_input(body: &Map<String, Value>, kind: &str) -> Result<ContactInput, GhlError> {
    let mut check = BodyCheck::new(body);
    let mut allowed: Vec<&str> = CONTACT_FIELDS.to_vec();
    match kind {
        "create" => allowed.push("locationId"),
        "upsert" => allowed.extend(["locationId", "createNewIfDuplicateAllowed"]),
        _ => allowed.retain(|f| *f != "companyName" && *f != "gender"),
    }
    check.forbid_unknown(&allowed);
    let location_id = if kind == "update" {
        None
    } else {
        check.required_string("locationId")
    };
    let (mut first_name, mut last_name) = (check.string("firstName"), check.string("lastName"));
    if let Some(name) = check.string("name") {
        if first_name.is_none() && last_name.is_none() {
            let mut parts = name.trim().splitn(2, ' ');
            first_name = parts.next().map(str::to_string);
            last_name = Some(parts.next().unwrap_or("").trim().to_string());
        }
    }
    let email = check.string("email").map(|e| e.trim().to_lowercase());
    if let Some(e) = &email {
        let valid = e
            .split_once('@')
            .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.starts_with('.'));
        if !valid && !e.is_empty() {
            check.problems.push("email must be an email".into());
        }
    }
    let date_of_birth = match check.raw("dateOfBirth") {
        None => None,
        Some(Value::String(s)) => {
            let parsed = parse_birth(s);
            if parsed.is_none() {
                check
                    .problems
                    .push("dateOfBirth must be a valid date".into());
            }
            parsed
        }
        Some(_) => {
            check
                .problems
                .push("dateOfBirth must be a valid date".into());
            None
        }
    };
    let custom_fields = match check.raw("customFields") {
        None => None,
        Some(Value::Array(items)) => {
            let mut out = Vec::new();
            for item in items {
                let id = item
                    .get("id")
                    .or_else(|| item.get("key"))
                    .and_then(Value::as_str);
                let value = item.get("field_value").or_else(|| item.get("value"));
                match (id, value) {
                    (Some(id), Some(v)) => out.push((
                        id.to_string(),
                        v.as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| v.to_string()),
                    )),
                    _ => check
                        .problems
                        .push("customFields.id should not be empty".into()),
                }
            }
            Some(out)
        }
        Some(_) => {
            check.problems.push("customFields must be an array".into());
            None
        }
    };
    let input = ContactInput {
        location_id,
        first_name,
        last_name,
        email: email.filter(|e| !e.is_empty()),
        phone: check.string("phone"),
        gender: check.string("gender"),
        address1: check.string("address1"),
        city: check.string("city"),
        state: check.string("state"),
        postal_code: check.string("postalCode"),
        country: check.string("country"),
        website: check.string("website"),
        timezone: check.string("timezone"),
        company_name: check.string("companyName"),
        source: check.string("source"),
        tags: check.strings("tags"),
        dnd: check.bool("dnd"),
        dnd_settings: dnd_settings(check.raw("dndSettings")),
        assigned_to: check.string("assignedTo"),
        date_of_birth,
        custom_fields,
        create_new_if_duplicate_allowed: check.bool("createNewIfDuplicateAllowed").unwrap_or(false),
    };
    check.finish_422()?;
    Ok(input)
}

/// `dndSettings: {SMS: {status: "active"}, …}` as channel → status.
fn dnd_settings(raw: Option<&Value>) -> Option<std::collections::BTreeMap<String, String>> {
    let Value::Object(channels) = raw? else {
        return None;
    };
    Some(
        channels
            .iter()
            .filter_map(|(channel, v)| {
                let status = v.get("status").and_then(Value::as_str)?;
                Some((channel.clone(), status.to_string()))
            })
            .collect(),
    )
}

/// The formats `CreateContactDto.dateOfBirth` lists, plus ISO instants.
fn parse_birth(raw: &str) -> Option<NaiveDate> {
    let raw = raw.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Some(t.date_naive());
    }
    for format in [
        "%Y-%m-%d", "%Y/%m/%d", "%m/%d/%Y", "%m-%d-%Y", "%Y.%m.%d", "%m.%d.%Y", "%Y_%m_%d",
        "%m_%d_%Y",
    ] {
        if let Ok(d) = NaiveDate::parse_from_str(raw, format) {
            return Some(d);
        }
    }
    None
}

/// Country calling codes for numbers written without `+`.
fn calling_code(country: &str) -> &'static str {
    match country {
        "PE" => "51",
        "US" | "CA" => "1",
        "MX" => "52",
        "CO" => "57",
        "CL" => "56",
        "AR" => "54",
        "EC" => "593",
        "BO" => "591",
        "ES" => "34",
        "BR" => "55",
        _ => "51",
    }
}

/// E.164 as GHL stores phones: digits only, `+` and the location's
/// calling code when the number was written without one.
pub fn normalize_phone(raw: &str, country: &str) -> Option<String> {
    let trimmed = raw.trim();
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return None;
    }
    if trimmed.starts_with('+') {
        Some(format!("+{digits}"))
    } else if let Some(rest) = trimmed.strip_prefix("00") {
        Some(format!(
            "+{}",
            rest.chars()
                .filter(char::is_ascii_digit)
                .collect::<String>()
        ))
    } else {
        Some(format!("+{}{digits}", calling_code(country)))
    }
}

/// GHL lower-cases tags and keeps each once.
fn clean_tags(tags: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        let t = tag.trim().to_lowercase();
        if !t.is_empty() && !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// The contact a duplicate lookup finds: email first, then phone.
pub fn find_duplicate<'w>(
    world: &'w World,
    location_id: &str,
    email: Option<&str>,
    phone: Option<&str>,
    except: Option<&str>,
) -> Option<(&'w Contact, &'static str)> {
    let candidates = || {
        world
            .contacts
            .values()
            .filter(move |c| c.location_id == location_id && Some(c.id.as_str()) != except)
    };
    if let Some(email) = email.map(str::to_lowercase).filter(|e| !e.is_empty()) {
        if let Some(c) = candidates().find(|c| c.email.as_deref() == Some(email.as_str())) {
            return Some((c, "email"));
        }
    }
    if let Some(phone) = phone.filter(|p| !p.is_empty()) {
        if let Some(c) = candidates().find(|c| c.phone.as_deref() == Some(phone)) {
            return Some((c, "phone"));
        }
    }
    None
}

fn duplicate_error(contact: &Contact, field: &str) -> GhlError {
    GhlError::BadRequestWithMeta {
        message: DUPLICATE_CONTACT.into(),
        meta: serde_json::json!({
            "contactName": contact.name(),
            "contactId": contact.id,
            "matchingField": field,
        }),
    }
}

fn custom_field_values(
    world: &World,
    location_id: &str,
    written: Vec<(String, String)>,
    mut current: Vec<CustomFieldValue>,
) -> Vec<CustomFieldValue> {
    for (key, value) in written {
        let Some(def) = world.custom_fields.values().find(|d| {
            d.location_id == location_id
                && (d.id == key || d.field_key == key || d.field_key == format!("contact.{key}"))
        }) else {
            // GHL ignores fields it does not know.
            continue;
        };
        current.retain(|f| f.id != def.id);
        if !value.is_empty() {
            current.push(CustomFieldValue {
                id: def.id.clone(),
                value,
            });
        }
    }
    current
}

fn apply_contact(world: &World, contact: &mut Contact, input: ContactInput) {
    let country = input
        .country
        .clone()
        .unwrap_or_else(|| contact.country.clone());
    macro_rules! set {
        ($field:ident) => {
            if let Some(v) = input.$field {
                contact.$field = v;
            }
        };
    }
    set!(first_name);
    set!(last_name);
    set!(address1);
    set!(city);
    set!(state);
    set!(postal_code);
    set!(country);
    set!(source);
    set!(dnd);
    if let Some(settings) = input.dnd_settings {
        contact.dnd_settings.extend(settings);
    }
    if let Some(email) = input.email {
        contact.email = Some(email);
    }
    if let Some(phone) = input.phone {
        contact.phone = normalize_phone(&phone, &country);
    }
    for (slot, value) in [
        (&mut contact.gender, input.gender),
        (&mut contact.website, input.website),
        (&mut contact.timezone, input.timezone),
        (&mut contact.company_name, input.company_name),
        (&mut contact.assigned_to, input.assigned_to),
    ] {
        if let Some(v) = value {
            *slot = Some(v);
        }
    }
    if let Some(d) = input.date_of_birth {
        contact.date_of_birth = Some(d);
    }
    if let Some(tags) = input.tags {
        contact.tags = clean_tags(tags);
    }
    if let Some(fields) = input.custom_fields {
        contact.custom_fields = custom_field_values(
            world,
            &contact.location_id,
            fields,
            std::mem::take(&mut contact.custom_fields),
        );
    }
}

fn allows_duplicates(world: &World, location_id: &str) -> bool {
    world
        .locations
        .get(location_id)
        .is_some_and(|l| l.settings.allow_duplicate_contact)
}

/// The country of `location_id`; an unknown location is GHL's 400.
fn location_country(world: &World, location_id: &str) -> Result<String, GhlError> {
    world
        .locations
        .get(location_id)
        .map(|l| l.country.clone())
        .ok_or_else(|| GhlError::BadRequest("Location not found".into()))
}

/// A contact's country (the input's, else `fallback`) and the input's phone
/// normalised for it.
fn country_and_phone(input: &ContactInput, fallback: &str) -> (String, Option<String>) {
    let country = input
        .country
        .clone()
        .unwrap_or_else(|| fallback.to_string());
    let phone = input
        .phone
        .as_deref()
        .and_then(|p| normalize_phone(p, &country));
    (country, phone)
}

/// `POST /contacts/`. With duplicates disallowed, a matching email or
/// phone gets GHL's 400 with the existing contact in `meta`.
pub fn create_contact(
    world: &mut World,
    input: ContactInput,
    source: &str,
) -> Result<Contact, GhlError> {
    let location_id = input.location_id.clone().unwrap_or_default();
    let (country, phone) = country_and_phone(&input, &location_country(world, &location_id)?);
    if !allows_duplicates(world, &location_id) {
        if let Some((dup, field)) = find_duplicate(
            world,
            &location_id,
            input.email.as_deref(),
            phone.as_deref(),
            None,
        ) {
            return Err(duplicate_error(dup, field));
        }
    }
    let stamp = next_contact_stamp(None);
    let mut contact = Contact {
        id: world.ids.next_id(),
        location_id: location_id.clone(),
        first_name: String::new(),
        last_name: String::new(),
        email: None,
        phone: None,
        gender: None,
        date_of_birth: None,
        address1: String::new(),
        city: String::new(),
        state: String::new(),
        postal_code: String::new(),
        country: country.clone(),
        timezone: None,
        source: source.to_string(),
        tags: Vec::new(),
        dnd: false,
        dnd_settings: Default::default(),
        assigned_to: None,
        custom_fields: Vec::new(),
        date_added: stamp,
        date_updated: stamp,
        company_name: None,
        website: None,
    };
    apply_contact(world, &mut contact, input);
    world.contacts.insert(contact.id.clone(), contact.clone());
    Ok(contact)
}

/// `PUT /contacts/{id}`: `tags` replaces the whole list.
pub fn update_contact(
    world: &mut World,
    id: &str,
    input: ContactInput,
) -> Result<Contact, GhlError> {
    let current = world
        .contacts
        .get(id)
        .ok_or_else(|| GhlError::BadRequest("Contact not found".into()))?
        .clone();
    let (_, phone) = country_and_phone(&input, &current.country);
    if !allows_duplicates(world, &current.location_id) {
        if let Some((dup, field)) = find_duplicate(
            world,
            &current.location_id,
            input.email.as_deref(),
            phone.as_deref(),
            Some(id),
        ) {
            return Err(duplicate_error(dup, field));
        }
    }
    let mut updated = current.clone();
    apply_contact(world, &mut updated, input);
    updated.date_updated = next_contact_stamp(Some(current.date_updated));
    world.contacts.insert(id.to_string(), updated.clone());
    Ok(updated)
}

pub fn delete_contact(world: &mut World, id: &str) -> Result<Contact, GhlError> {
    world
        .contacts
        .remove(id)
        .ok_or_else(|| GhlError::BadRequest("Contact not found".into()))
}

/// `POST /contacts/upsert`: update the first match (email, then phone) or
/// create. A conflicting second identifier is ignored (#37).
pub fn upsert_contact(
    world: &mut World,
    mut input: ContactInput,
) -> Result<(bool, Contact), GhlError> {
    let location_id = input.location_id.clone().unwrap_or_default();
    let (_, phone) = country_and_phone(&input, &location_country(world, &location_id)?);
    if allows_duplicates(world, &location_id) && input.create_new_if_duplicate_allowed {
        let source = input.source.clone().unwrap_or_else(|| "public api".into());
        return create_contact(world, input, &source).map(|c| (true, c));
    }
    let found = find_duplicate(
        world,
        &location_id,
        input.email.as_deref(),
        phone.as_deref(),
        None,
    )
    .map(|(c, field)| (c.id.clone(), field));
    match found {
        None => {
            let source = input.source.clone().unwrap_or_else(|| "public api".into());
            create_contact(world, input, &source).map(|c| (true, c))
        }
        Some((id, field)) => {
            // The other identifier belongs to someone else: leave it out.
            if field == "email" {
                if let Some(p) = &phone {
                    if find_duplicate(world, &location_id, None, Some(p), Some(&id)).is_some() {
                        input.phone = None;
                    }
                }
            }
            let mut updated = world.contacts[&id].clone();
            let previous = updated.date_updated;
            apply_contact(world, &mut updated, input);
            updated.date_updated = next_contact_stamp(Some(previous));
            world.contacts.insert(id, updated.clone());
            Ok((false, updated))
        }
    }
}

/// Does `c` pass one `/contacts/search` filter (`{field, operator, value}`
/// or `{group: AND|OR, filters}`)?
pub fn contact_matches(c: &Contact, filter: &Value) -> Result<bool, String> {
    if let Some(group) = filter.get("group").and_then(Value::as_str) {
        let filters = filter
            .get("filters")
            .and_then(Value::as_array)
            .ok_or("group filters must be an array")?;
        let mut results = filters.iter().map(|f| contact_matches(c, f));
        return match group.to_ascii_uppercase().as_str() {
            "AND" => results.try_fold(true, |acc, r| r.map(|b| acc && b)),
            "OR" => results.try_fold(false, |acc, r| r.map(|b| acc || b)),
            other => Err(format!("group must be AND or OR, got {other}")),
        };
    }
    let field = filter
        .get("field")
        .and_then(Value::as_str)
        .ok_or("filter field should not be empty")?;
    let operator = filter
        .get("operator")
        .and_then(Value::as_str)
        .ok_or("filter operator should not be empty")?;
    let values: Vec<String> = match field {
        "id" => vec![c.id.clone()],
        "firstName" | "firstNameLowerCase" => vec![c.first_name.to_lowercase()],
        "lastName" | "lastNameLowerCase" => vec![c.last_name.to_lowercase()],
        "fullName" | "fullNameLowerCase" | "name" => vec![c.name().to_lowercase()],
        "email" => c.email.iter().cloned().collect(),
        "phone" => c.phone.iter().cloned().collect(),
        "tags" => c.tags.clone(),
        "dnd" => vec![c.dnd.to_string()],
        "source" => vec![c.source.to_lowercase()],
        "city" => vec![c.city.to_lowercase()],
        "country" => vec![c.country.to_lowercase()],
        "assignedTo" => c.assigned_to.iter().cloned().collect(),
        "dateAdded" => vec![wire::iso_utc_millis(c.date_added)],
        "dateUpdated" => vec![wire::iso_utc_millis(c.date_updated)],
        other => return Err(format!("filter field {other} is not supported")),
    };
    let wanted = |v: &Value| -> String {
        match v {
            Value::String(s) => s.to_lowercase(),
            other => other.to_string().to_lowercase(),
        }
    };
    let value = filter.get("value");
    let lowered: Vec<String> = values.iter().map(|v| v.to_lowercase()).collect();
    Ok(match operator {
        "exists" => !lowered.iter().all(String::is_empty),
        "not_exists" => lowered.iter().all(String::is_empty),
        "eq" | "not_eq" | "contains" | "not_contains" => {
            let candidates: Vec<String> = match value {
                Some(Value::Array(items)) => items.iter().map(wanted).collect(),
                Some(v) => vec![wanted(v)],
                None => return Err("filter value should not be empty".into()),
            };
            let hit = match operator {
                "eq" | "not_eq" => lowered.iter().any(|v| candidates.contains(v)),
                _ => lowered
                    .iter()
                    .any(|v| candidates.iter().any(|w| v.contains(w.as_str()))),
            };
            if operator.starts_with("not_") {
                !hit
            } else {
                hit
            }
        }
        "range" => {
            let Some(Value::Object(range)) = value else {
                return Err("range value must be an object".into());
            };
            let v = lowered.first().cloned().unwrap_or_default();
            let bound = |k: &str| range.get(k).map(wanted);
            bound("gt").is_none_or(|b| v > b)
                && bound("gte").is_none_or(|b| v >= b)
                && bound("lt").is_none_or(|b| v < b)
                && bound("lte").is_none_or(|b| v <= b)
        }
        other => return Err(format!("filter operator {other} is not supported")),
    })
}

/// Free-text `query` of `/contacts/search`: name, email or phone contain it.
pub fn contact_has_text(c: &Contact, query: &str) -> bool {
    let q = query.trim().to_lowercase();
    if q.is_empty() {
        return true;
    }
    let digits: String = q.chars().filter(char::is_ascii_digit).collect();
    c.name().to_lowercase().contains(&q)
        || c.email.as_deref().is_some_and(|e| e.contains(&q))
        || (!digits.is_empty() && c.phone.as_deref().is_some_and(|p| p.contains(&digits)))
}
