//! GHL webhook signatures, checked over the exact raw body bytes.
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
use sha2::Sha256;

use crate::RelayError;

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
    /// Keys given as PEM (`-----BEGIN PUBLIC KEY-----`) or as the bare
    /// base64 of the SPKI DER (the PEM body on one line).
    pub fn from_config(ed25519: &[String], rsa: &[String]) -> Result<Self, RelayError> {
        let ed25519 = ed25519
            .iter()
            .map(|k| {
                ed25519_dalek::VerifyingKey::from_public_key_der(&spki_der(k)?)
                    .map_err(|e| RelayError::Config(format!("Ed25519 public key: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let rsa = rsa
            .iter()
            .map(|k| {
                rsa::RsaPublicKey::from_public_key_der(&spki_der(k)?)
                    .map(rsa::pkcs1v15::VerifyingKey::<Sha256>::new)
                    .map_err(|e| RelayError::Config(format!("RSA public key: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if ed25519.is_empty() && rsa.is_empty() {
            // Fail closed: a relay without keys would accept nothing, say so at start.
            return Err(RelayError::Config(
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
    ) -> Result<SignedBy, RelayError> {
        if ghl_signature.is_none() && wh_signature.is_none() {
            return Err(RelayError::MissingSignature);
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
        Err(RelayError::BadSignature)
    }
}

fn decode_b64(s: &str) -> Option<Vec<u8>> {
    STANDARD.decode(s.trim()).ok()
}

/// PEM or bare base64 → SPKI DER.
fn spki_der(text: &str) -> Result<Vec<u8>, RelayError> {
    let b64: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("-----"))
        .flat_map(|l| l.chars().filter(|c| !c.is_whitespace()))
        .collect();
    STANDARD
        .decode(b64)
        .map_err(|e| RelayError::Config(format!("public key is not PEM or base64 SPKI: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ghl_default_keys_parse() {
        WebhookKeys::from_config(&[GHL_ED25519_KEY.into()], &[GHL_RSA_KEY.into()]).expect("keys");
    }

    #[test]
    fn no_keys_is_a_config_error() {
        let e = WebhookKeys::from_config(&[], &[]).err().expect("error");
        assert_eq!(e.code(), "relay.config");
    }

    #[test]
    fn missing_and_garbage_signatures_fail_closed() {
        let keys = WebhookKeys::from_config(&[GHL_ED25519_KEY.into()], &[]).expect("keys");
        let e = keys.verify(b"{}", None, None).expect_err("error");
        assert_eq!(e.code(), "relay.missing_signature");
        let e = keys
            .verify(b"{}", Some("not base64!"), None)
            .expect_err("error");
        assert_eq!(e.code(), "relay.bad_signature");
        // A legacy header with no RSA key configured cannot verify.
        let e = keys.verify(b"{}", None, Some("AAAA")).expect_err("error");
        assert_eq!(e.code(), "relay.bad_signature");
    }
}
