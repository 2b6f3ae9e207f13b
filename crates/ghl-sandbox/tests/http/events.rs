//! `GET /calendars/events` and `GET /calendars/events/appointments/{id}`.

use chrono::{DateTime, Duration, Utc};
use reqwest::StatusCode;
use serde_json::Value;

use crate::common::*;

fn iso(v: &Value) -> DateTime<chrono::FixedOffset> {
    DateTime::parse_from_rfc3339(v.as_str().expect("time is a string")).expect("ISO-8601 time")
}

#[tokio::test]
async fn parameters_are_validated_with_ghl_bodies() {
    let sandbox = start_demo().await;
    let ghl = Ghl::new(&sandbox);
    let loc = sandbox.location_id().to_string();
    let cal = first_key(&sandbox, |w| &w.calendars).await;
    let (start, end) = (
        ms(lima_midnight(today())),
        ms(lima_midnight(today() + Duration::days(1))),
    );
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        // No owner filter: GHL needs one of calendarId, userId or groupId.
        (
            vec![
                ("locationId", &loc),
                ("startTime", &start),
                ("endTime", &end),
            ],
            "Either of calendarId, userId or groupId",
        ),
        (
            vec![
                ("locationId", &loc),
                ("calendarId", &cal),
                ("endTime", &end),
            ],
            "startTime should not be empty",
        ),
        (
            vec![
                ("calendarId", &cal),
                ("startTime", &start),
                ("endTime", &end),
            ],
            "locationId should not be empty",
        ),
        // ISO instead of epoch milliseconds.
        (
            vec![
                ("locationId", &loc),
                ("calendarId", &cal),
                ("startTime", "2026-11-23T00:00:00-05:00"),
                ("endTime", &end),
            ],
            "startTime must be a number string",
        ),
        (
            vec![
                ("locationId", &loc),
                ("calendarId", &cal),
                ("startTime", &end),
                ("endTime", &start),
            ],
            "endTime must be after startTime",
        ),
    ];
    for (query, expected) in cases {
        let (status, body) = ghl
            .get("/calendars/events", Some(CALENDARS_VERSION), &query)
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query:?}: {body}");
        assert!(
            body["message"].as_str().unwrap_or("").contains(expected),
            "{query:?}: {body}"
        );
        assert_conforms("calendars", "/calendars/events", "get", 400, &body);
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn lists_one_calendars_events_in_lima_time() {
    let sandbox = start_demo().await;
    let ghl = Ghl::new(&sandbox);
    let loc = sandbox.location_id().to_string();
    let (from, to) = (
        lima_midnight(today() - Duration::days(7)),
        lima_midnight(today() + Duration::days(15)),
    );
    let (_, body) = ghl.calendars(&loc).await;
    for calendar in body["calendars"].as_array().unwrap() {
        let cal = calendar["id"].as_str().unwrap();
        let (status, body) = ghl
            .get(
                "/calendars/events",
                Some(CALENDARS_VERSION),
                &[
                    ("locationId", &loc),
                    ("calendarId", cal),
                    ("startTime", &ms(from)),
                    ("endTime", &ms(to)),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let events = body["events"].as_array().unwrap();
        assert!(
            events.len() > 20,
            "{} has {} events",
            calendar["name"],
            events.len()
        );
        let mut previous = None;
        for event in events {
            assert_eq!(event["calendarId"], cal);
            assert_eq!(event["locationId"], loc.as_str());
            for field in ["startTime", "endTime", "dateAdded", "dateUpdated"] {
                let text = event[field].as_str().unwrap();
                assert!(
                    text.ends_with("-05:00"),
                    "{field} {text} lacks Lima's offset"
                );
                iso(&event[field]);
            }
            let start = iso(&event["startTime"]);
            assert!(
                previous.is_none_or(|p| p <= start),
                "events are in start order"
            );
            previous = Some(start);
        }
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn window_is_half_open_and_catches_overlaps() {
    let sandbox = start_demo().await;
    let ghl = Ghl::new(&sandbox);
    let loc = sandbox.location_id().to_string();
    let cita = {
        let world = sandbox.sandbox().read().await;
        world
            .appointments
            .values()
            .find(|a| a.start_time > lima_midnight(today()))
            .cloned()
            .unwrap()
    };
    let query = |from: DateTime<Utc>, to: DateTime<Utc>| {
        let ghl = ghl.clone();
        let (loc, cal, id) = (loc.clone(), cita.calendar_id.clone(), cita.id.clone());
        async move {
            let (status, body) = ghl
                .get(
                    "/calendars/events",
                    Some(CALENDARS_VERSION),
                    &[
                        ("locationId", &loc),
                        ("calendarId", &cal),
                        ("startTime", &ms(from)),
                        ("endTime", &ms(to)),
                    ],
                )
                .await;
            assert_eq!(status, StatusCode::OK);
            body["events"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["id"] == id.as_str())
        }
    };
    let (s, e) = (cita.start_time, cita.end_time);
    let one_ms = Duration::milliseconds(1);
    // [from, to): a window ending exactly at the start, or starting exactly at
    // the end, does not overlap (back-to-back citas do not overlap).
    assert!(!query(s - Duration::hours(1), s).await);
    assert!(!query(e, e + Duration::hours(1)).await);
    // Any shared millisecond is an overlap, from either side or inside.
    assert!(query(s - Duration::hours(1), s + one_ms).await);
    assert!(query(e - one_ms, e + Duration::hours(1)).await);
    assert!(query(s + one_ms, e - one_ms).await);
    assert!(query(s - Duration::days(1), e + Duration::days(1)).await);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn user_and_group_filters() {
    let sandbox = start_demo().await;
    let ghl = Ghl::new(&sandbox);
    let loc = sandbox.location_id().to_string();
    let (from, to) = (
        ms(lima_midnight(today() - Duration::days(7))),
        ms(lima_midnight(today() + Duration::days(15))),
    );
    let (calendars, group_id, total) = {
        let world = sandbox.sandbox().read().await;
        let calendars: Vec<_> = world.calendars.values().cloned().collect();
        (
            calendars,
            world.calendar_groups.keys().next().cloned().unwrap(),
            world.appointments.len(),
        )
    };
    let mut by_user = 0;
    for calendar in &calendars {
        let user = calendar.team_members[0].user_id.as_str();
        let (status, body) = ghl
            .get(
                "/calendars/events",
                Some(CALENDARS_VERSION),
                &[
                    ("locationId", &loc),
                    ("userId", user),
                    ("startTime", &from),
                    ("endTime", &to),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let events = body["events"].as_array().unwrap();
        assert!(events.iter().all(|e| e["assignedUserId"] == user));
        by_user += events.len();
    }
    assert_eq!(by_user, total, "each cita has one practitioner");
    let (_, body) = ghl
        .get(
            "/calendars/events",
            Some(CALENDARS_VERSION),
            &[
                ("locationId", &loc),
                ("groupId", &group_id),
                ("startTime", &from),
                ("endTime", &to),
            ],
        )
        .await;
    assert_eq!(body["events"].as_array().unwrap().len(), total);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn gets_one_appointment_by_id() {
    let sandbox = start_demo().await;
    let ghl = Ghl::new(&sandbox);
    let cita = sandbox
        .sandbox()
        .read()
        .await
        .appointments
        .values()
        .next()
        .cloned()
        .unwrap();
    let (status, body) = ghl.appointment(&cita.id).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["event"]["id"], cita.id.as_str());
    assert_eq!(iso(&body["event"]["startTime"]), cita.start_time);
    let (status, body) = ghl
        .get(
            "/calendars/events/appointments/NoSuchEvent000000000",
            Some(CALENDARS_VERSION),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_conforms(
        "calendars",
        "/calendars/events/appointments/{eventId}",
        "get",
        400,
        &body,
    );
    sandbox.shutdown().await;
}
