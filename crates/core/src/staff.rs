//! Who is at the desk: the clinic's people, their roles, their PINs and the
//! rules for signing in (issue #18). Pure rules; the table is in
//! `store/staff.rs`, the feature in `desk/staff.rs`.

use std::time::Duration;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What a person may do at the desk. The core checks it on every write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Role {
    /// Books, moves and cancels citas, sets statuses, edits patients,
    /// reminders and the inbox.
    Recepcion,
    /// All of that, plus reconciliation fixes, the location's settings,
    /// connections, the relay and the staff.
    Gerencia,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Recepcion => "recepcion",
            Role::Gerencia => "gerencia",
        }
    }

    /// Accepts the stored names and what people type (`recepción`,
    /// `reception`, `manager`...).
    pub fn parse(s: &str) -> Option<Role> {
        match crate::staff::name_key(s).as_str() {
            "recepcion" | "recepción" | "reception" | "receptionist" => Some(Role::Recepcion),
            "gerencia" | "gerente" | "manager" | "management" => Some(Role::Gerencia),
            _ => None,
        }
    }

    /// Whether this role covers what `needed` allows.
    pub fn covers(self, needed: Role) -> bool {
        self >= needed
    }

    /// The role's name as shown to people.
    pub fn label(self, en: bool) -> &'static str {
        match (self, en) {
            (Role::Recepcion, false) => "recepción",
            (Role::Recepcion, true) => "reception",
            (Role::Gerencia, false) => "gerencia",
            (Role::Gerencia, true) => "management",
        }
    }
}

/// The person a write is recorded under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// None when the desk has no staff yet (the OS user acts, as before).
    pub staff_id: Option<String>,
    pub name: String,
    pub role: Role,
    pub ghl_user_id: Option<String>,
}

impl Actor {
    /// What the audit log, the outbox and the report's fixes record: the
    /// person's name and staff id together, so a line names who did it even
    /// after the person is renamed or removed.
    pub fn signature(&self) -> String {
        match &self.staff_id {
            Some(id) => format!("{} ({id})", self.name),
            None => self.name.clone(),
        }
    }
}

/// Names are compared trimmed, with inner spaces collapsed and in lower case.
pub fn name_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A person's name as kept: trimmed, inner spaces collapsed, 1 to 60 characters.
pub fn clean_name(name: &str) -> Option<String> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let n = name.chars().count();
    (1..=60).contains(&n).then_some(name)
}

/// A new person's id: `st-` and 8 random hexadecimal digits.
pub fn new_staff_id() -> String {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes).expect("the OS's random numbers");
    format!(
        "st-{}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}

/// A PIN is 4 to 8 digits.
pub fn valid_pin(pin: &str) -> bool {
    (4..=8).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit())
}

/// The PIN as kept: an Argon2id hash in PHC form (salt and parameters inside).
pub fn hash_pin(pin: &str) -> String {
    let mut bytes = [0u8; 16];
    // Without the OS's randomness a PIN is not kept at all.
    getrandom::fill(&mut bytes).expect("the OS's random numbers");
    let salt = SaltString::encode_b64(&bytes).expect("a 16-byte salt");
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        // Hashing with the default parameters and a fresh salt cannot fail.
        .expect("argon2 hash")
}

/// Whether `pin` is the one `hash` was made from (constant time inside argon2).
pub fn pin_matches(pin: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(pin.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Wrong PINs in a row that lock the person out.
pub const TRIES_BEFORE_LOCK: i64 = 5;

/// How long a wrong answer waits before it is given: longer with every
/// wrong try in a row, so guessing at the keyboard is slow.
pub fn slowdown(failed_tries: i64) -> Duration {
    Duration::from_millis(250 * failed_tries.clamp(0, 8) as u64)
}

/// How long the `lockouts`-th lock-out lasts (1 = the first): a minute,
/// doubling each time, at most an hour.
pub fn lockout(lockouts: i64) -> Duration {
    let doublings = (lockouts - 1).clamp(0, 6) as u32;
    Duration::from_secs((60u64 << doublings).min(3600))
}

/// The idle time after which the desk locks itself, by default.
pub const DEFAULT_LOCK_AFTER_MINUTES: u32 = 10;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_cover_what_they_should() {
        assert!(Role::Gerencia.covers(Role::Recepcion));
        assert!(Role::Gerencia.covers(Role::Gerencia));
        assert!(Role::Recepcion.covers(Role::Recepcion));
        assert!(!Role::Recepcion.covers(Role::Gerencia));
        assert_eq!(Role::parse(" Recepción "), Some(Role::Recepcion));
        assert_eq!(Role::parse("manager"), Some(Role::Gerencia));
        assert_eq!(Role::parse("admin"), None);
    }

    #[test]
    fn pins_are_four_to_eight_digits() {
        for ok in ["1234", "12345678", "0000"] {
            assert!(valid_pin(ok), "{ok}");
        }
        for bad in ["123", "123456789", "12a4", "", "１２３４", "12 34"] {
            assert!(!valid_pin(bad), "{bad}");
        }
    }

    #[test]
    fn a_pin_is_kept_only_as_a_salted_hash() {
        let a = hash_pin("4821");
        let b = hash_pin("4821");
        assert!(a.starts_with("$argon2id$"), "{a}");
        assert!(!a.contains("4821"));
        assert_ne!(a, b, "each hash has its own salt");
        assert!(pin_matches("4821", &a));
        assert!(pin_matches("4821", &b));
        assert!(!pin_matches("4822", &a));
        assert!(!pin_matches("4821", "not a hash"));
    }

    #[test]
    fn wrong_tries_slow_down_and_lock_outs_grow() {
        assert_eq!(slowdown(0), Duration::ZERO);
        assert!(slowdown(2) > slowdown(1));
        assert_eq!(slowdown(100), slowdown(8));
        assert_eq!(lockout(1), Duration::from_secs(60));
        assert_eq!(lockout(2), Duration::from_secs(120));
        assert_eq!(lockout(3), Duration::from_secs(240));
        assert_eq!(lockout(50), Duration::from_secs(3600));
    }

    #[test]
    fn names_are_compared_loosely_and_kept_tidy() {
        assert_eq!(name_key("  Ana   Pérez "), "ana pérez");
        assert_eq!(clean_name("  Ana   Pérez "), Some("Ana Pérez".into()));
        assert_eq!(clean_name("   "), None);
        assert_eq!(clean_name(&"x".repeat(61)), None);
    }

    #[test]
    fn the_signature_names_the_person_and_their_id() {
        let a = Actor {
            staff_id: Some("st-1a2b3c".into()),
            name: "Ana Pérez".into(),
            role: Role::Recepcion,
            ghl_user_id: None,
        };
        assert_eq!(a.signature(), "Ana Pérez (st-1a2b3c)");
    }
}
