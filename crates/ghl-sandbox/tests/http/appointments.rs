//! Booking writes: create, update, delete, free slots (NOTES.md "Events /
//! appointments", "Free slots").

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::*;

fn iso(v: &Value) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(v.as_str().expect("time is a string")).expect("ISO-8601 time")
}

/// The demo's "Medicina General" calendar (30 min, Mon–Fri 08–13 and 14–19).
async fn medicina(sandbox: &ghl_sandbox::RunningSandbox) -> ghl_sandbox::model::Calendar {
    sandbox
        .sandbox()
        .read()
        .await
        .calendars
        .values()
        .find(|c| c.name == "Medicina General")
        .cloned()
        .expect("demo calendar")
}

async fn some_contact(sandbox: &ghl_sandbox::RunningSandbox, n: usize) -> String {
    sandbox
        .sandbox()
        .read()
        .await
        .contacts
        .keys()
        .nth(n)
        .cloned()
        .expect("demo contact")
}

async fn free_slots_of(ghl: &Ghl, calendar: &str, day: NaiveDate) -> (StatusCode, Value) {
    let from = lima_midnight(day);
    let to = lima_midnight(day + Duration::days(1)) - Duration::milliseconds(1);
    ghl.get(
        &format!("/calendars/{calendar}/free-slots"),
        Some(CALENDARS_VERSION),
        &[("startDate", &ms(from)), ("endDate", &ms(to))],
    )
    .await
}

fn slots(body: &Value, day: NaiveDate) -> Vec<String> {
    body[day.format("%Y-%m-%d").to_string()]["slots"]
        .as_array()
        .map(|a| a.iter().map(|s| s.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

fn lima(day: NaiveDate, h: u32, m: u32) -> String {
    format!("{}T{h:02}:{m:02}:00-05:00", day.format("%Y-%m-%d"))
}

#[tokio::test]
async fn free_slots_honour_open_hours_duration_and_citas() {
    let sandbox = start_demo().await;
    let ghl = Ghl::new(&sandbox);
    let cal = medicina(&sandbox).await;
    let day = today() + Duration::days(1); // Tuesday
    let (status, body) = free_slots_of(&ghl, &cal.id, day).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_conforms(
        "calendars",
        "/calendars/{calendarId}/free-slots",
        "get",
        200,
        &body,
    );
    assert!(body["traceId"].is_string(), "traceId alongside the dates");
    let free = slots(&body, day);
    assert!(!free.is_empty());
    let busy: Vec<_> = sandbox
        .sandbox()
        .read()
        .await
        .appointments
        .values()
        .filter(|a| a.calendar_id == cal.id && a.appointment_status != "cancelled")
        .map(|a| (a.start_time, a.end_time))
        .collect();
    for slot in &free {
        assert!(slot.ends_with("-05:00"), "{slot}");
        let start = iso(&json!(slot)).with_timezone(&Utc);
        let end = start + Duration::minutes(30);
        let local = iso(&json!(slot));
        let minutes = local.time().hour_min();
        assert!(
            (8 * 60..13 * 60).contains(&minutes) || (14 * 60..19 * 60).contains(&minutes),
            "{slot} outside open hours"
        );
        assert_eq!(minutes % 30, 0, "{slot} off the 30-minute grid");
        assert!(
            busy.iter().all(|(s, e)| end <= *s || *e <= start),
            "{slot} overlaps a cita"
        );
    }
    // Every grid slot of the day is either free or taken.
    let taken_that_day = busy
        .iter()
        .filter(|(s, _)| s.with_timezone(&chrono_tz::America::Lima).date_naive() == day)
        .count();
    assert_eq!(free.len() + taken_that_day, 20);

    // Sunday: the morning shift only (09:00 to 13:00).
    let sunday = today() - Duration::days(1);
    let (_, body) = free_slots_of(&ghl, &cal.id, sunday).await;
    for slot in slots(&body, sunday) {
        let minutes = iso(&json!(slot)).time().hour_min();
        assert!(
            (9 * 60..13 * 60).contains(&minutes),
            "{slot} outside Sunday's shift"
        );
    }

    // Another zone: keys and offsets follow it.
    let from = lima_midnight(day);
    let (status, body) = ghl
        .get(
            &format!("/calendars/{}/free-slots", cal.id),
            Some(CALENDARS_VERSION),
            &[
                ("startDate", &ms(from)),
                ("endDate", &ms(from + Duration::hours(23))),
                ("timezone", "Europe/Madrid"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let first = body
        .as_object()
        .unwrap()
        .iter()
        .find(|(k, _)| *k != "traceId")
        .map(|(_, v)| v["slots"][0].as_str().unwrap().to_string())
        .unwrap();
    assert!(first.ends_with("+01:00"), "{first}");
    sandbox.shutdown().await;
}

trait HourMin {
    fn hour_min(&self) -> u32;
}
impl HourMin for chrono::NaiveTime {
    fn hour_min(&self) -> u32 {
        use chrono::Timelike;
        self.hour() * 60 + self.minute()
    }
}

#[tokio::test]
async fn free_slots_parameters_are_checked() {
    let sandbox = start_demo().await;
    let ghl = Ghl::new(&sandbox);
    let cal = medicina(&sandbox).await;
    let path = format!("/calendars/{}/free-slots", cal.id);
    let from = lima_midnight(today());
    let cases: Vec<(Vec<(&str, String)>, &str)> = vec![
        (vec![("endDate", ms(from))], "startDate should not be empty"),
        (
            vec![
                ("startDate", ms(from)),
                ("endDate", ms(from + Duration::days(32))),
            ],
            "31 days",
        ),
        (
            vec![("startDate", "2026-11-23".into()), ("endDate", ms(from))],
            "startDate must be a number string",
        ),
    ];
    for (query, expected) in cases {
        let q: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, body) = ghl.get(&path, Some(CALENDARS_VERSION), &q).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query:?}: {body}");
        assert!(
            body["message"].as_str().unwrap().contains(expected),
            "{body}"
        );
        assert_conforms(
            "calendars",
            "/calendars/{calendarId}/free-slots",
            "get",
            400,
            &body,
        );
    }
    // Exactly 31 days is allowed.
    let (status, _) = ghl
        .get(
            &path,
            Some(CALENDARS_VERSION),
            &[
                ("startDate", &ms(from)),
                ("endDate", &ms(from + Duration::days(31))),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn books_a_free_slot_and_refuses_a_taken_or_closed_one() {
    let sandbox = start_demo().await;
    let ghl = Ghl::new(&sandbox);
    let loc = sandbox.location_id().to_string();
    let cal = medicina(&sandbox).await;
    let day = today() + Duration::days(1);
    let (_, body) = free_slots_of(&ghl, &cal.id, day).await;
    let slot = slots(&body, day)[0].clone();
    let (patient, other) = (
        some_contact(&sandbox, 3).await,
        some_contact(&sandbox, 4).await,
    );

    let book = |contact: String, start: String, extra: Value| {
        let ghl = ghl.clone();
        let (loc, cal) = (loc.clone(), cal.id.clone());
        async move {
            let mut body = json!({
                "calendarId": cal,
                "locationId": loc,
                "contactId": contact,
                "startTime": start,
                "title": "Consulta - prueba",
            });
            for (k, v) in extra.as_object().unwrap() {
                body[k] = v.clone();
            }
            ghl.post("/calendars/events/appointments", CALENDARS_VERSION, body)
                .await
        }
    };

    let made = book(patient.clone(), slot.clone(), json!({})).await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    assert_conforms(
        "calendars",
        "/calendars/events/appointments",
        "post",
        200,
        &made.body,
    );
    // GHL's create answer has no dateAdded/dateUpdated (#246).
    assert!(made.body.get("dateAdded").is_none() && made.body.get("dateUpdated").is_none());
    assert_eq!(iso(&made.body["startTime"]), iso(&json!(slot)));
    assert_eq!(
        iso(&made.body["endTime"]) - iso(&made.body["startTime"]),
        Duration::minutes(30),
        "endTime defaults to the slot duration"
    );
    assert_eq!(made.body["appointmentStatus"], "confirmed", "autoConfirm");
    assert_eq!(
        made.body["assignedUserId"],
        cal.team_members[0].user_id.as_str()
    );
    let id = made.body["id"].as_str().unwrap().to_string();

    // The slot is gone from free-slots; a second booking there is refused.
    let (_, body) = free_slots_of(&ghl, &cal.id, day).await;
    assert!(!slots(&body, day).contains(&slot));
    let taken = book(other.clone(), slot.clone(), json!({})).await;
    assert_eq!(taken.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        taken.body["message"],
        "The slot you have selected is no longer available."
    );
    assert_conforms(
        "calendars",
        "/calendars/events/appointments",
        "post",
        400,
        &taken.body,
    );

    // Lunch break, before opening, off the grid, a Sunday afternoon: refused.
    for start in [
        lima(day, 13, 0),
        lima(day, 7, 0),
        lima(day, 8, 10),
        lima(today() - Duration::days(1), 15, 0),
    ] {
        let refused = book(other.clone(), start.clone(), json!({})).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{start}");
    }
    // The front-desk override books anyway (double booking included).
    let forced = book(
        other.clone(),
        slot.clone(),
        json!({"ignoreFreeSlotValidation": true, "appointmentStatus": "new"}),
    )
    .await;
    assert_eq!(forced.status, StatusCode::OK, "{}", forced.body);
    assert_eq!(forced.body["appointmentStatus"], "new");

    // GET has the dates the create answer lacked.
    let (status, got) = ghl.appointment(&id).await;
    assert_eq!(status, StatusCode::OK);
    assert!(got["event"]["dateAdded"]
        .as_str()
        .unwrap()
        .ends_with("-05:00"));
    assert_eq!(got["event"]["contactId"], patient.as_str());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn create_body_is_validated() {
    let sandbox = start_demo().await;
    let ghl = Ghl::new(&sandbox);
    let loc = sandbox.location_id().to_string();
    let cal = medicina(&sandbox).await;
    let contact = some_contact(&sandbox, 1).await;
    let start = lima(today() + Duration::days(2), 9, 0);
    let cases = vec![
        (
            json!({}),
            StatusCode::BAD_REQUEST,
            "calendarId should not be empty",
        ),
        (
            json!({"calendarId": cal.id, "locationId": loc, "contactId": contact,
                   "startTime": lima_midnight(today()).timestamp_millis()}),
            StatusCode::BAD_REQUEST,
            "startTime must be a valid ISO 8601 date string",
        ),
        (
            json!({"calendarId": cal.id, "locationId": loc, "contactId": contact,
                   "startTime": "2026-11-25T09:00:00"}),
            StatusCode::BAD_REQUEST,
            "startTime must be a valid ISO 8601 date string",
        ),
        (
            json!({"calendarId": "NoSuchCalendar000000", "locationId": loc,
                   "contactId": contact, "startTime": start}),
            StatusCode::BAD_REQUEST,
            "Calendar not found",
        ),
        (
            json!({"calendarId": cal.id, "locationId": loc,
                   "contactId": "NoSuchContact0000000", "startTime": start}),
            StatusCode::BAD_REQUEST,
            "Contact not found",
        ),
        (
            json!({"calendarId": cal.id, "locationId": loc, "contactId": contact,
                   "startTime": start, "appointmentStatus": "booked"}),
            StatusCode::BAD_REQUEST,
            "appointmentStatus must be one of",
        ),
        (
            json!({"calendarId": cal.id, "locationId": OTHER_LOCATION, "contactId": contact,
                   "startTime": start}),
            StatusCode::FORBIDDEN,
            "does not have access",
        ),
    ];
    for (body, status, expected) in cases {
        let answer = ghl
            .post(
                "/calendars/events/appointments",
                CALENDARS_VERSION,
                body.clone(),
            )
            .await;
        assert_eq!(answer.status, status, "{body}: {}", answer.body);
        assert!(
            answer.body["message"].to_string().contains(expected),
            "{body}: {}",
            answer.body
        );
    }
    sandbox.shutdown().await;
}

async fn date_updated(ghl: &Ghl, id: &str) -> DateTime<FixedOffset> {
    let (_, body) = ghl.appointment(id).await;
    iso(&body["event"]["dateUpdated"])
}

#[tokio::test]
async fn update_moves_checks_slots_and_always_bumps_date_updated() {
    let sandbox = start_demo().await;
    let ghl = Ghl::new(&sandbox);
    let cal = medicina(&sandbox).await;
    let day = today() + Duration::days(3);
    let (_, body) = free_slots_of(&ghl, &cal.id, day).await;
    let free = slots(&body, day);
    assert!(free.len() >= 2);
    let made = ghl
        .post(
            "/calendars/events/appointments",
            CALENDARS_VERSION,
            json!({"calendarId": cal.id, "locationId": sandbox.location_id(),
                   "contactId": some_contact(&sandbox, 5).await, "startTime": free[0]}),
        )
        .await;
    assert_eq!(made.status, StatusCode::OK);
    let id = made.body["id"].as_str().unwrap().to_string();
    let path = format!("/calendars/events/appointments/{id}");

    let mut last = date_updated(&ghl, &id).await;
    for body in [
        json!({"appointmentStatus": "confirmed"}),
        json!({"title": "Control"}),
        json!({"title": "Control"}),
        json!({"startTime": free[1]}),
    ] {
        let answer = ghl.put(&path, CALENDARS_VERSION, body.clone()).await;
        assert_eq!(answer.status, StatusCode::OK, "{body}: {}", answer.body);
        assert_conforms(
            "calendars",
            "/calendars/events/appointments/{eventId}",
            "put",
            200,
            &answer.body,
        );
        let now = date_updated(&ghl, &id).await;
        assert!(now > last, "{body}: dateUpdated {now} not after {last}");
        last = now;
    }
    // The calendar's listing sees the move (it reads an index of starts).
    let (_, listed) = ghl
        .get(
            "/calendars/events",
            Some(CALENDARS_VERSION),
            &[
                ("locationId", sandbox.location_id()),
                ("calendarId", &cal.id),
                ("startTime", &ms(lima_midnight(day))),
                ("endTime", &ms(lima_midnight(day + Duration::days(1)))),
            ],
        )
        .await;
    let mine: Vec<_> = listed["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["id"] == id.as_str())
        .collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(iso(&mine[0]["startTime"]), iso(&json!(free[1])));
    let moved = ghl.get(&path, Some(CALENDARS_VERSION), &[]).await.1;
    assert_eq!(iso(&moved["event"]["startTime"]), iso(&json!(free[1])));
    assert_eq!(
        iso(&moved["event"]["endTime"]) - iso(&moved["event"]["startTime"]),
        Duration::minutes(30),
        "a new start keeps the length"
    );

    // Onto another cita: refused; cancelling never checks slots.
    let taken = sandbox
        .sandbox()
        .read()
        .await
        .appointments
        .values()
        .find(|a| a.calendar_id == cal.id && a.appointment_status != "cancelled" && a.id != id)
        .map(|a| a.start_time)
        .unwrap();
    let answer = ghl
        .put(
            &path,
            CALENDARS_VERSION,
            json!({"startTime": taken.with_timezone(&chrono_tz::America::Lima).to_rfc3339()}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.body);
    let answer = ghl
        .put(
            &path,
            CALENDARS_VERSION,
            json!({"appointmentStatus": "cancelled"}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body["appointmentStatus"], "cancelled");
    let answer = ghl
        .put(
            &path,
            CALENDARS_VERSION,
            json!({"contactId": some_contact(&sandbox, 9).await}),
        )
        .await;
    assert_eq!(
        answer.status,
        StatusCode::BAD_REQUEST,
        "contactId cannot change"
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn delete_answers_201_succeeded() {
    let sandbox = start_demo().await;
    let ghl = Ghl::new(&sandbox);
    let id = first_key(&sandbox, |w| &w.appointments).await;
    let answer = ghl
        .delete(
            &format!("/calendars/events/{id}"),
            CALENDARS_VERSION,
            Some(json!({})),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED);
    assert_eq!(answer.body, json!({"succeeded": true}));
    assert_conforms(
        "calendars",
        "/calendars/events/{eventId}",
        "delete",
        201,
        &answer.body,
    );
    let (status, _) = ghl.appointment(&id).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let again = ghl
        .delete(&format!("/calendars/events/{id}"), CALENDARS_VERSION, None)
        .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert_conforms(
        "calendars",
        "/calendars/events/{eventId}",
        "delete",
        400,
        &again.body,
    );
    // Another location's token: 403.
    let other_id = first_key(&sandbox, |w| &w.appointments).await;
    let other = ghl.with_token(Some(OTHER_PIT));
    let answer = other
        .delete(
            &format!("/calendars/events/{other_id}"),
            CALENDARS_VERSION,
            None,
        )
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    sandbox.shutdown().await;
}

/// What the seed says about "now" must not matter: dateUpdated of a write
/// is after the record's previous one even when the seed's is in the future.
#[tokio::test]
async fn date_updated_moves_forward_from_a_future_seed() {
    let future = NaiveDate::from_ymd_opt(2030, 1, 7).unwrap();
    let sandbox = start_with(ghl_sandbox::Seed::Demo, future).await;
    let ghl = Ghl::new(&sandbox);
    let cita = sandbox
        .sandbox()
        .read()
        .await
        .appointments
        .values()
        .find(|a| a.appointment_status == "confirmed")
        .cloned()
        .unwrap();
    let before = date_updated(&ghl, &cita.id).await;
    let answer = ghl
        .put(
            &format!("/calendars/events/appointments/{}", cita.id),
            CALENDARS_VERSION,
            json!({"appointmentStatus": "showed"}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(date_updated(&ghl, &cita.id).await > before);
    sandbox.shutdown().await;
}
