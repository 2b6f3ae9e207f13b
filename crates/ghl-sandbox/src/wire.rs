//! Response bodies, field for field as the official specs name them.
//!
//! Kept apart from `model.rs` (what the sandbox stores) and from the
//! client crate's types: the sandbox answers as GHL does, not as our client
//! expects.

use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Tz;
use serde_json::{json, Map, Value};

use crate::model::{Appointment, Calendar, Contact, Location, Message, User};
use crate::webhooks::WebhookEvent;

/// Event times: ISO-8601 with the location's offset, no fraction
/// (`2026-11-23T09:00:00-05:00`), as in the spec's examples.
pub fn iso_in_zone(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone)
        .to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// Contact dates: UTC with milliseconds (`2021-07-02T05:18:26.704Z`).
pub fn iso_utc_millis(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// `GetLocationByIdSchema`.
pub fn location(l: &Location) -> Value {
    json!({
        "id": l.id,
        "companyId": l.company_id,
        "name": l.name,
        "address": l.address,
        "city": l.city,
        "state": l.state,
        "country": l.country,
        "postalCode": l.postal_code,
        "website": l.website,
        "timezone": l.timezone,
        "email": l.email,
        "phone": l.phone,
        "business": {
            "name": l.name,
            "address": l.address,
            "city": l.city,
            "state": l.state,
            "country": l.country,
            "postalCode": l.postal_code,
            "website": l.website,
            "timezone": l.timezone,
        },
        "social": {},
        "settings": {
            "allowDuplicateContact": l.settings.allow_duplicate_contact,
            "allowDuplicateOpportunity": l.settings.allow_duplicate_opportunity,
            "allowFacebookNameMerge": l.settings.allow_facebook_name_merge,
            "disableContactTimezone": l.settings.disable_contact_timezone,
        },
    })
}

/// `UserSchema`. `scopes` is left out: the spec types it as one string enum,
/// which no real list of scopes fits.
pub fn user(u: &User) -> Value {
    json!({
        "id": u.id,
        "name": u.name(),
        "firstName": u.first_name,
        "lastName": u.last_name,
        "email": u.email,
        "phone": u.phone,
        "extension": "",
        "permissions": {
            "appointmentsEnabled": true,
            "contactsEnabled": true,
            "conversationsEnabled": true,
            "settingsEnabled": u.role == "admin",
        },
        "roles": {
            "type": u.role_type,
            "role": u.role,
            "locationIds": u.location_ids,
            "restrictSubAccount": u.role != "admin",
        },
        "deleted": u.deleted,
    })
}

/// `CalendarDTO`.
pub fn calendar(c: &Calendar) -> Value {
    let mut body = json!({
        "id": c.id,
        "locationId": c.location_id,
        "name": c.name,
        "description": c.description,
        "slug": c.slug,
        "widgetSlug": c.slug,
        "calendarType": c.calendar_type,
        "widgetType": "classic",
        "eventTitle": "{{contact.name}}",
        "eventColor": c.event_color,
        "eventType": "RoundRobin_OptimizeForAvailability",
        "isActive": c.is_active,
        "teamMembers": c.team_members.iter().map(|m| json!({
            "userId": m.user_id,
            "priority": m.priority,
            "isPrimary": m.is_primary,
            "locationConfigurations": [{"kind": "physical", "location": c.meeting_address}],
        })).collect::<Vec<_>>(),
        "locationConfigurations": [{"kind": "physical", "location": c.meeting_address}],
        "slotDuration": c.slot_duration_mins,
        "slotDurationUnit": "mins",
        "slotInterval": c.slot_interval_mins,
        "slotIntervalUnit": "mins",
        "slotBuffer": 0,
        "slotBufferUnit": "mins",
        "preBuffer": 0,
        "preBufferUnit": "mins",
        "appoinmentPerSlot": 1,
        "allowBookingAfter": 0,
        "allowBookingAfterUnit": "hours",
        "allowBookingFor": 60,
        "allowBookingForUnit": "days",
        "openHours": c.open_hours.iter().map(|oh| json!({
            "daysOfTheWeek": oh.days_of_the_week,
            "hours": oh.hours.iter().map(|h| json!({
                "openHour": h.open_hour,
                "openMinute": h.open_minute,
                "closeHour": h.close_hour,
                "closeMinute": h.close_minute,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "availabilityType": 0,
        "availabilities": [],
        "enableRecurring": false,
        "autoConfirm": c.auto_confirm,
        "allowReschedule": true,
        "allowCancellation": true,
        "googleInvitationEmails": false,
        "formSubmitType": "ThankYouMessage",
    });
    if let (Some(group), Value::Object(map)) = (&c.group_id, &mut body) {
        map.insert("groupId".into(), json!(group));
    }
    body
}

/// `CalendarEventDTO`, times in the location's zone.
pub fn event(a: &Appointment, zone: Tz) -> Value {
    let mut created_by = Map::new();
    if let Some(user) = &a.created_by.user_id {
        created_by.insert("userId".into(), json!(user));
    }
    created_by.insert("source".into(), json!(a.created_by.source));
    json!({
        "id": a.id,
        "address": a.address,
        "title": a.title,
        "calendarId": a.calendar_id,
        "locationId": a.location_id,
        "contactId": a.contact_id,
        "groupId": a.group_id,
        "appointmentStatus": a.appointment_status,
        "assignedUserId": a.assigned_user_id,
        "users": a.users,
        "notes": a.notes,
        "isRecurring": false,
        "startTime": iso_in_zone(a.start_time, zone),
        "endTime": iso_in_zone(a.end_time, zone),
        "dateAdded": iso_in_zone(a.date_added, zone),
        "dateUpdated": iso_in_zone(a.date_updated, zone),
        "assignedResources": [],
        "createdBy": created_by,
    })
}

/// The fields both contact shapes carry (read and created).
fn contact_common(c: &Contact) -> Value {
    json!({
        "id": c.id,
        "locationId": c.location_id,
        "firstName": c.first_name,
        "lastName": c.last_name,
        "firstNameLowerCase": c.first_name.to_lowercase(),
        "lastNameLowerCase": c.last_name.to_lowercase(),
        "fullNameLowerCase": c.name().to_lowercase(),
        "type": "lead",
        "source": c.source,
        "address1": c.address1,
        "city": c.city,
        "state": c.state,
        "postalCode": c.postal_code,
        "country": c.country,
        "dnd": c.dnd,
        "dndSettings": c.dnd_settings.iter().map(|(k, v)| (k.clone(), json!({"status": v}))).collect::<Map<String, Value>>(),
        "tags": c.tags,
        "customFields": c.custom_fields.iter().map(|f| json!({"id": f.id, "value": f.value})).collect::<Vec<_>>(),
        "dateAdded": iso_utc_millis(c.date_added),
        "dateUpdated": iso_utc_millis(c.date_updated),
    })
}

/// `GetContectByIdSchema` (sic), custom fields in their read shape `{id, value}`.
pub fn contact(c: &Contact) -> Value {
    let mut body = contact_common(c);
    let Value::Object(map) = &mut body else {
        return body;
    };
    map.insert("name".into(), json!(c.name()));
    let mut put = |key: &str, value: Option<String>| {
        if let Some(v) = value {
            map.insert(key.into(), json!(v));
        }
    };
    put("email", c.email.clone());
    put("emailLowerCase", c.email.as_ref().map(|e| e.to_lowercase()));
    put("phone", c.phone.clone());
    put("timezone", c.timezone.clone());
    put("assignedTo", c.assigned_to.clone());
    put(
        "dateOfBirth",
        c.date_of_birth.map(|d| d.format("%Y-%m-%d").to_string()),
    );
    put("companyName", c.company_name.clone());
    put("website", c.website.clone());
    body
}

/// Birth dates where GHL sends an instant: `2000-01-05T00:00:00.000Z`.
fn birth_instant(c: &Contact) -> Option<String> {
    c.date_of_birth
        .map(|d| d.format("%Y-%m-%dT00:00:00.000Z").to_string())
}

/// `CreateContactSchema`: the body of `POST /contacts/` (201), a different
/// field set from the read shape (no `name`, `timezone`; birth date as an instant).
pub fn contact_created(c: &Contact) -> Value {
    let mut body = contact_common(c);
    let Value::Object(map) = &mut body else {
        return body;
    };
    map.insert("deleted".into(), json!(false));
    map.insert("bounceEmail".into(), json!(false));
    map.insert("unsubscribeEmail".into(), json!(false));
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(v) = value {
            map.insert(key.into(), v);
        }
    };
    put("email", c.email.clone().map(Value::from));
    put(
        "emailLowerCase",
        c.email.as_ref().map(|e| Value::from(e.to_lowercase())),
    );
    put("phone", c.phone.clone().map(Value::from));
    put("assignedTo", c.assigned_to.clone().map(Value::from));
    put("dateOfBirth", birth_instant(c).map(Value::from));
    put(
        "birthMonth",
        c.date_of_birth
            .map(|d| Value::from(chrono::Datelike::month0(&d))),
    );
    put(
        "birthDay",
        c.date_of_birth
            .map(|d| Value::from(chrono::Datelike::day(&d))),
    );
    put("companyName", c.company_name.clone().map(Value::from));
    put("website", c.website.clone().map(Value::from));
    body
}

/// `AppointmentSchemaResponse`: what create and update answer. No
/// `dateAdded`/`dateUpdated` (NOTES.md pitfall 4, #246).
pub fn appointment_written(a: &Appointment, zone: Tz) -> Value {
    json!({
        "id": a.id,
        "calendarId": a.calendar_id,
        "locationId": a.location_id,
        "contactId": a.contact_id,
        "startTime": iso_in_zone(a.start_time, zone),
        "endTime": iso_in_zone(a.end_time, zone),
        "title": a.title,
        "meetingLocationType": a.meeting_location_type.as_deref().unwrap_or("default"),
        "appointmentStatus": a.appointment_status,
        "assignedUserId": a.assigned_user_id,
        "address": a.address,
        "isRecurring": false,
    })
}

/// Wall time in the location's zone without an offset
/// (`2021-07-16 11:00:00`), as the contact-appointments examples show.
pub fn local_without_offset(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// `GetEventSchema` (`GET /contacts/{id}/appointments`).
pub fn contact_appointment(a: &Appointment, zone: Tz) -> Value {
    let status = if a.appointment_status == "cancelled" {
        "cancelled"
    } else {
        "booked"
    };
    json!({
        "id": a.id,
        "calendarId": a.calendar_id,
        "status": status,
        "title": a.title,
        "assignedUserId": a.assigned_user_id,
        "notes": a.notes,
        "startTime": local_without_offset(a.start_time, zone),
        "endTime": local_without_offset(a.end_time, zone),
        "address": a.address,
        "locationId": a.location_id,
        "contactId": a.contact_id,
        "groupId": a.group_id,
        "appointmentStatus": a.appointment_status,
        "users": a.users,
        "dateAdded": local_without_offset(a.date_added, zone),
        "dateUpdated": local_without_offset(a.date_updated, zone),
        "assignedResources": [],
    })
}

/// AppointmentCreate/Update/Delete (docs/webhook-events): nested `appointment`.
pub fn webhook_appointment(event_type: &'static str, a: &Appointment, zone: Tz) -> WebhookEvent {
    let mut body = Map::new();
    body.insert("type".into(), json!(event_type));
    body.insert("locationId".into(), json!(a.location_id));
    body.insert(
        "appointment".into(),
        json!({
            "id": a.id,
            "address": a.address,
            "title": a.title,
            "calendarId": a.calendar_id,
            "contactId": a.contact_id,
            "groupId": a.group_id,
            "appointmentStatus": a.appointment_status,
            "assignedUserId": a.assigned_user_id,
            "users": a.users,
            "notes": a.notes,
            "source": a.created_by.source,
            "startTime": iso_in_zone(a.start_time, zone),
            "endTime": iso_in_zone(a.end_time, zone),
            "dateAdded": iso_in_zone(a.date_added, zone),
            "dateUpdated": iso_in_zone(a.date_updated, zone),
        }),
    );
    WebhookEvent { event_type, body }
}

/// ContactCreate/Update/Delete (docs/webhook-events): flat.
pub fn webhook_contact(event_type: &'static str, c: &Contact) -> WebhookEvent {
    let mut body = Map::new();
    body.insert("type".into(), json!(event_type));
    body.insert("locationId".into(), json!(c.location_id));
    body.insert("id".into(), json!(c.id));
    body.insert("address1".into(), json!(c.address1));
    body.insert("city".into(), json!(c.city));
    body.insert("state".into(), json!(c.state));
    body.insert(
        "companyName".into(),
        json!(c.company_name.clone().unwrap_or_default()),
    );
    body.insert("country".into(), json!(c.country));
    body.insert("source".into(), json!(c.source));
    body.insert("dateAdded".into(), json!(iso_utc_millis(c.date_added)));
    if let Some(birth) = birth_instant(c) {
        body.insert("dateOfBirth".into(), json!(birth));
    }
    body.insert("dnd".into(), json!(c.dnd));
    if let Some(email) = &c.email {
        body.insert("email".into(), json!(email));
    }
    body.insert("name".into(), json!(c.name()));
    body.insert("firstName".into(), json!(c.first_name));
    body.insert("lastName".into(), json!(c.last_name));
    if let Some(phone) = &c.phone {
        body.insert("phone".into(), json!(phone));
    }
    body.insert("postalCode".into(), json!(c.postal_code));
    body.insert("tags".into(), json!(c.tags));
    body.insert(
        "website".into(),
        json!(c.website.clone().unwrap_or_default()),
    );
    body.insert("attachments".into(), json!([]));
    if let Some(user) = &c.assigned_to {
        body.insert("assignedTo".into(), json!(user));
    }
    body.insert(
        "customFields".into(),
        json!(c
            .custom_fields
            .iter()
            .map(|f| json!({"id": f.id, "value": f.value}))
            .collect::<Vec<_>>()),
    );
    WebhookEvent { event_type, body }
}

/// The conversation provider GHL names in message webhooks: one per
/// location and channel, stable (derived from both).
pub fn conversation_provider_id(location_id: &str, channel: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in location_id.bytes().chain(channel.bytes()) {
        h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:020x}")
}

/// InboundMessage as docs/webhook-events/InboundMessage.md's "Message"
/// example: the patient's text in `body`, the channel in `messageType`.
pub fn webhook_inbound_message(m: &Message) -> WebhookEvent {
    let mut body = Map::new();
    body.insert("type".into(), json!("InboundMessage"));
    body.insert("locationId".into(), json!(m.location_id));
    body.insert("attachments".into(), json!(m.attachments));
    body.insert("body".into(), json!(m.message.clone().unwrap_or_default()));
    body.insert("contactId".into(), json!(m.contact_id));
    body.insert("contentType".into(), json!("text/plain"));
    body.insert("conversationId".into(), json!(m.conversation_id));
    body.insert("dateAdded".into(), json!(iso_utc_millis(m.date_added)));
    body.insert("direction".into(), json!("inbound"));
    body.insert("messageType".into(), json!(m.message_type));
    body.insert("status".into(), json!(m.status));
    body.insert("messageId".into(), json!(m.id));
    body.insert(
        "conversationProviderId".into(),
        json!(conversation_provider_id(&m.location_id, &m.message_type)),
    );
    WebhookEvent {
        event_type: "InboundMessage",
        body,
    }
}

/// `GroupDTO`.
pub fn group(g: &crate::model::CalendarGroup) -> Value {
    json!({
        "id": g.id,
        "locationId": g.location_id,
        "name": g.name,
        "description": g.description,
        "slug": g.slug,
        "isActive": g.is_active,
    })
}

/// `CalendarResourceByIdResponseDTO`. The spec names no `id` in it, yet
/// every per-resource path needs one: the sandbox answers it (the contract
/// test allows it as a known gap of the spec).
pub fn resource(r: &crate::model::Resource) -> Value {
    json!({
        "id": r.id,
        "locationId": r.location_id,
        "name": r.name,
        "resourceType": r.resource_type,
        "isActive": r.is_active,
        "description": r.description,
        "quantity": r.quantity,
        "outOfService": r.out_of_service,
        "capacity": r.capacity,
        "calendarIds": r.calendar_ids,
    })
}

/// `ScheduleObjectResponseDTO`.
pub fn schedule(s: &crate::model::Schedule) -> Value {
    json!({
        "id": s.id,
        "name": s.name,
        "locationId": s.location_id,
        "rules": s.rules,
        "timezone": s.timezone,
        "dateAdded": iso_utc_millis(s.date_added),
        "dateUpdated": iso_utc_millis(s.date_updated),
        "userId": s.user_id,
        "calendarIds": s.calendar_ids,
        "deleted": false,
    })
}

/// A blocked slot in `GET /calendars/blocked-slots` (`CalendarEventDTO`,
/// whose required fields a block fills as it can: no patient, the
/// calendar's group, the practitioner it holds). The owner fields are
/// written after, so a user's block carries no `calendarId`.
pub fn blocked_event(b: &crate::model::BlockSlot, group_id: &str, zone: Tz) -> Value {
    let mut body = json!({
        "id": b.id,
        "title": b.title,
        "locationId": b.location_id,
        "contactId": "",
        "groupId": group_id,
        "appointmentStatus": "confirmed",
        "assignedUserId": b.assigned_user_id.clone().unwrap_or_default(),
        "users": [],
        "startTime": iso_in_zone(b.start_time, zone),
        "endTime": iso_in_zone(b.end_time, zone),
        "dateAdded": iso_in_zone(b.date_added, zone),
        "dateUpdated": iso_in_zone(b.date_updated, zone),
    });
    owners(&mut body, b);
    body
}

/// `BlockedSlotSuccessfulResponseDto`: what a block write answers.
pub fn block_written(b: &crate::model::BlockSlot, zone: Tz) -> Value {
    let mut body = json!({
        "id": b.id,
        "locationId": b.location_id,
        "title": b.title,
        "startTime": iso_in_zone(b.start_time, zone),
        "endTime": iso_in_zone(b.end_time, zone),
    });
    owners(&mut body, b);
    body
}

fn owners(body: &mut Value, b: &crate::model::BlockSlot) {
    if let Value::Object(map) = body {
        if let Some(c) = &b.calendar_id {
            map.insert("calendarId".into(), json!(c));
        }
        if let Some(u) = &b.assigned_user_id {
            map.insert("assignedUserId".into(), json!(u));
        }
    }
}
