//! GHL webhook signatures: the checks live in citadesk-ghl (`webhook.rs`),
//! shared with the app; this maps their errors to the relay's codes.

use citadesk_ghl::webhook::{SignatureError, WebhookKeys as GhlKeys};
pub use citadesk_ghl::webhook::{SignedBy, GHL_ED25519_KEY, GHL_RSA_KEY};

use crate::RelayError;

impl From<SignatureError> for RelayError {
    fn from(e: SignatureError) -> Self {
        match e {
            SignatureError::Missing => RelayError::MissingSignature,
            SignatureError::Bad => RelayError::BadSignature,
            SignatureError::Key(m) => RelayError::Config(m),
        }
    }
}

/// The configured keys, verified with the relay's error codes.
pub struct WebhookKeys(GhlKeys);

impl WebhookKeys {
    pub fn from_config(ed25519: &[String], rsa: &[String]) -> Result<Self, RelayError> {
        Ok(Self(GhlKeys::from_config(ed25519, rsa)?))
    }

    pub fn verify(
        &self,
        body: &[u8],
        ghl_signature: Option<&str>,
        wh_signature: Option<&str>,
    ) -> Result<SignedBy, RelayError> {
        Ok(self.0.verify(body, ghl_signature, wh_signature)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_relays() {
        let e = WebhookKeys::from_config(&[], &[]).err().expect("error");
        assert_eq!(e.code(), "relay.config");
        let keys = WebhookKeys::from_config(&[GHL_ED25519_KEY.into()], &[]).expect("keys");
        let e = keys.verify(b"{}", None, None).expect_err("error");
        assert_eq!(e.code(), "relay.missing_signature");
        let e = keys.verify(b"{}", Some("AAAA"), None).expect_err("error");
        assert_eq!(e.code(), "relay.bad_signature");
    }
}
