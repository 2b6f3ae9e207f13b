//! Install tokens: `cdr_<install id>_<secret>`.
//!
//! The id (public, 16 hex) finds the install; the secret (32 random bytes,
//! base64url) is stored only as SHA-256(domain || salt || secret) with a
//! per-install salt. A slow password hash is not needed: the secret has 256
//! bits of entropy, so the hash cannot be brute-forced.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::store::{Install, NewInstall, Store};
use crate::RelayError;

const PREFIX: &str = "cdr_";
const DOMAIN: &[u8] = b"citadesk-relay install token v1\0";

/// A token as printed once by `token create`.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub install_id: String,
    pub token: String,
}

fn random<const N: usize>() -> Result<[u8; N], RelayError> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf)
        .map_err(|e| RelayError::Storage(format!("no randomness from the OS: {e}")))?;
    Ok(buf)
}

fn hash(salt: &[u8], secret: &str) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(DOMAIN);
    h.update(salt);
    h.update(secret.as_bytes());
    h.finalize().to_vec()
}

/// Constant time, so a timing side channel cannot guess the hash bytewise.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Creates an install scoped to `locations` and returns its token.
pub fn issue(
    store: &dyn Store,
    name: &str,
    locations: &[String],
    now_ms: i64,
) -> Result<IssuedToken, RelayError> {
    let locations: Vec<String> = locations
        .iter()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    if locations.is_empty() {
        return Err(RelayError::BadRequest(
            "an install needs at least one location".into(),
        ));
    }
    let install_id: String = random::<8>()?.iter().map(|b| format!("{b:02x}")).collect();
    let secret = URL_SAFE_NO_PAD.encode(random::<32>()?);
    let salt = random::<16>()?.to_vec();
    store.create_install(&NewInstall {
        id: install_id.clone(),
        name: name.to_string(),
        locations,
        token_hash: hash(&salt, &secret),
        salt,
        created_at_ms: now_ms,
    })?;
    let token = format!("{PREFIX}{install_id}_{secret}");
    Ok(IssuedToken { install_id, token })
}

/// The install a bearer token belongs to, if the token is valid and not revoked.
pub fn authenticate(store: &dyn Store, token: &str) -> Result<Install, RelayError> {
    let (id, secret) = token
        .strip_prefix(PREFIX)
        .and_then(|rest| rest.split_once('_'))
        .ok_or(RelayError::Unauthorized)?;
    if id.len() != 16 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(RelayError::Unauthorized);
    }
    let install = store.install(id)?.ok_or(RelayError::Unauthorized)?;
    if install.revoked_at_ms.is_some() || !same(&hash(&install.salt, secret), &install.token_hash) {
        return Err(RelayError::Unauthorized);
    }
    Ok(install)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sqlite::SqliteStore;

    #[test]
    fn issue_authenticate_revoke() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = SqliteStore::open(dir.path()).expect("open");
        let t = issue(&store, "Recepción 1", &["L1".into(), "L2".into()], 1).expect("issue");
        let install = authenticate(&store, &t.token).expect("valid");
        assert_eq!(install.locations, vec!["L1".to_string(), "L2".to_string()]);

        let mut forged = t.token.clone();
        forged.pop();
        forged.push('x');
        let wrong = if forged == t.token {
            format!("{}y", t.token)
        } else {
            forged
        };
        assert!(matches!(
            authenticate(&store, &wrong),
            Err(RelayError::Unauthorized)
        ));
        assert!(matches!(
            authenticate(&store, "garbage"),
            Err(RelayError::Unauthorized)
        ));

        assert!(store.revoke_install(&t.install_id, 2).expect("revoke"));
        assert!(matches!(
            authenticate(&store, &t.token),
            Err(RelayError::Unauthorized)
        ));
    }

    #[test]
    fn an_install_needs_a_location() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = SqliteStore::open(dir.path()).expect("open");
        assert!(issue(&store, "x", &[" ".into()], 1).is_err());
    }
}
