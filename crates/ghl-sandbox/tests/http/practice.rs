//! Rooms, schedules, calendar groups and blocked slots: the seeds hold
//! them, GHL's endpoints answer them in the specs' shapes, block slots are
//! written and deleted as GHL does, free slots skip blocks and follow
//! schedules, and the admin API edits them.

use chrono::{Duration, TimeZone};
use chrono_tz::America::Lima;
use serde_json::{json, Value};

use crate::common::*;

fn lima_at(day: chrono::NaiveDate, h: u32, m: u32) -> chrono::DateTime<chrono::Utc> {
    Lima.from_local_datetime(&day.and_hms_opt(h, m, 0).unwrap())
        .single()
        .unwrap()
        .with_timezone(&chrono::Utc)
}

fn iso(at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&Lima).to_rfc3339()
}

/// Calendar ids in name order and their practitioners.
async fn calendars(sandbox: &ghl_sandbox::RunningSandbox) -> Vec<(String, String, String)> {
    let w = sandbox.sandbox().read().await;
    let mut out: Vec<_> = w
        .calendars
        .values()
        .map(|c| {
            (
                c.name.clone(),
                c.id.clone(),
                c.primary_user_id().unwrap_or_default().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn practice_reads_match_the_specs() {
    let sandbox = start_demo().await;
    let ghl = Ghl::new(&sandbox);
    let loc = sandbox.location_id().to_string();
    let cals = calendars(&sandbox).await;
    let get = |path: String, query: Vec<(&'static str, String)>| {
        let ghl = ghl.clone();
        async move {
            let q: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let (status, body) = ghl.get(&path, Some(CALENDARS_VERSION), &q).await;
            assert_eq!(status, 200, "{path}: {body}");
            body
        }
    };

    let body = get(
        "/calendars/groups".into(),
        vec![("locationId", loc.clone())],
    )
    .await;
    assert_conforms("calendars", "/calendars/groups", "get", 200, &body);
    assert_eq!(body["groups"].as_array().unwrap().len(), 1);

    let page = |n: &str| {
        vec![
            ("locationId", loc.clone()),
            ("limit", n.to_string()),
            ("skip", "0".into()),
        ]
    };
    let rooms = get("/calendars/resources/rooms".into(), page("100")).await;
    assert_conforms(
        "calendars",
        "/calendars/resources/{resourceType}",
        "get",
        200,
        &rooms,
    );
    let rooms = rooms.as_array().unwrap().clone();
    assert_eq!(rooms.len(), 3, "{rooms:?}");
    let fisio_room = rooms
        .iter()
        .find(|r| r["calendarIds"][0] == json!(cals[0].1))
        .expect("Fisioterapia has a room");
    assert_eq!(fisio_room["capacity"], 1);
    let equipment = get("/calendars/resources/equipments".into(), page("100")).await;
    assert_eq!(equipment.as_array().unwrap().len(), 1);
    let limited = get("/calendars/resources/rooms".into(), page("2")).await;
    assert_eq!(limited.as_array().unwrap().len(), 2);
    let room_id = fisio_room["id"].as_str().unwrap();
    let one = get(format!("/calendars/resources/rooms/{room_id}"), vec![]).await;
    assert_conforms(
        "calendars",
        "/calendars/resources/{resourceType}/{id}",
        "get",
        200,
        &one,
    );
    assert_eq!(one["name"], fisio_room["name"]);

    let (_, fisio_id, lucia) = &cals[0];
    let schedules = get(
        "/calendars/schedules/search".into(),
        vec![("locationId", loc.clone()), ("userId", lucia.clone())],
    )
    .await;
    assert_conforms(
        "calendars",
        "/calendars/schedules/search",
        "get",
        200,
        &schedules,
    );
    let schedule = &schedules["schedules"][0];
    assert_eq!(schedule["calendarIds"], json!([fisio_id]));
    assert_eq!(schedule["timezone"], "America/Lima");
    assert!(schedule["rules"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["day"] == "monday"
            && r["intervals"][0] == json!({"from": "08:00", "to": "19:00"})));
    let id = schedule["id"].as_str().unwrap();
    let one = get(format!("/calendars/schedules/{id}"), vec![]).await;
    assert_conforms("calendars", "/calendars/schedules/{id}", "get", 200, &one);
    let (status, _) = ghl
        .get("/calendars/schedules/nope", Some(CALENDARS_VERSION), &[])
        .await;
    assert_eq!(status, 404);

    let window = |cal: (&'static str, String)| {
        vec![
            ("locationId", loc.clone()),
            cal,
            ("startTime", ms(lima_midnight(today()))),
            ("endTime", ms(lima_midnight(today() + Duration::days(14)))),
        ]
    };
    let blocked = get(
        "/calendars/blocked-slots".into(),
        window(("calendarId", fisio_id.clone())),
    )
    .await;
    assert_conforms(
        "calendars",
        "/calendars/blocked-slots",
        "get",
        200,
        &blocked,
    );
    let lunch = &blocked["events"][0];
    assert_eq!(lunch["title"], "Almuerzo");
    assert_eq!(
        lunch["startTime"],
        iso(lima_at(today() + Duration::days(1), 13, 0))
    );
    // The Nutrición practitioner's vacation is theirs, not a calendar's.
    let (_, _, rosa) = &cals[2];
    let theirs = get(
        "/calendars/blocked-slots".into(),
        window(("userId", rosa.clone())),
    )
    .await;
    assert_eq!(theirs["events"][0]["title"], "Vacaciones");
    assert!(theirs["events"][0].get("calendarId").is_none());
}

#[tokio::test]
async fn block_slots_are_written_moved_and_deleted_as_ghl_does() {
    let sandbox = start_demo().await;
    let ghl = Ghl::new(&sandbox);
    let loc = sandbox.location_id().to_string();
    let cals = calendars(&sandbox).await;
    let (_, medicina, carlos) = &cals[1];
    let day = today() + Duration::days(3);
    // An hour to block with no seeded cita in it nor in the half hour after
    // (that slot must stay offered), whatever the seed drew.
    let start = {
        let world = sandbox.sandbox().read().await;
        [8, 9, 10, 11, 14, 15, 16, 17]
            .into_iter()
            .map(|h| lima_at(day, h, 0))
            .find(|s| {
                let end = *s + Duration::minutes(90);
                world
                    .appointments
                    .values()
                    .all(|a| a.calendar_id != *medicina || a.end_time <= *s || a.start_time >= end)
            })
            .expect("an hour and a half free that day")
    };

    // A calendar or a practitioner, never both; times required.
    let both = ghl
        .post(
            "/calendars/events/block-slots",
            CALENDARS_VERSION,
            json!({"locationId": loc, "calendarId": medicina, "assignedUserId": carlos,
                   "startTime": iso(start), "endTime": iso(start + Duration::hours(1))}),
        )
        .await;
    assert_eq!(both.status, 400, "{}", both.body);
    let timeless = ghl
        .post(
            "/calendars/events/block-slots",
            CALENDARS_VERSION,
            json!({"locationId": loc, "calendarId": medicina}),
        )
        .await;
    assert_eq!(timeless.status, 400);

    let made = ghl
        .post(
            "/calendars/events/block-slots",
            CALENDARS_VERSION,
            json!({"locationId": loc, "calendarId": medicina, "title": "Reunión",
                   "startTime": iso(start), "endTime": iso(start + Duration::hours(1))}),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.body);
    assert_conforms(
        "calendars",
        "/calendars/events/block-slots",
        "post",
        201,
        &made.body,
    );
    let id = made.body["id"].as_str().unwrap().to_string();

    // Free slots skip it; a cita there is refused unless validation is off.
    let slots = |from: chrono::DateTime<chrono::Utc>| {
        let ghl = ghl.clone();
        let medicina = medicina.clone();
        async move {
            let (_, body) = ghl
                .get(
                    &format!("/calendars/{medicina}/free-slots"),
                    Some(CALENDARS_VERSION),
                    &[
                        ("startDate", &ms(from)),
                        ("endDate", &ms(from + Duration::hours(12))),
                    ],
                )
                .await;
            body[day.format("%Y-%m-%d").to_string()]["slots"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        }
    };
    let free: Vec<Value> = slots(lima_at(day, 0, 0)).await;
    assert!(!free.contains(&json!(iso(start))), "{free:?}");
    assert!(!free.contains(&json!(iso(start + Duration::minutes(30)))));
    assert!(
        free.contains(&json!(iso(start + Duration::hours(1)))),
        "{free:?}"
    );

    let moved = ghl
        .put(
            &format!("/calendars/events/block-slots/{id}"),
            CALENDARS_VERSION,
            json!({"locationId": loc, "calendarId": medicina,
                   "startTime": iso(start + Duration::hours(2)), "endTime": iso(start + Duration::hours(3))}),
        )
        .await;
    assert_eq!(moved.status, 201, "{}", moved.body);
    assert_conforms(
        "calendars",
        "/calendars/events/block-slots/{eventId}",
        "put",
        201,
        &moved.body,
    );
    assert_eq!(moved.body["title"], "Reunión");
    assert!(slots(lima_at(day, 0, 0)).await.contains(&json!(iso(start))));

    let gone = ghl
        .delete(
            &format!("/calendars/events/{id}"),
            CALENDARS_VERSION,
            Some(json!({})),
        )
        .await;
    assert_eq!(gone.status, 201);
    assert_conforms(
        "calendars",
        "/calendars/events/{eventId}",
        "delete",
        201,
        &gone.body,
    );
    assert!(!sandbox.sandbox().read().await.blocks.contains_key(&id));
}

#[tokio::test]
async fn schedules_narrow_the_free_slots_and_admin_edits_take_effect() {
    let sandbox = start_demo().await;
    let ghl = Ghl::new(&sandbox);
    let cals = calendars(&sandbox).await;
    let (_, fisio, lucia) = &cals[0];
    let schedule_id = {
        let w = sandbox.sandbox().read().await;
        w.schedules
            .values()
            .find(|s| &s.user_id == lucia)
            .unwrap()
            .id
            .clone()
    };
    // A Monday three weeks on: Lucía now works 14:00-18:00 that day only.
    let day = today() + Duration::days(21);
    let (status, body) = ghl
        .admin_send(
            reqwest::Method::PATCH,
            &format!("/_sandbox/schedules/{schedule_id}"),
            Some(json!({"rules": [
                {"type": "wday", "day": "monday", "intervals": [{"from": "08:00", "to": "19:00"}]},
                {"type": "date", "date": day.format("%Y-%m-%d").to_string(), "intervals": [{"from": "14:00", "to": "18:00"}]}
            ]})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, free) = ghl
        .get(
            &format!("/calendars/{fisio}/free-slots"),
            Some(CALENDARS_VERSION),
            &[
                ("startDate", &ms(lima_midnight(day))),
                ("endDate", &ms(lima_midnight(day + Duration::days(1)))),
            ],
        )
        .await;
    let slots = free[day.format("%Y-%m-%d").to_string()]["slots"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(
        slots.first(),
        Some(&json!(iso(lima_at(day, 14, 0)))),
        "{slots:?}"
    );
    assert_eq!(slots.last(), Some(&json!(iso(lima_at(day, 17, 0)))));

    // Rooms and blocks through the admin API.
    let (status, room) = ghl
        .admin_send(
            reqwest::Method::POST,
            "/_sandbox/resources",
            Some(json!({"resourceType": "rooms", "name": "Sala de procedimientos", "capacity": 2, "calendarIds": [fisio]})),
        )
        .await;
    assert_eq!(status, 201, "{room}");
    let room_id = room["id"].as_str().unwrap();
    let (status, _) = ghl
        .admin_send(
            reqwest::Method::PATCH,
            &format!("/_sandbox/resources/{room_id}"),
            Some(json!({"capacity": 3})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        sandbox.sandbox().read().await.resources[room_id].capacity,
        3
    );
    let (status, block) = ghl
        .admin_send(
            reqwest::Method::POST,
            "/_sandbox/blocks",
            Some(json!({"calendarId": fisio, "title": "Inventario",
                        "startTime": iso(lima_at(day, 15, 0)), "endTime": iso(lima_at(day, 16, 0))})),
        )
        .await;
    assert_eq!(status, 201, "{block}");
    let block_id = block["id"].as_str().unwrap();
    let (status, moved) = ghl
        .admin_send(
            reqwest::Method::PATCH,
            &format!("/_sandbox/blocks/{block_id}"),
            Some(
                json!({"startTime": iso(lima_at(day, 16, 0)), "endTime": iso(lima_at(day, 17, 0))}),
            ),
        )
        .await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(moved["startTime"], iso(lima_at(day, 16, 0)));
    for path in [
        format!("/_sandbox/blocks/{block_id}"),
        format!("/_sandbox/resources/{room_id}"),
        format!("/_sandbox/schedules/{schedule_id}"),
    ] {
        let (status, _) = ghl.admin_send(reqwest::Method::DELETE, &path, None).await;
        assert_eq!(status, 204, "{path}");
    }
    let w = sandbox.sandbox().read().await;
    assert!(!w.blocks.contains_key(block_id) && !w.resources.contains_key(room_id));
    assert!(!w.schedules.contains_key(&schedule_id));
}

#[tokio::test]
async fn the_large_seed_shares_rooms_and_has_schedules_and_blocks() {
    let sandbox = start_with(ghl_sandbox::Seed::Large, today()).await;
    let w = sandbox.sandbox().read().await;
    assert_eq!(w.resources.len(), 10);
    assert!(w
        .resources
        .values()
        .all(|r| r.calendar_ids.len() == 2 && r.capacity == 2));
    assert_eq!(w.schedules.len(), ghl_sandbox::seed::LARGE_CALENDARS);
    assert_eq!(w.blocks.len(), 4);
}
