//! Faults injected through the admin API, per-endpoint request counts, and
//! changes made "in GHL's web UI".

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::*;

async fn fault(ghl: &Ghl, body: Value) {
    let (status, answer) = ghl
        .admin_send(Method::POST, "/_sandbox/faults", Some(body))
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}

#[tokio::test]
async fn errors_for_the_next_n_calls_then_normal() {
    let sandbox = start_demo().await;
    let ghl = Ghl::new(&sandbox);
    let loc = sandbox.location_id().to_string();
    let path = format!("/locations/{loc}");
    let call = || ghl.send(Method::GET, &path, Some(CONTACTS_VERSION), None);

    fault(&ghl, json!({"kind": "429", "count": 2})).await;
    for _ in 0..2 {
        let a = call().await;
        assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(a.headers["x-ratelimit-remaining"], "0");
    }
    assert_eq!(call().await.status, StatusCode::OK);

    fault(&ghl, json!({"kind": "500"})).await;
    let a = call().await;
    assert_eq!(a.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        a.body,
        json!({"statusCode": 500, "message": "Internal server error"})
    );

    fault(&ghl, json!({"kind": "502"})).await;
    let a = call().await;
    assert_eq!(a.status, StatusCode::BAD_GATEWAY);
    assert_eq!(a.body, Value::Null, "the gateway answers HTML, not JSON");

    fault(&ghl, json!({"kind": "revoked_token"})).await;
    let a = call().await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_conforms("locations", "/locations/{locationId}", "get", 401, &a.body);
    assert_eq!(call().await.status, StatusCode::OK);

    // Only the path asked for.
    fault(&ghl, json!({"kind": "500", "path": "/calendars/events"})).await;
    assert_eq!(call().await.status, StatusCode::OK);
    let (status, _) = ghl
        .get("/calendars/events", Some(CALENDARS_VERSION), &[])
        .await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);

    let (status, _) = ghl
        .admin_send(
            Method::POST,
            "/_sandbox/faults",
            Some(json!({"kind": "teapot"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn latency_and_timeout() {
    let sandbox = start_demo().await;
    let ghl = Ghl::new(&sandbox);
    let path = format!("/locations/{}", sandbox.location_id());

    fault(&ghl, json!({"kind": "latency", "ms": 300})).await;
    let started = Instant::now();
    let a = ghl
        .send(Method::GET, &path, Some(CONTACTS_VERSION), None)
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(300));

    // A client with a short timeout gives up; the hang outlasts it.
    fault(&ghl, json!({"kind": "timeout"})).await;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let err = client
        .get(format!("{}{path}", sandbox.base_url()))
        .bearer_auth(sandbox.pit())
        .header("Version", CONTACTS_VERSION)
        .send()
        .await
        .expect_err("times out");
    assert!(err.is_timeout(), "{err}");
    let a = ghl
        .send(Method::GET, &path, Some(CONTACTS_VERSION), None)
        .await;
    assert_eq!(a.status, StatusCode::OK);

    // A hung request does not hold the shutdown.
    fault(&ghl, json!({"kind": "timeout", "ms": 60000})).await;
    let url = format!("{}{path}", sandbox.base_url());
    let pit = sandbox.pit().to_string();
    let hung = tokio::spawn(async move {
        reqwest::Client::new()
            .get(url)
            .bearer_auth(pit)
            .header("Version", CONTACTS_VERSION)
            .send()
            .await
            .map(|r| r.status())
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    sandbox.shutdown().await;
    assert!(started.elapsed() < Duration::from_secs(5));
    let status = hung.await.unwrap().unwrap();
    assert_eq!(status, StatusCode::GATEWAY_TIMEOUT);
}

#[tokio::test]
async fn request_counts_per_endpoint() {
    let sandbox = start_demo().await;
    let ghl = Ghl::new(&sandbox);
    let ids: Vec<String> = sandbox
        .sandbox()
        .read()
        .await
        .contacts
        .keys()
        .take(3)
        .cloned()
        .collect();
    for id in &ids {
        ghl.get(&format!("/contacts/{id}"), Some(CONTACTS_VERSION), &[])
            .await;
    }
    ghl.get("/nowhere", None, &[]).await;
    let counts = ghl.admin("/_sandbox/requests/counts").await;
    assert_eq!(counts["counts"]["GET /contacts/{contactId}"], 3, "{counts}");
    assert_eq!(counts["counts"]["GET /nowhere"], 1);
    assert_eq!(counts["total"], 4);
    let log = ghl.admin("/_sandbox/requests").await;
    assert_eq!(log["requests"][0]["route"], "/contacts/{contactId}");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn ui_changes_skip_slot_checks() {
    let sandbox = start_demo().await;
    let ghl = Ghl::new(&sandbox);
    let (cal, contact, taken) = {
        let w = sandbox.sandbox().read().await;
        let a = w
            .appointments
            .values()
            .find(|a| a.appointment_status == "confirmed")
            .unwrap()
            .clone();
        let other = w
            .contacts
            .keys()
            .find(|c| **c != a.contact_id)
            .unwrap()
            .clone();
        (a.calendar_id.clone(), other, a.start_time)
    };
    // Double-booked at the front desk: GHL's UI allows it.
    let start = taken.with_timezone(&chrono_tz::America::Lima).to_rfc3339();
    let (status, event) = ghl
        .admin_send(
            Method::POST,
            "/_sandbox/appointments?webhooks=false",
            Some(json!({"calendarId": cal, "contactId": contact, "startTime": start})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{event}");
    // The admin answers the event in GHL's read shape.
    assert_conforms(
        "calendars",
        "/calendars/events/appointments/{eventId}",
        "get",
        200,
        &json!({ "event": event }),
    );
    assert_eq!(event["createdBy"]["source"], "calendar_page");
    let id = event["id"].as_str().unwrap().to_string();
    let (status, _) = ghl.appointment(&id).await;
    assert_eq!(status, StatusCode::OK);

    let (status, event) = ghl
        .admin_send(
            Method::POST,
            &format!("/_sandbox/appointments/{id}/cancel"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(event["appointmentStatus"], "cancelled");
    let (status, event) = ghl
        .admin_send(
            Method::PATCH,
            &format!("/_sandbox/appointments/{id}"),
            Some(json!({"appointmentStatus": "showed", "title": "Atendido"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(event["title"], "Atendido");
    let (status, _) = ghl
        .admin_send(
            Method::DELETE,
            &format!("/_sandbox/appointments/{id}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = ghl
        .admin_send(
            Method::DELETE,
            &format!("/_sandbox/appointments/{id}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, c) = ghl
        .admin_send(
            Method::POST,
            "/_sandbox/contacts",
            Some(json!({"firstName": "Luz", "lastName": "Apaza", "phone": "987000111"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    assert_eq!(c["phone"], "+51987000111");
    let cid = c["id"].as_str().unwrap();
    let (status, c) = ghl
        .admin_send(
            Method::PATCH,
            &format!("/_sandbox/contacts/{cid}"),
            Some(json!({"email": "luz.apaza@gmail.com"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(c["email"], "luz.apaza@gmail.com");
    let (status, _) = ghl
        .admin_send(Method::DELETE, &format!("/_sandbox/contacts/{cid}"), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    sandbox.shutdown().await;
}

/// GHL finishes a request it received even when the caller hangs up while it
/// is held: the contact exists afterwards, as the crash test relies on.
#[tokio::test]
async fn a_held_request_is_finished_after_the_caller_hangs_up() {
    let sandbox = start_demo().await;
    let ghl = Ghl::new(&sandbox);
    let loc = sandbox.location_id().to_string();
    fault(
        &ghl,
        json!({"kind": "latency", "ms": 300, "path": "/contacts/"}),
    )
    .await;
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(50))
        .build()
        .unwrap();
    let err = impatient
        .post(format!("{}/contacts/", sandbox.base_url()))
        .bearer_auth(sandbox.pit())
        .header("Version", CONTACTS_VERSION)
        .json(&json!({"locationId": loc, "firstName": "Colgó", "phone": "+51 987 000 111"}))
        .send()
        .await
        .expect_err("the caller gives up");
    assert!(err.is_timeout(), "{err}");
    let made = || async {
        let world = sandbox.sandbox().read().await;
        let colgo = world.contacts.values().filter(|c| c.first_name == "Colgó");
        colgo.count()
    };
    assert_eq!(made().await, 0, "still held");
    let started = Instant::now();
    while made().await == 0 && started.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        made().await,
        1,
        "GHL finished the request after the hang-up"
    );
    sandbox.shutdown().await;
}
