//! Webhooks as a receiver sees them: raw bytes, signatures checked with the
//! PUBLIC keys only (as the app does), GHL's retry-only-on-429 rule, and
//! the delivery faults.

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode as AxumStatus};
use base64::Engine;
use ed25519_dalek::pkcs8::DecodePublicKey;
use ghl_sandbox::{SandboxConfig, WebhookConfig};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::*;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .expect("fixture")
}

/// One POST as received.
#[derive(Debug, Clone)]
struct Received {
    headers: HeaderMap,
    raw: Bytes,
}

impl Received {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.raw).expect("JSON body")
    }
}

#[derive(Default)]
struct Inbox {
    received: Vec<Received>,
    /// Statuses to answer, in order; then 200.
    script: VecDeque<u16>,
}

#[derive(Clone, Default)]
struct Receiver {
    inbox: Arc<Mutex<Inbox>>,
    url: String,
}

impl Receiver {
    async fn start() -> Self {
        let inbox = Arc::new(Mutex::new(Inbox::default()));
        let app = axum::Router::new()
            .route("/hooks", axum::routing::post(receive))
            .with_state(inbox.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hooks", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { inbox, url }
    }

    fn answer_with(&self, statuses: &[u16]) {
        self.inbox.lock().unwrap().script.extend(statuses);
    }

    fn received(&self) -> Vec<Received> {
        self.inbox.lock().unwrap().received.clone()
    }

    /// Wait until `n` POSTs arrived (or fail after 5 s).
    async fn wait_for(&self, n: usize) -> Vec<Received> {
        for _ in 0..500 {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("expected {n} webhooks, got {}", self.received().len());
    }
}

async fn receive(
    State(inbox): State<Arc<Mutex<Inbox>>>,
    headers: HeaderMap,
    raw: Bytes,
) -> AxumStatus {
    let mut inbox = inbox.lock().unwrap();
    inbox.received.push(Received { headers, raw });
    let status = inbox.script.pop_front().unwrap_or(200);
    AxumStatus::from_u16(status).unwrap()
}

fn verify_ed25519(public_pem: &str, r: &Received) {
    let key = ed25519_dalek::VerifyingKey::from_public_key_pem(public_pem).expect("SPKI PEM");
    let sig = base64::engine::general_purpose::STANDARD
        .decode(r.headers["x-ghl-signature"].as_bytes())
        .expect("base64");
    let sig = ed25519_dalek::Signature::from_slice(&sig).expect("64 bytes");
    key.verify_strict(&r.raw, &sig)
        .expect("x-ghl-signature verifies over the raw body");
}

fn verify_rsa(public_pem: &str, r: &Received) {
    use rsa::signature::Verifier;
    let key = rsa::RsaPublicKey::from_public_key_pem(public_pem).expect("SPKI PEM");
    let key = rsa::pkcs1v15::VerifyingKey::<rsa::sha2::Sha256>::new(key);
    let sig = base64::engine::general_purpose::STANDARD
        .decode(r.headers["x-wh-signature"].as_bytes())
        .expect("base64");
    let sig = rsa::pkcs1v15::Signature::try_from(sig.as_slice()).expect("signature");
    key.verify(&r.raw, &sig)
        .expect("x-wh-signature verifies over the raw body");
}

fn compressed(urls: Vec<String>) -> WebhookConfig {
    WebhookConfig {
        urls,
        ed25519_private_key_pem: Some(fixture("webhook-ed25519.pem")),
        rsa_private_key_pem: Some(fixture("webhook-rsa.pem")),
        retry_schedule: vec![
            Duration::from_millis(10),
            Duration::from_millis(20),
            Duration::from_millis(40),
        ],
        ..Default::default()
    }
}

async fn start_hooked(webhooks: WebhookConfig) -> ghl_sandbox::RunningSandbox {
    start_config(SandboxConfig {
        today: Some(today()),
        webhooks,
        ..Default::default()
    })
    .await
}

/// Book, move, delete a cita and create, update, delete a contact through
/// the API; six signed events arrive in order.
#[tokio::test]
async fn every_api_change_is_signed_and_delivered_in_order() {
    let receiver = Receiver::start().await;
    let sandbox = start_hooked(compressed(vec![receiver.url.clone()])).await;
    let ghl = Ghl::new(&sandbox);
    let loc = sandbox.location_id().to_string();
    let (cal, contact) = {
        let w = sandbox.sandbox().read().await;
        (
            w.calendars.keys().next().cloned().unwrap(),
            w.contacts.keys().next().cloned().unwrap(),
        )
    };
    let start = format!(
        "{}T10:00:00-05:00",
        (today() + chrono::Duration::days(1)).format("%Y-%m-%d")
    );
    let made = ghl
        .post(
            "/calendars/events/appointments",
            CALENDARS_VERSION,
            json!({"calendarId": cal, "locationId": loc, "contactId": contact,
                   "startTime": start, "ignoreFreeSlotValidation": true}),
        )
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    let id = made.body["id"].as_str().unwrap().to_string();
    ghl.put(
        &format!("/calendars/events/appointments/{id}"),
        CALENDARS_VERSION,
        json!({"appointmentStatus": "showed"}),
    )
    .await;
    ghl.delete(&format!("/calendars/events/{id}"), CALENDARS_VERSION, None)
        .await;
    let c = ghl
        .post(
            "/contacts/",
            CONTACTS_VERSION,
            json!({"locationId": loc, "firstName": "Ana", "lastName": "Ramos", "phone": "+51911222333"}),
        )
        .await;
    let cid = c.body["contact"]["id"].as_str().unwrap().to_string();
    ghl.put(
        &format!("/contacts/{cid}"),
        CONTACTS_VERSION,
        json!({"city": "Lince"}),
    )
    .await;
    ghl.delete(&format!("/contacts/{cid}"), CONTACTS_VERSION, None)
        .await;

    let got = receiver.wait_for(6).await;
    let types: Vec<String> = got
        .iter()
        .map(|r| r.json()["type"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        types,
        [
            "AppointmentCreate",
            "AppointmentUpdate",
            "AppointmentDelete",
            "ContactCreate",
            "ContactUpdate",
            "ContactDelete"
        ]
    );
    let (ed_pub, rsa_pub) = (
        fixture("webhook-ed25519.pub.pem"),
        fixture("webhook-rsa.pub.pem"),
    );
    let mut ids = HashSet::new();
    for r in &got {
        verify_ed25519(&ed_pub, r);
        verify_rsa(&rsa_pub, r);
        let body = r.json();
        assert_webhook_conforms(body["type"].as_str().unwrap(), &body);
        let at = chrono::DateTime::parse_from_rfc3339(body["timestamp"].as_str().unwrap()).unwrap();
        assert!(
            (chrono::Utc::now() - at.with_timezone(&chrono::Utc))
                .num_seconds()
                .abs()
                < 60
        );
        assert!(
            ids.insert(body["webhookId"].as_str().unwrap().to_string()),
            "unique webhookId"
        );
        assert_eq!(body["locationId"], loc.as_str());
    }
    let create = got[0].json();
    assert_eq!(create["appointment"]["id"], id.as_str());
    assert_eq!(create["appointment"]["startTime"], start.as_str());
    assert_eq!(got[1].json()["appointment"]["appointmentStatus"], "showed");
    assert!(
        got[1].json()["appointment"]["dateUpdated"].as_str()
            >= create["appointment"]["dateUpdated"].as_str()
    );
    assert_eq!(got[3].json()["id"], cid.as_str(), "contact events are flat");
    assert_eq!(got[4].json()["city"], "Lince");

    // A tampered byte fails verification.
    let mut tampered = got[0].clone();
    let mut raw = tampered.raw.to_vec();
    raw[10] ^= 1;
    tampered.raw = raw.into();
    assert!(std::panic::catch_unwind(|| verify_ed25519(&ed_pub, &tampered)).is_err());

    let report = ghl.admin("/_sandbox/webhooks").await;
    assert_eq!(report["stats"]["emitted"], 6);
    assert_eq!(report["stats"]["delivered"], 6);
    assert_eq!(report["events"].as_array().unwrap().len(), 6);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn built_in_key_when_none_is_given() {
    let receiver = Receiver::start().await;
    let sandbox = start_hooked(WebhookConfig {
        urls: vec![receiver.url.clone()],
        ..Default::default()
    })
    .await;
    let ghl = Ghl::new(&sandbox);
    // A change made in GHL's web UI is announced too.
    let (status, _) = ghl
        .admin_send(
            Method::POST,
            "/_sandbox/contacts",
            Some(json!({"firstName": "Hugo", "lastName": "Ticona"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let got = receiver.wait_for(1).await;
    let public = ghl.admin("/_sandbox/webhooks").await["publicKeys"]["ed25519"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(public, ghl_sandbox::webhooks::builtin_ed25519_public_pem());
    verify_ed25519(&public, &got[0]);
    assert!(
        !got[0].headers.contains_key("x-wh-signature"),
        "no RSA key, no legacy header"
    );
    assert_eq!(got[0].json()["type"], "ContactCreate");

    // Silent changes (as GHL sometimes makes, #77) send nothing.
    let id = got[0].json()["id"].as_str().unwrap().to_string();
    ghl.admin_send(
        Method::PATCH,
        &format!("/_sandbox/contacts/{id}?webhooks=false"),
        Some(json!({"city": "Surco"})),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(receiver.received().len(), 1);
    sandbox.shutdown().await;
}

async fn ui_contact(ghl: &Ghl, first: &str) {
    let (status, body) = ghl
        .admin_send(
            Method::POST,
            "/_sandbox/contacts",
            Some(json!({"firstName": first, "lastName": "Prueba"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

#[tokio::test]
async fn retried_only_after_429() {
    let receiver = Receiver::start().await;
    let sandbox = start_hooked(compressed(vec![receiver.url.clone()])).await;
    let ghl = Ghl::new(&sandbox);

    // 429, 429, then 200: delivered on the third try, same bytes each time.
    receiver.answer_with(&[429, 429]);
    ui_contact(&ghl, "Uno").await;
    let got = receiver.wait_for(3).await;
    assert!(got.iter().all(|r| r.raw == got[0].raw));
    assert!(got
        .iter()
        .all(|r| r.headers["x-ghl-signature"] == got[0].headers["x-ghl-signature"]));

    // 500: given up at once.
    receiver.answer_with(&[500]);
    ui_contact(&ghl, "Dos").await;
    receiver.wait_for(4).await;
    // Always 429: 1 try + 3 retries, then lost.
    receiver.answer_with(&[429, 429, 429, 429]);
    ui_contact(&ghl, "Tres").await;
    receiver.wait_for(8).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        receiver.received().len(),
        8,
        "nothing after the schedule ends"
    );

    let stats = ghl.admin("/_sandbox/webhooks").await["stats"].clone();
    assert_eq!(stats["emitted"], 3);
    assert_eq!(stats["delivered"], 1);
    assert_eq!(stats["failed"], 2);
    assert_eq!(stats["retried"], 5);
    assert_eq!(stats["attempts"], 8);
    assert_eq!(stats["pendingRetries"], 0);
    sandbox.shutdown().await;
}

async fn webhook_fault(ghl: &Ghl, body: Value) {
    let (status, answer) = ghl
        .admin_send(Method::POST, "/_sandbox/webhooks/faults", Some(body))
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}

fn firsts(got: &[Received]) -> Vec<String> {
    got.iter()
        .map(|r| r.json()["firstName"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn duplicate_drop_delay_reorder() {
    let receiver = Receiver::start().await;
    let sandbox = start_hooked(WebhookConfig::default()).await;
    let ghl = Ghl::new(&sandbox);
    // The receiver's URL given at run time.
    let (status, _) = ghl
        .admin_send(
            Method::PUT,
            "/_sandbox/webhooks/urls",
            Some(json!({"urls": [receiver.url]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    webhook_fault(&ghl, json!({"kind": "duplicate"})).await;
    ui_contact(&ghl, "A").await;
    let got = receiver.wait_for(2).await;
    assert_eq!(got[0].raw, got[1].raw, "same bytes, same webhookId");

    webhook_fault(&ghl, json!({"kind": "drop"})).await;
    ui_contact(&ghl, "B").await;
    ui_contact(&ghl, "C").await;
    let got = receiver.wait_for(3).await;
    assert_eq!(firsts(&got), ["A", "A", "C"]);

    webhook_fault(&ghl, json!({"kind": "delay", "ms": 1000})).await;
    ui_contact(&ghl, "D").await;
    ui_contact(&ghl, "E").await;
    let got = receiver.wait_for(5).await;
    assert_eq!(firsts(&got)[3..], ["E", "D"]);

    webhook_fault(&ghl, json!({"kind": "reorder"})).await;
    ui_contact(&ghl, "F").await;
    ui_contact(&ghl, "G").await;
    let got = receiver.wait_for(7).await;
    assert_eq!(firsts(&got)[5..], ["G", "F"]);

    // Held with nothing to overtake it: still sent, a little later.
    webhook_fault(&ghl, json!({"kind": "reorder"})).await;
    ui_contact(&ghl, "H").await;
    let got = receiver.wait_for(8).await;
    assert_eq!(firsts(&got)[7], "H");

    let stats = ghl.admin("/_sandbox/webhooks").await["stats"].clone();
    assert_eq!(stats["duplicated"], 1);
    assert_eq!(stats["droppedByFault"], 1);
    assert_eq!(stats["delayed"], 1);
    assert_eq!(stats["reordered"], 2);
    sandbox.shutdown().await;
}

/// The admin API plays the patient: the answer is recorded in the
/// contact's WhatsApp conversation and arrives as a signed InboundMessage
/// shaped as its documentation page.
#[tokio::test]
async fn a_patient_answer_arrives_as_a_signed_inbound_message() {
    let receiver = Receiver::start().await;
    let sandbox = start_hooked(compressed(vec![receiver.url.clone()])).await;
    let ghl = Ghl::new(&sandbox);
    let contact = {
        let w = sandbox.sandbox().read().await;
        w.contacts
            .values()
            .find(|c| c.phone.is_some())
            .unwrap()
            .id
            .clone()
    };
    let sent = ghl
        .post(
            "/conversations/messages",
            CONVERSATIONS_VERSION,
            json!({"type": "WhatsApp", "contactId": contact, "message": "Recordatorio"}),
        )
        .await;
    let (status, recorded) = ghl
        .admin_send(
            Method::POST,
            "/_sandbox/conversations/inbound",
            Some(json!({"contactId": contact, "body": "1"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{recorded}");
    let got = receiver.wait_for(1).await;
    verify_ed25519(&fixture("webhook-ed25519.pub.pem"), &got[0]);
    let body = got[0].json();
    assert_webhook_conforms("InboundMessage", &body);
    assert_eq!(body["type"], "InboundMessage");
    assert_eq!(body["body"], "1");
    assert_eq!(body["direction"], "inbound");
    assert_eq!(body["messageType"], "WhatsApp");
    assert_eq!(body["contactId"], contact.as_str());
    assert_eq!(body["conversationId"], sent.body["conversationId"]);
    assert_eq!(body["messageId"], recorded["id"]);
    assert_eq!(body["locationId"], sandbox.location_id());
    let (status, _) = ghl
        .admin_send(
            Method::POST,
            "/_sandbox/conversations/inbound",
            Some(json!({"contactId": "nobody", "body": "1"})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    sandbox.shutdown().await;
}
