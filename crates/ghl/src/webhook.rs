//! GHL's webhooks: signature verification over the exact raw body bytes, and
//! the typed payloads the app applies. Shared by the relay (which verifies
//! before storing) and the app (which verifies again: the relay is trusted to
//! deliver, not to author).
//!
//! `x-ghl-signature` is Ed25519; `x-wh-signature` is the legacy RSA-SHA256
//! (PKCS#1 v1.5). Both are base64. Keys are configuration because GHL
//! rotates them; several keys per algorithm may be configured during a
//! rotation and any one of them verifying is enough.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
// One trait (from the pkcs8 crate) decodes both key types.
use ed25519_dalek::pkcs8::DecodePublicKey as _;
use rsa::signature::Verifier as _;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::Sha256;

/// GHL's published Ed25519 key for `x-ghl-signature` (SPKI, base64), as
/// recorded in ghl-api/NOTES.md. Confirm it in the app's settings.
pub const GHL_ED25519_KEY: &str = "MCowBQYDK2VwAyEAi2HR1srL4o18O8BRa7gVJY7G7bupbN3H9AwJrHCDiOg=";

/// GHL's 4096-bit RSA key for the legacy `x-wh-signature` (SPKI, base64),
/// from docs/oauth/WebhookAuthentication.md.
pub const GHL_RSA_KEY: &str = concat!(
    "MIICIjANBgkqhkiG9w0BAQEFAAOCAg8AMIICCgKCAgEAokvo/r9tVgcfZ5DysOSC",
    "Frm602qYV0MaAiNnX9O8KxMbiyRKWeL9JpCpVpt4XHIcBOK4u3cLSqJGOLaPuXw6",
    "dO0t6Q/ZVdAV5Phz+ZtzPL16iCGeK9po6D6JHBpbi989mmzMryUnQJezlYJ3DVfB",
    "csedpinheNnyYeFXolrJvcsjDtfAeRx5ByHQmTnSdFUzuAnC9/GepgLT9SM4nCpv",
    "uxmZMxrJt5Rw+VUaQ9B8JSvbMPpez4peKaJPZHBbU3OdeCVx5klVXXZQGNHOs8gF",
    "3kvoV5rTnXV0IknLBXlcKKAQLZcY/Q9rG6Ifi9c+5vqlvHPCUJFT5XUGG5RKgOKU",
    "J062fRtN+rLYZUV+BjafxQauvC8wSWeYja63VSUruvmNj8xkx2zE/Juc+yjLjTXp",
    "IocmaiFeAO6fUtNjDeFVkhf5LNb59vECyrHD2SQIrhgXpO4Q3dVNA5rw576PwTzN",
    "h/AMfHKIjE4xQA1SZuYJmNnmVZLIZBlQAF9Ntd03rfadZ+yDiOXCCs9FkHibELhC",
    "HULgCsnuDJHcrGNd5/Ddm5hxGQ0ASitgHeMZ0kcIOwKDOzOU53lDza6/Y09T7sYJ",
    "PQe7z0cvj7aE4B+Ax1ZoZGPzpJlZtGXCsu9aTEGEnKzmsFqwcSsnw3JB31IGKAyk",
    "T1hhTiaCeIY/OwwwNUY2yvcCAwEAAQ==",
);

/// Why a webhook's signature was not accepted, or a key not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// Neither `x-ghl-signature` nor `x-wh-signature` was sent.
    #[error("no signature header")]
    Missing,
    /// A signature was sent but no configured key verifies it.
    #[error("signature does not verify against any configured key")]
    Bad,
    /// A configured public key could not be read.
    #[error("{0}")]
    Key(String),
}

/// Which header carried the signature that verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedBy {
    Ed25519,
    LegacyRsa,
}

pub struct WebhookKeys {
    ed25519: Vec<ed25519_dalek::VerifyingKey>,
    rsa: Vec<rsa::pkcs1v15::VerifyingKey<Sha256>>,
}

impl WebhookKeys {
    /// GHL's published keys (both algorithms).
    pub fn ghl_default() -> Self {
        Self::from_config(&[GHL_ED25519_KEY.into()], &[GHL_RSA_KEY.into()])
            .expect("GHL's published keys parse")
    }

    /// Keys given as PEM (`-----BEGIN PUBLIC KEY-----`) or as the bare
    /// base64 of the SPKI DER (the PEM body on one line). At least one key
    /// is required: a verifier without keys would accept nothing.
    pub fn from_config(ed25519: &[String], rsa: &[String]) -> Result<Self, SignatureError> {
        let ed25519 = ed25519
            .iter()
            .map(|k| {
                ed25519_dalek::VerifyingKey::from_public_key_der(&spki_der(k)?)
                    .map_err(|e| SignatureError::Key(format!("Ed25519 public key: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let rsa = rsa
            .iter()
            .map(|k| {
                rsa::RsaPublicKey::from_public_key_der(&spki_der(k)?)
                    .map(rsa::pkcs1v15::VerifyingKey::<Sha256>::new)
                    .map_err(|e| SignatureError::Key(format!("RSA public key: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if ed25519.is_empty() && rsa.is_empty() {
            return Err(SignatureError::Key(
                "no webhook public key configured".into(),
            ));
        }
        Ok(WebhookKeys { ed25519, rsa })
    }

    /// Accepts the body when any present signature header verifies against a
    /// key of its algorithm. Both come from GHL, so a valid legacy signature
    /// next to a bad Ed25519 one is still GHL's.
    pub fn verify(
        &self,
        body: &[u8],
        ghl_signature: Option<&str>,
        wh_signature: Option<&str>,
    ) -> Result<SignedBy, SignatureError> {
        if ghl_signature.is_none() && wh_signature.is_none() {
            return Err(SignatureError::Missing);
        }
        if let Some(sig) = ghl_signature.and_then(decode_b64) {
            if let Ok(sig) = ed25519_dalek::Signature::from_slice(&sig) {
                if self
                    .ed25519
                    .iter()
                    .any(|k| k.verify_strict(body, &sig).is_ok())
                {
                    return Ok(SignedBy::Ed25519);
                }
            }
        }
        if let Some(sig) = wh_signature.and_then(decode_b64) {
            if let Ok(sig) = rsa::pkcs1v15::Signature::try_from(sig.as_slice()) {
                if self.rsa.iter().any(|k| k.verify(body, &sig).is_ok()) {
                    return Ok(SignedBy::LegacyRsa);
                }
            }
        }
        Err(SignatureError::Bad)
    }
}

fn decode_b64(s: &str) -> Option<Vec<u8>> {
    STANDARD.decode(s.trim()).ok()
}

/// PEM or bare base64 → SPKI DER.
fn spki_der(text: &str) -> Result<Vec<u8>, SignatureError> {
    let b64: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("-----"))
        .flat_map(|l| l.chars().filter(|c| !c.is_whitespace()))
        .collect();
    STANDARD
        .decode(b64)
        .map_err(|e| SignatureError::Key(format!("public key is not PEM or base64 SPKI: {e}")))
}

/// `sha256:<hex>` of a body: the dedupe key when GHL sent no webhookId, and
/// the payload hash of the app's processed-webhook log.
pub fn payload_hash(body: &[u8]) -> String {
    use sha2::Digest;
    let digest = Sha256::digest(body);
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

// ---- payloads ----

/// The appointment inside AppointmentCreate/Update/Delete. Every field but
/// the id may be missing (GHL omits documented fields at times, #332): a
/// payload without any of the fields the replica keeps (calendar, times,
/// status, title, patient) is "partial" and the app fetches the cita by id
/// instead, rather than overwrite what it holds with blanks.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookAppointment {
    pub id: String,
    #[serde(default)]
    pub calendar_id: Option<String>,
    #[serde(default)]
    pub location_id: Option<String>,
    #[serde(default)]
    pub contact_id: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub appointment_status: Option<String>,
    #[serde(default)]
    pub assigned_user_id: Option<String>,
    #[serde(default)]
    pub start_time: Option<String>,
    #[serde(default)]
    pub end_time: Option<String>,
    #[serde(default)]
    pub date_added: Option<String>,
    #[serde(default)]
    pub date_updated: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl WebhookAppointment {
    /// The full cita when the payload carries what the replica needs. An
    /// absent status, title or patient would otherwise be read as "new",
    /// "" and none; `assignedUserId` may be legitimately absent.
    pub fn complete(&self) -> Option<crate::models::Appointment> {
        self.appointment_status.as_ref().filter(|s| !s.is_empty())?;
        self.title.as_ref()?;
        self.contact_id.as_ref()?;
        Some(crate::models::Appointment {
            id: self.id.clone(),
            calendar_id: self.calendar_id.clone().filter(|s| !s.is_empty())?,
            location_id: self.location_id.clone(),
            contact_id: self.contact_id.clone(),
            title: self.title.clone(),
            appointment_status: self.appointment_status.clone(),
            assigned_user_id: self.assigned_user_id.clone(),
            start_time: self.start_time.clone().filter(|s| !s.is_empty())?,
            end_time: self.end_time.clone().filter(|s| !s.is_empty())?,
            date_added: self.date_added.clone(),
            date_updated: self.date_updated.clone(),
            extra: self.extra.clone(),
        })
    }
}

/// A webhook body, by its `type`. Fields the app does not model are kept in
/// `extra`; an unknown `type` is `Other` (never a parse failure).
#[derive(Debug, Clone)]
pub enum WebhookPayload {
    AppointmentCreate(AppointmentEvent),
    AppointmentUpdate(AppointmentEvent),
    AppointmentDelete(AppointmentEvent),
    /// ContactCreate/Update/TagUpdate/DndUpdate: a flat contact.
    ContactChanged {
        event_type: String,
        envelope: Envelope,
        contact: crate::models::Contact,
    },
    ContactDelete {
        envelope: Envelope,
        contact: crate::models::Contact,
    },
    /// A contact's message to the location (a patient's answer).
    InboundMessage {
        envelope: Envelope,
        message: InboundMessage,
    },
    Other {
        event_type: String,
        envelope: Envelope,
    },
}

/// InboundMessage's body (docs/webhook-events/InboundMessage.md): every
/// field may be missing; the app needs the contact and the text.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InboundMessage {
    #[serde(default)]
    pub contact_id: Option<String>,
    #[serde(default)]
    pub conversation_id: Option<String>,
    #[serde(default)]
    pub message_id: Option<String>,
    /// What the contact wrote.
    #[serde(default)]
    pub body: Option<String>,
    /// `SMS`, `WhatsApp`, `CALL`, `Email`, …
    #[serde(default)]
    pub message_type: Option<String>,
    #[serde(default)]
    pub direction: Option<String>,
    #[serde(default)]
    pub date_added: Option<String>,
}

/// What every webhook body carries around the event.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope {
    #[serde(default, rename = "type")]
    pub event_type: String,
    #[serde(default)]
    pub location_id: Option<String>,
    #[serde(default)]
    pub webhook_id: Option<String>,
    #[serde(default)]
    pub timestamp: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppointmentEvent {
    #[serde(flatten)]
    pub envelope: Envelope,
    pub appointment: WebhookAppointment,
}

impl WebhookPayload {
    /// Parses a verified body. Errors only when it is not JSON or an event
    /// the app applies lacks its id.
    pub fn parse(body: &[u8]) -> Result<Self, serde_json::Error> {
        let value: Value = serde_json::from_slice(body)?;
        let envelope: Envelope = serde_json::from_value(value.clone())?;
        Ok(match envelope.event_type.as_str() {
            "AppointmentCreate" => Self::AppointmentCreate(serde_json::from_value(value)?),
            "AppointmentUpdate" => Self::AppointmentUpdate(serde_json::from_value(value)?),
            "AppointmentDelete" => Self::AppointmentDelete(serde_json::from_value(value)?),
            "ContactDelete" => Self::ContactDelete {
                contact: serde_json::from_value(value)?,
                envelope,
            },
            "InboundMessage" => Self::InboundMessage {
                message: serde_json::from_value(value)?,
                envelope,
            },
            t if t.starts_with("Contact") => Self::ContactChanged {
                event_type: t.to_string(),
                contact: serde_json::from_value(value)?,
                envelope,
            },
            t => Self::Other {
                event_type: t.to_string(),
                envelope,
            },
        })
    }

    pub fn envelope(&self) -> &Envelope {
        match self {
            Self::AppointmentCreate(e)
            | Self::AppointmentUpdate(e)
            | Self::AppointmentDelete(e) => &e.envelope,
            Self::ContactChanged { envelope, .. }
            | Self::ContactDelete { envelope, .. }
            | Self::InboundMessage { envelope, .. }
            | Self::Other { envelope, .. } => envelope,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ghl_default_keys_parse() {
        let _ = WebhookKeys::ghl_default();
    }

    #[test]
    fn no_keys_is_a_key_error() {
        let e = WebhookKeys::from_config(&[], &[]).err().expect("error");
        assert!(matches!(e, SignatureError::Key(_)));
    }

    #[test]
    fn missing_and_garbage_signatures_fail_closed() {
        let keys = WebhookKeys::from_config(&[GHL_ED25519_KEY.into()], &[]).expect("keys");
        assert_eq!(keys.verify(b"{}", None, None), Err(SignatureError::Missing));
        assert_eq!(
            keys.verify(b"{}", Some("not base64!"), None),
            Err(SignatureError::Bad)
        );
        // A legacy header with no RSA key configured cannot verify.
        assert_eq!(
            keys.verify(b"{}", None, Some("AAAA")),
            Err(SignatureError::Bad)
        );
    }

    #[test]
    fn payloads_by_type_keep_unknown_fields() {
        let body = br#"{"type":"AppointmentUpdate","locationId":"L","webhookId":"w1",
            "appId":"x","appointment":{"id":"a1","calendarId":"c1","startTime":"2026-11-24T10:00:00-05:00",
            "endTime":"2026-11-24T10:30:00-05:00","dateUpdated":"2026-11-23T10:00:00-05:00","notes":"n",
            "title":"Control","contactId":"k1","appointmentStatus":"confirmed"}}"#;
        let WebhookPayload::AppointmentUpdate(e) = WebhookPayload::parse(body).expect("parse")
        else {
            panic!("type")
        };
        assert_eq!(e.envelope.webhook_id.as_deref(), Some("w1"));
        assert_eq!(e.appointment.extra["notes"], "n");
        assert!(e.appointment.complete().is_some());

        let partial = br#"{"type":"AppointmentCreate","locationId":"L","appointment":{"id":"a2"}}"#;
        let WebhookPayload::AppointmentCreate(e) = WebhookPayload::parse(partial).expect("parse")
        else {
            panic!("type")
        };
        assert!(e.appointment.complete().is_none());

        // Times and calendar but no status, title nor patient (#332): partial too.
        let thin = br#"{"type":"AppointmentUpdate","locationId":"L","appointment":{"id":"a3",
            "calendarId":"c1","startTime":"2026-11-24T10:00:00-05:00","endTime":"2026-11-24T10:30:00-05:00"}}"#;
        let WebhookPayload::AppointmentUpdate(e) = WebhookPayload::parse(thin).expect("parse")
        else {
            panic!("type")
        };
        assert!(e.appointment.complete().is_none());

        let contact = br#"{"type":"ContactTagUpdate","locationId":"L","id":"c9","firstName":"Ana","tags":["x"]}"#;
        match WebhookPayload::parse(contact).expect("parse") {
            WebhookPayload::ContactChanged {
                contact,
                event_type,
                ..
            } => {
                assert_eq!(event_type, "ContactTagUpdate");
                assert_eq!(contact.id, "c9");
                assert_eq!(contact.extra["tags"][0], "x");
            }
            other => panic!("{other:?}"),
        }
        let inbound = br#"{"type":"InboundMessage","locationId":"L","body":"1","contactId":"k1",
            "conversationId":"v1","messageId":"m1","messageType":"WhatsApp","direction":"inbound"}"#;
        match WebhookPayload::parse(inbound).expect("parse") {
            WebhookPayload::InboundMessage { message, .. } => {
                assert_eq!(message.body.as_deref(), Some("1"));
                assert_eq!(message.contact_id.as_deref(), Some("k1"));
                assert_eq!(message.message_type.as_deref(), Some("WhatsApp"));
            }
            other => panic!("{other:?}"),
        }
        let install = br#"{"type":"INSTALL","companyId":"k"}"#;
        assert!(matches!(
            WebhookPayload::parse(install).expect("parse"),
            WebhookPayload::Other { .. }
        ));
    }
}
