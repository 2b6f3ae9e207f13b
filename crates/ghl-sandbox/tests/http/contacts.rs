//! Contacts: create, update, delete, upsert, search, duplicate lookup, a
//! contact's appointments; and `POST /conversations/messages`.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::*;

fn new_patient(loc: &str) -> Value {
    json!({
        "locationId": loc,
        "firstName": "Rosa",
        "lastName": "Quispe Flores",
        "email": "Rosa.Quispe@Example.pe",
        "phone": "+51 987 111 222",
        "dateOfBirth": "1988-04-12",
        "tags": ["Paciente", "paciente", "Nueva"],
        "customFields": [{"key": "dni", "field_value": "45678912"}],
        "source": "citadesk",
    })
}

/// The observed search answer (#289), since the spec documents none:
/// `{contacts: [contact], total, traceId}`.
fn search_schema() -> Value {
    json!({
        "type": "object",
        "required": ["contacts", "total", "traceId"],
        "additionalProperties": false,
        "properties": {
            "contacts": {"type": "array", "items": {"$ref": "#/components/schemas/GetContectByIdSchema"}},
            "total": {"type": "number"},
            "traceId": {"type": "string"},
        }
    })
}

/// Undocumented in the spec; the sandbox answers `{contact}` or `{contact: null}`.
fn duplicate_schema() -> Value {
    json!({
        "type": "object",
        "required": ["contact"],
        "additionalProperties": false,
        "properties": {
            "contact": {"anyOf": [{"type": "null"}, {"$ref": "#/components/schemas/GetContectByIdSchema"}]},
        }
    })
}

#[tokio::test]
async fn create_get_update_delete() {
    let sandbox = start_demo().await;
    let ghl = Ghl::new(&sandbox);
    let loc = sandbox.location_id().to_string();

    let made = ghl
        .post("/contacts/", CONTACTS_VERSION, new_patient(&loc))
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    assert_conforms("contacts", "/contacts/", "post", 201, &made.body);
    let c = &made.body["contact"];
    assert_eq!(c["phone"], "+51987111222", "E.164");
    assert_eq!(c["email"], "rosa.quispe@example.pe");
    assert_eq!(
        c["tags"],
        json!(["paciente", "nueva"]),
        "lower-cased, once each"
    );
    assert_eq!(c["dateOfBirth"], "1988-04-12T00:00:00.000Z");
    assert_eq!(c["customFields"][0]["value"], "45678912");
    let id = c["id"].as_str().unwrap().to_string();

    let (status, got) = ghl
        .get(&format!("/contacts/{id}"), Some(CONTACTS_VERSION), &[])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(got["contact"]["name"], "Rosa Quispe Flores");
    assert_eq!(got["contact"]["dateOfBirth"], "1988-04-12");
    let added = got["contact"]["dateUpdated"].as_str().unwrap().to_string();

    let updated = ghl
        .put(
            &format!("/contacts/{id}"),
            CONTACTS_VERSION,
            json!({"tags": ["vip"], "phone": "987111333", "address1": "Av. Arequipa 123"}),
        )
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.body);
    assert_conforms(
        "contacts",
        "/contacts/{contactId}",
        "put",
        200,
        &updated.body,
    );
    assert_eq!(updated.body["succeded"], true, "GHL's spelling");
    assert_eq!(
        updated.body["contact"]["tags"],
        json!(["vip"]),
        "tags replace the list"
    );
    assert_eq!(
        updated.body["contact"]["phone"], "+51987111333",
        "national number, Peru's code"
    );
    assert!(updated.body["contact"]["dateUpdated"].as_str().unwrap() > added.as_str());

    // Unknown properties: GHL's whitelist validation (422, #262).
    let refused = ghl
        .put(
            &format!("/contacts/{id}"),
            CONTACTS_VERSION,
            json!({"additionalEmails": ["x@y.pe"]}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.body["message"],
        json!(["property additionalEmails should not exist"])
    );
    assert_conforms(
        "contacts",
        "/contacts/{contactId}",
        "put",
        422,
        &refused.body,
    );

    let deleted = ghl
        .delete(&format!("/contacts/{id}"), CONTACTS_VERSION, None)
        .await;
    assert_eq!(deleted.status, StatusCode::OK);
    assert_eq!(deleted.body, json!({"succeded": true}));
    assert_conforms(
        "contacts",
        "/contacts/{contactId}",
        "delete",
        200,
        &deleted.body,
    );
    let (status, body) = ghl
        .get(&format!("/contacts/{id}"), Some(CONTACTS_VERSION), &[])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_conforms("contacts", "/contacts/{contactId}", "get", 400, &body);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn duplicates_are_refused_unless_the_location_allows_them() {
    let sandbox = start_demo().await;
    let ghl = Ghl::new(&sandbox);
    let loc = sandbox.location_id().to_string();
    let existing = contact_with_email(&sandbox).await;
    let mut body = new_patient(&loc);
    body["phone"] = json!(existing.phone.clone().unwrap());
    let refused = ghl.post("/contacts/", CONTACTS_VERSION, body.clone()).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        refused.body["message"],
        "This location does not allow duplicated contacts."
    );
    assert_eq!(refused.body["meta"]["contactId"], existing.id.as_str());
    assert_eq!(refused.body["meta"]["matchingField"], "phone");
    // Thin spec: BadRequestDTO has no `meta`, which GHL adds here.
    let mut without_meta = refused.body.clone();
    without_meta.as_object_mut().unwrap().remove("meta");
    assert_conforms("contacts", "/contacts/", "post", 400, &without_meta);

    let (status, _) = ghl
        .admin_send(
            Method::PATCH,
            &format!("/_sandbox/locations/{loc}/settings"),
            Some(json!({"allowDuplicateContact": true})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let made = ghl.post("/contacts/", CONTACTS_VERSION, body).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn upsert_follows_the_duplicate_setting() {
    let sandbox = start_demo().await;
    let ghl = Ghl::new(&sandbox);
    let loc = sandbox.location_id().to_string();
    let (a, b) = {
        let w = sandbox.sandbox().read().await;
        let mut with_email = w.contacts.values().filter(|c| c.email.is_some());
        (
            with_email.next().cloned().unwrap(),
            with_email.next().cloned().unwrap(),
        )
    };

    // New email and phone: created.
    let answer = ghl
        .post("/contacts/upsert", CONTACTS_VERSION, new_patient(&loc))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_conforms("contacts", "/contacts/upsert", "post", 200, &answer.body);
    assert_eq!(answer.body["new"], true);
    assert!(answer.body["traceId"].is_string());

    // A's email and B's phone: A is updated, B's phone ignored (#37).
    let answer = ghl
        .post(
            "/contacts/upsert",
            CONTACTS_VERSION,
            json!({"locationId": loc, "email": a.email, "phone": b.phone, "city": "Barranco"}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body["new"], false);
    assert_eq!(answer.body["contact"]["id"], a.id.as_str());
    assert_eq!(answer.body["contact"]["city"], "Barranco");
    assert_eq!(
        answer.body["contact"]["phone"],
        a.phone.clone().unwrap().as_str()
    );

    // Duplicates allowed and asked for: a new contact despite the match.
    ghl.admin_send(
        Method::PATCH,
        &format!("/_sandbox/locations/{loc}/settings"),
        Some(json!({"allowDuplicateContact": true})),
    )
    .await;
    let answer = ghl
        .post(
            "/contacts/upsert",
            CONTACTS_VERSION,
            json!({"locationId": loc, "email": a.email, "createNewIfDuplicateAllowed": true}),
        )
        .await;
    assert_eq!(answer.body["new"], true);
    assert_ne!(answer.body["contact"]["id"], a.id.as_str());
    // Not asked for: the normal upsert, which updates the first match.
    let answer = ghl
        .post(
            "/contacts/upsert",
            CONTACTS_VERSION,
            json!({"locationId": loc, "email": b.email}),
        )
        .await;
    assert_eq!(answer.body["new"], false);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn search_pages_filters_and_limits() {
    let sandbox = start_demo().await;
    let ghl = Ghl::new(&sandbox);
    let loc = sandbox.location_id().to_string();
    let total = sandbox.sandbox().read().await.contacts.len();

    let page = |n: u64, limit: u64, extra: Value| {
        let ghl = ghl.clone();
        let loc = loc.clone();
        async move {
            let mut body = json!({"locationId": loc, "page": n, "pageLimit": limit});
            for (k, v) in extra.as_object().unwrap() {
                body[k] = v.clone();
            }
            ghl.post("/contacts/search", CONTACTS_VERSION, body).await
        }
    };
    let first = page(1, 15, json!({})).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_matches_schema("contacts", &search_schema(), &first.body, "search");
    assert_eq!(first.body["total"], total);
    let mut seen = Vec::new();
    for n in 1..=3 {
        let p = page(n, 15, json!({})).await;
        seen.extend(
            p.body["contacts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["id"].as_str().unwrap().to_string()),
        );
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), total, "pages cover everyone once");

    let someone = contact_with_email(&sandbox).await;
    let by_email = page(
        1,
        10,
        json!({"filters": [{"field": "email", "operator": "eq", "value": someone.email}]}),
    )
    .await;
    assert_eq!(by_email.body["total"], 1);
    assert_eq!(by_email.body["contacts"][0]["id"], someone.id.as_str());
    let by_text = page(1, 10, json!({"query": someone.last_name.clone()})).await;
    assert!(by_text.body["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["id"] == someone.id.as_str()));
    let grouped = page(
        1,
        100,
        json!({"filters": [{"group": "OR", "filters": [
            {"field": "tags", "operator": "contains", "value": "fisioterapia"},
            {"field": "tags", "operator": "contains", "value": "nutricion"}
        ]}]}),
    )
    .await;
    assert_eq!(grouped.status, StatusCode::OK);
    for c in grouped.body["contacts"].as_array().unwrap() {
        let tags = c["tags"].to_string();
        assert!(tags.contains("fisioterapia") || tags.contains("nutricion"));
    }

    let too_deep = page(101, 100, json!({})).await;
    assert_eq!(too_deep.status, StatusCode::BAD_REQUEST);
    let bad = page(
        1,
        10,
        json!({"filters": [{"field": "shoeSize", "operator": "eq", "value": 3}]}),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let other = ghl.with_token(Some(OTHER_PIT));
    let refused = other
        .post(
            "/contacts/search",
            CONTACTS_VERSION,
            json!({"locationId": loc, "page": 1, "pageLimit": 5}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn duplicate_lookup_needs_an_encoded_plus() {
    let sandbox = start_demo().await;
    let ghl = Ghl::new(&sandbox);
    let loc = sandbox.location_id().to_string();
    let someone = contact_with_email(&sandbox).await;
    let phone = someone.phone.clone().unwrap();

    // reqwest's query() encodes `+` as %2B, as GHL asks.
    let (status, body) = ghl
        .get(
            "/contacts/search/duplicate",
            Some(CONTACTS_VERSION),
            &[("locationId", &loc), ("number", &phone)],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_matches_schema("contacts", &duplicate_schema(), &body, "duplicate");
    assert_eq!(body["contact"]["id"], someone.id.as_str());

    // A raw `+` is form-decoded to a space and finds nobody.
    let raw = reqwest::Client::new()
        .get(format!(
            "{}/contacts/search/duplicate?locationId={loc}&number={phone}",
            sandbox.base_url()
        ))
        .bearer_auth(sandbox.pit())
        .header("Version", CONTACTS_VERSION)
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(raw, json!({"contact": null}));

    let (_, body) = ghl
        .get(
            "/contacts/search/duplicate",
            Some(CONTACTS_VERSION),
            &[
                ("locationId", &loc),
                ("email", &someone.email.clone().unwrap().to_uppercase()),
            ],
        )
        .await;
    assert_eq!(
        body["contact"]["id"],
        someone.id.as_str(),
        "emails match case-insensitively"
    );
    let (_, body) = ghl
        .get(
            "/contacts/search/duplicate",
            Some(CONTACTS_VERSION),
            &[("locationId", &loc), ("email", "nadie@example.pe")],
        )
        .await;
    assert_matches_schema("contacts", &duplicate_schema(), &body, "duplicate");
    assert_eq!(body["contact"], Value::Null);
    let (status, body) = ghl
        .get("/contacts/search/duplicate", Some(CONTACTS_VERSION), &[])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_conforms("contacts", "/contacts/search/duplicate", "get", 400, &body);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_contacts_appointments() {
    let sandbox = start_demo().await;
    let ghl = Ghl::new(&sandbox);
    let (contact, count) = {
        let w = sandbox.sandbox().read().await;
        let id = w.appointments.values().next().unwrap().contact_id.clone();
        let n = w
            .appointments
            .values()
            .filter(|a| a.contact_id == id)
            .count();
        (id, n)
    };
    let (status, body) = ghl
        .get(
            &format!("/contacts/{contact}/appointments"),
            Some(CONTACTS_VERSION),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_conforms(
        "contacts",
        "/contacts/{contactId}/appointments",
        "get",
        200,
        &body,
    );
    let events = body["events"].as_array().unwrap();
    assert_eq!(events.len(), count);
    for e in events {
        assert_eq!(e["contactId"], contact.as_str());
        // As the spec's examples: wall time, no offset.
        let start = e["startTime"].as_str().unwrap();
        assert!(
            chrono::NaiveDateTime::parse_from_str(start, "%Y-%m-%d %H:%M:%S").is_ok(),
            "{start}"
        );
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn messages_are_recorded_for_the_admin_api() {
    let sandbox = start_demo().await;
    let ghl = Ghl::new(&sandbox);
    let (contact, appointment) = {
        let w = sandbox.sandbox().read().await;
        let a = w.appointments.values().next().unwrap().clone();
        (a.contact_id, a.id)
    };
    let sent = ghl
        .post(
            "/conversations/messages",
            CONVERSATIONS_VERSION,
            json!({"type": "WhatsApp", "contactId": contact, "message": "Le recordamos su cita de mañana", "appointmentId": appointment}),
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    assert_conforms(
        "conversations",
        "/conversations/messages",
        "post",
        200,
        &sent.body,
    );
    assert_eq!(sent.body["status"], "delivered");
    let again = ghl
        .post(
            "/conversations/messages",
            CONVERSATIONS_VERSION,
            json!({"type": "SMS", "contactId": contact, "message": "Responda SI para confirmar"}),
        )
        .await;
    assert_ne!(
        again.body["conversationId"], sent.body["conversationId"],
        "one conversation per contact and channel"
    );

    let log = ghl
        .admin(&format!("/_sandbox/messages?contactId={contact}"))
        .await;
    assert_eq!(log["count"], 2);
    assert_eq!(
        log["messages"][0]["message"],
        "Le recordamos su cita de mañana"
    );
    assert_eq!(log["messages"][0]["type"], "WhatsApp");
    assert_eq!(log["messages"][0]["appointmentId"], appointment.as_str());

    let bad = ghl
        .post(
            "/conversations/messages",
            CONVERSATIONS_VERSION,
            json!({"contactId": contact}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_conforms(
        "conversations",
        "/conversations/messages",
        "post",
        400,
        &bad.body,
    );
    // Conversations take the calendars' Version, not the contacts'.
    let wrong = ghl
        .post(
            "/conversations/messages",
            CONTACTS_VERSION,
            json!({"type": "SMS", "contactId": contact}),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    sandbox.shutdown().await;
}
