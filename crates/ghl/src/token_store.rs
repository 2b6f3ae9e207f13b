//! Tokens live only in the OS keychain (Secret Service on Linux, Keychain on
//! macOS, Credential Manager on Windows), never in SQLite, config or logs.

use crate::secret::Secret;

/// The keychain "service" every Citadesk secret is filed under.
pub const KEYCHAIN_SERVICE: &str = "pe.citadesk.app";

#[derive(Debug, thiserror::Error)]
pub enum TokenStoreError {
    #[error("no token stored for {0}")]
    Missing(String),
    #[error("the system keychain is not reachable ({0}); start a desktop session with a keyring (on Linux: gnome-keyring or KWallet over D-Bus), or pass the token through CITADESK_GHL_TOKEN for headless use")]
    Unavailable(String),
    #[error(
        "the system keychain is locked; unlock it (log in to the desktop session) and try again"
    )]
    Locked,
    #[error("keychain error: {0}")]
    Other(String),
}

impl TokenStoreError {
    pub fn code(&self) -> &'static str {
        match self {
            TokenStoreError::Missing(_) => "auth.token_missing",
            TokenStoreError::Unavailable(_) => "keychain.unavailable",
            TokenStoreError::Locked => "keychain.locked",
            TokenStoreError::Other(_) => "keychain.error",
        }
    }
}

fn map_err(account: &str, e: keyring::Error) -> TokenStoreError {
    let text = e.to_string();
    match e {
        keyring::Error::NoEntry => TokenStoreError::Missing(account.to_string()),
        _ if text.contains("IsLocked") || text.to_lowercase().contains("locked") => {
            TokenStoreError::Locked
        }
        keyring::Error::PlatformFailure(_) | keyring::Error::NoStorageAccess(_) => {
            TokenStoreError::Unavailable(text)
        }
        _ => TokenStoreError::Other(text),
    }
}

/// Keychain access. Calls block (D-Bus round trips): async code runs them on
/// a blocking thread.
#[derive(Debug, Clone, Default)]
pub struct TokenStore {
    _private: (),
}

impl TokenStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// The keychain account name for a location's Private Integration Token.
    pub fn pit_account(location_id: &str) -> String {
        format!("ghl-pit:{location_id}")
    }

    /// The keychain account name for the key of the replica in a data
    /// folder (`dir_id`: a hash of the folder's path).
    pub fn replica_key_account(dir_id: &str) -> String {
        format!("replica-key:{dir_id}")
    }

    fn entry(account: &str) -> Result<keyring::Entry, TokenStoreError> {
        keyring::Entry::new(KEYCHAIN_SERVICE, account).map_err(|e| map_err(account, e))
    }

    pub fn save(&self, account: &str, secret: &Secret) -> Result<(), TokenStoreError> {
        Self::entry(account)?
            .set_password(secret.expose())
            .map_err(|e| map_err(account, e))
    }

    pub fn load(&self, account: &str) -> Result<Secret, TokenStoreError> {
        Self::entry(account)?
            .get_password()
            .map(Secret::new)
            .map_err(|e| map_err(account, e))
    }

    /// Removes a secret; removing one that is not there is not an error.
    pub fn delete(&self, account: &str) -> Result<(), TokenStoreError> {
        match Self::entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_err(account, e)),
        }
    }

    /// Which backend holds the secrets, so a test (and `doctor`) can tell a
    /// real keychain from keyring's in-memory mock, which it silently falls
    /// back to when no platform feature is compiled in.
    pub fn backend(&self) -> Result<&'static str, TokenStoreError> {
        let entry = Self::entry("citadesk-backend-probe")?;
        let any = entry.get_credential();
        #[cfg(any(target_os = "linux", target_os = "freebsd"))]
        if any
            .downcast_ref::<keyring::secret_service::SsCredential>()
            .is_some()
        {
            return Ok("secret-service");
        }
        #[cfg(target_os = "macos")]
        if any
            .downcast_ref::<keyring::macos::MacCredential>()
            .is_some()
        {
            return Ok("macos-keychain");
        }
        #[cfg(target_os = "windows")]
        if any
            .downcast_ref::<keyring::windows::WinCredential>()
            .is_some()
        {
            return Ok("windows-credential-manager");
        }
        if any
            .downcast_ref::<keyring::mock::MockCredential>()
            .is_some()
        {
            return Ok("mock");
        }
        Ok("unknown")
    }
}
