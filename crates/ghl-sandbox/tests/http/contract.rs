//! Contract tests: responses validated against the official OpenAPI files
//! with a JSON-schema validator (see common.rs for how the specs are made
//! strict and which known spec errors are patched).

use chrono::Duration;
use serde_json::Value;

use crate::common::*;

#[tokio::test]
async fn successful_responses_match_the_specs() {
    let sandbox = start_demo().await;
    let ghl = Ghl::new(&sandbox);
    let loc = sandbox.location_id().to_string();
    let (calendar_id, contact_id, event_id, company_id) = {
        let w = sandbox.sandbox().read().await;
        (
            w.calendars.keys().next().cloned().unwrap(),
            w.contacts.keys().next().cloned().unwrap(),
            w.appointments.keys().next().cloned().unwrap(),
            w.primary_location().company_id.clone(),
        )
    };
    let (from, to) = (
        ms(lima_midnight(today() - Duration::days(7))),
        ms(lima_midnight(today() + Duration::days(7))),
    );

    let check = |app: &'static str, spec_path: &'static str, body: Value| {
        assert_conforms(app, spec_path, "get", 200, &body);
        body
    };
    let get = |path: String, version: &'static str, query: Vec<(&'static str, String)>| {
        let ghl = ghl.clone();
        async move {
            let q: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let (status, body) = ghl.get(&path, Some(version), &q).await;
            assert_eq!(status, 200, "{path}: {body}");
            body
        }
    };

    let body = get(format!("/locations/{loc}"), CONTACTS_VERSION, vec![]).await;
    check("locations", "/locations/{locationId}", body);

    let body = get(
        "/users/search".into(),
        CONTACTS_VERSION,
        vec![
            ("companyId", company_id.clone()),
            ("locationId", loc.clone()),
        ],
    )
    .await;
    let body = check("users", "/users/search", body);
    assert_eq!(body["count"], 4);

    let body = get(
        "/calendars/".into(),
        CALENDARS_VERSION,
        vec![("locationId", loc.clone())],
    )
    .await;
    check("calendars", "/calendars/", body);

    let body = get(
        format!("/calendars/{calendar_id}"),
        CALENDARS_VERSION,
        vec![],
    )
    .await;
    check("calendars", "/calendars/{calendarId}", body);

    let body = get(
        "/calendars/events".into(),
        CALENDARS_VERSION,
        vec![
            ("locationId", loc.clone()),
            ("calendarId", calendar_id.clone()),
            ("startTime", from),
            ("endTime", to),
        ],
    )
    .await;
    let body = check("calendars", "/calendars/events", body);
    assert!(!body["events"].as_array().unwrap().is_empty());

    let body = get(
        format!("/calendars/events/appointments/{event_id}"),
        CALENDARS_VERSION,
        vec![],
    )
    .await;
    check(
        "calendars",
        "/calendars/events/appointments/{eventId}",
        body,
    );

    let body = get(format!("/contacts/{contact_id}"), CONTACTS_VERSION, vec![]).await;
    let body = check("contacts", "/contacts/{contactId}", body);
    assert!(body["contact"]["dateAdded"]
        .as_str()
        .unwrap()
        .ends_with('Z'));
    assert!(body["contact"]["customFields"][0]["value"].is_string());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn error_responses_match_the_specs() {
    let sandbox = start_demo().await;
    let ghl = Ghl::new(&sandbox);
    let loc = sandbox.location_id().to_string();

    // 422 where the spec documents UnprocessableDTO.
    let (status, body) = ghl
        .get(
            "/users/search",
            Some(CONTACTS_VERSION),
            &[("locationId", &loc)],
        )
        .await;
    assert_eq!(status, 422);
    assert_conforms("users", "/users/search", "get", 422, &body);

    // 400 where the spec documents only BadRequestDTO.
    let (status, body) = ghl.get("/calendars/", Some(CALENDARS_VERSION), &[]).await;
    assert_eq!(status, 400);
    assert_conforms("calendars", "/calendars/", "get", 400, &body);

    let (status, body) = ghl
        .get(
            "/contacts/NoSuchContact0000000",
            Some(CONTACTS_VERSION),
            &[],
        )
        .await;
    assert_eq!(status, 400);
    assert_conforms("contacts", "/contacts/{contactId}", "get", 400, &body);

    let (status, body) = ghl
        .with_token(None)
        .get("/calendars/", Some(CALENDARS_VERSION), &[])
        .await;
    assert_eq!(status, 401);
    assert_conforms("calendars", "/calendars/", "get", 401, &body);
    sandbox.shutdown().await;
}

/// The strict mode really bites: an unknown field fails validation.
#[test]
fn validator_rejects_fields_the_spec_does_not_name() {
    let body = serde_json::json!({"location": {"id": "x", "timeZone": "America/Lima"}});
    let result = std::panic::catch_unwind(|| {
        assert_conforms("locations", "/locations/{locationId}", "get", 200, &body)
    });
    assert!(result.is_err());
}
