//! Conversations as GHL keeps them: one conversation per contact and
//! channel, scheduled messages sent at their time or withdrawn before, a
//! contact's do-not-disturb per channel refusing the send. Every answer is
//! checked against the OpenAPI file.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::*;

async fn send(ghl: &Ghl, body: Value) -> Answer {
    ghl.post("/conversations/messages", CONVERSATIONS_VERSION, body)
        .await
}

async fn withdraw(ghl: &Ghl, message_id: &str) -> Answer {
    ghl.delete(
        &format!("/conversations/messages/{message_id}/schedule"),
        CONVERSATIONS_VERSION,
        None,
    )
    .await
}

async fn status_of(ghl: &Ghl, message_id: &str) -> String {
    let log = ghl.admin("/_sandbox/messages").await;
    log["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == message_id)
        .map(|m| m["status"].as_str().unwrap().to_string())
        .expect("message recorded")
}

async fn contact_with_phone(sandbox: &ghl_sandbox::RunningSandbox) -> String {
    let w = sandbox.sandbox().read().await;
    w.contacts
        .values()
        .find(|c| c.phone.is_some() && !c.dnd)
        .map(|c| c.id.clone())
        .unwrap()
}

#[tokio::test]
async fn scheduled_messages_wait_for_their_time_and_can_be_withdrawn() {
    let sandbox = start_demo().await;
    let ghl = Ghl::new(&sandbox);
    let contact = contact_with_phone(&sandbox).await;
    let later = chrono::Utc::now().timestamp() + 3600;
    let scheduled = send(
        &ghl,
        json!({"type": "WhatsApp", "contactId": contact, "message": "Recordatorio",
               "templateId": "tpl-1", "scheduledTimestamp": later}),
    )
    .await;
    assert_eq!(scheduled.status, StatusCode::OK, "{}", scheduled.body);
    assert_conforms(
        "conversations",
        "/conversations/messages",
        "post",
        200,
        &scheduled.body,
    );
    assert_eq!(scheduled.body["status"], "pending");
    let id = scheduled.body["messageId"].as_str().unwrap().to_string();
    assert_eq!(status_of(&ghl, &id).await, "scheduled");

    // Same channel, same conversation; another channel, another one.
    let now = send(
        &ghl,
        json!({"type": "WhatsApp", "contactId": contact, "message": "Hola"}),
    )
    .await;
    assert_eq!(now.body["status"], "delivered");
    assert_eq!(now.body["conversationId"], scheduled.body["conversationId"]);
    let sms = send(
        &ghl,
        json!({"type": "SMS", "contactId": contact, "message": "Hola"}),
    )
    .await;
    assert_ne!(sms.body["conversationId"], scheduled.body["conversationId"]);

    let gone = withdraw(&ghl, &id).await;
    assert_eq!(gone.status, StatusCode::OK, "{}", gone.body);
    assert_conforms(
        "conversations",
        "/conversations/messages/{messageId}/schedule",
        "delete",
        200,
        &gone.body,
    );
    assert_eq!(status_of(&ghl, &id).await, "cancelled");
    // Withdrawn once; a sent message cannot be withdrawn either.
    for target in [id.as_str(), now.body["messageId"].as_str().unwrap()] {
        let again = withdraw(&ghl, target).await;
        assert_eq!(again.status, StatusCode::BAD_REQUEST, "{}", again.body);
        assert_conforms(
            "conversations",
            "/conversations/messages/{messageId}/schedule",
            "delete",
            400,
            &again.body,
        );
    }

    // A message scheduled a moment ahead is sent when its time comes.
    let soon = send(
        &ghl,
        json!({"type": "SMS", "contactId": contact, "message": "Pronto",
               "scheduledTimestamp": chrono::Utc::now().timestamp() + 1}),
    )
    .await;
    let soon_id = soon.body["messageId"].as_str().unwrap().to_string();
    assert_eq!(status_of(&ghl, &soon_id).await, "scheduled");
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    assert_eq!(status_of(&ghl, &soon_id).await, "delivered");
    assert_eq!(
        withdraw(&ghl, &soon_id).await.status,
        StatusCode::BAD_REQUEST
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn do_not_disturb_refuses_the_channel_it_names() {
    let sandbox = start_demo().await;
    let ghl = Ghl::new(&sandbox);
    let contact = contact_with_phone(&sandbox).await;
    let put = ghl
        .put(
            &format!("/contacts/{contact}"),
            CONTACTS_VERSION,
            json!({"dndSettings": {"WhatsApp": {"status": "active"}}}),
        )
        .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.body);
    assert_eq!(
        put.body["contact"]["dndSettings"]["WhatsApp"]["status"],
        "active"
    );
    let refused = send(
        &ghl,
        json!({"type": "WhatsApp", "contactId": contact, "message": "x"}),
    )
    .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.body["message"].as_str().unwrap().contains("DND"));
    assert_conforms(
        "conversations",
        "/conversations/messages",
        "post",
        400,
        &refused.body,
    );
    let sms = send(
        &ghl,
        json!({"type": "SMS", "contactId": contact, "message": "x"}),
    )
    .await;
    assert_eq!(sms.status, StatusCode::OK);
    ghl.put(
        &format!("/contacts/{contact}"),
        CONTACTS_VERSION,
        json!({"dnd": true}),
    )
    .await;
    let all = send(
        &ghl,
        json!({"type": "SMS", "contactId": contact, "message": "x"}),
    )
    .await;
    assert_eq!(all.status, StatusCode::BAD_REQUEST);
    let log = ghl
        .admin(&format!("/_sandbox/messages?contactId={contact}"))
        .await;
    assert_eq!(log["count"], 1, "refused sends are not recorded");
    sandbox.shutdown().await;
}
