//! Staff sign-in on a shared desk and the role check every write makes.
//!
//! The person acting is the one signed in on this `Desk` (one per process:
//! the app's window, or one CLI run with `--as`). Writes ask `acting(role)`
//! for the person they are recorded under; the check is here, not in the
//! UI. A desk with no staff yet works as before, under the OS user: the
//! first person added becomes gerencia and turns sign-in on.

use chrono::Utc;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Desk;
use crate::error::{CoreError, Result};
use crate::messages;
use crate::staff::{self, Actor, Role};
use crate::store::StaffRow;

const LOCK_AFTER_MINUTES: &str = "lock_after_minutes";

/// One of the clinic's people, as the desk shows them (never the PIN).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StaffMember {
    pub id: String,
    pub name: String,
    pub role: Role,
    /// The GHL user of the location this person is, when linked.
    pub ghl_user_id: Option<String>,
    /// Locked out after wrong PINs: until when (RFC 3339, UTC).
    pub locked_until: Option<String>,
}

/// A person to add.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct NewStaff {
    pub name: String,
    pub role: Role,
    pub pin: String,
    #[serde(default)]
    pub ghl_user_id: Option<String>,
}

/// Who is at the desk now, and what the lock screen needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DeskSession {
    /// The desk has staff: writes need a signed-in person.
    pub sign_in_required: bool,
    /// The person signed in, if any.
    pub person: Option<StaffMember>,
    /// Names to choose from on the sign-in screen.
    pub staff: Vec<StaffMember>,
    /// Idle minutes after which the desk locks itself (0: never).
    pub lock_after_minutes: u32,
    /// GHL users of the active location a person can be linked to (id, name).
    pub ghl_users: Vec<GhlUser>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct GhlUser {
    pub id: String,
    pub name: String,
}

// Here rather than beside `Role`: the refusal's text is the catalog's, and
// the catalog names roles (one direction between the two domain modules).
impl std::str::FromStr for Role {
    type Err = CoreError;

    fn from_str(s: &str) -> Result<Role> {
        Role::parse(s).ok_or_else(|| messages::staff_bad_role(s.trim()))
    }
}

fn member(row: &StaffRow) -> StaffMember {
    let now = Utc::now().timestamp_millis();
    StaffMember {
        id: row.id.clone(),
        name: row.name.clone(),
        role: row.role,
        ghl_user_id: row.ghl_user_id.clone(),
        locked_until: row
            .locked_until
            .filter(|&t| t > now)
            .map(|t| crate::time::utc_string(crate::time::from_ms(t))),
    }
}

fn actor_of(row: &StaffRow) -> Actor {
    Actor {
        staff_id: Some(row.id.clone()),
        name: row.name.clone(),
        role: row.role,
        ghl_user_id: row.ghl_user_id.clone(),
    }
}

impl Desk {
    /// The person a write is made by, if their role covers `needed`.
    /// Checked against the staff table now, so a role changed or a person
    /// removed since they signed in counts at once.
    pub(crate) fn acting(&self, needed: Role) -> Result<Actor> {
        if self.store.staff_count()? == 0 {
            return Ok(Actor {
                staff_id: None,
                name: super::actor(&self.store),
                role: Role::Gerencia,
                ghl_user_id: None,
            });
        }
        let signed = self.session.lock().unwrap().clone();
        let Some(id) = signed else {
            return Err(messages::sign_in_required());
        };
        let Some(row) = self.store.staff_member(&id)? else {
            *self.session.lock().unwrap() = None;
            return Err(messages::sign_in_required());
        };
        if !row.role.covers(needed) {
            return Err(messages::role_required(needed, &row.name));
        }
        Ok(actor_of(&row))
    }

    /// The signature a write records (`acting(needed)`'s).
    pub(crate) fn signature(&self, needed: Role) -> Result<String> {
        self.acting(needed).map(|a| a.signature())
    }

    /// Who is signed in, the names to choose from and the lock settings.
    pub fn desk_session(&self) -> Result<DeskSession> {
        let rows = self.store.staff_list()?;
        let signed = self.session.lock().unwrap().clone();
        let ghl_users = match self.active_location()? {
            Some(loc) => self
                .store
                .ghl_users(&loc)?
                .into_iter()
                .map(|(id, name)| GhlUser { id, name })
                .collect(),
            None => Vec::new(),
        };
        Ok(DeskSession {
            sign_in_required: !rows.is_empty(),
            person: signed
                .and_then(|id| rows.iter().find(|r| r.id == id))
                .map(member),
            staff: rows.iter().map(member).collect(),
            lock_after_minutes: self.lock_after_minutes()?,
            ghl_users,
        })
    }

    fn lock_after_minutes(&self) -> Result<u32> {
        Ok(self
            .store
            .setting(LOCK_AFTER_MINUTES)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(staff::DEFAULT_LOCK_AFTER_MINUTES))
    }

    /// Signs a person in with their PIN. Wrong PINs answer more slowly each
    /// time; five in a row lock the person out (a minute, doubling).
    pub async fn sign_in(&self, who: &str, pin: &str) -> Result<StaffMember> {
        let row = self
            .store
            .staff_member(who)?
            .ok_or_else(|| messages::staff_not_found(who.trim()))?;
        let now = Utc::now().timestamp_millis();
        if let Some(until) = row.locked_until.filter(|&t| t > now) {
            return Err(messages::staff_locked((until - now) / 1000));
        }
        let (pin, hash) = (pin.trim().to_string(), row.pin_hash.clone());
        let matches = tokio::task::spawn_blocking(move || staff::pin_matches(&pin, &hash))
            .await
            .map_err(|e| CoreError::Io(std::io::Error::other(e)))?;
        if matches {
            self.store.set_staff_tries(&row.id, 0, 0, None)?;
            *self.session.lock().unwrap() = Some(row.id.clone());
            tracing::info!(staff = %row.id, "signed in");
            return Ok(member(&row));
        }
        let tries = row.failed_tries + 1;
        tracing::warn!(staff = %row.id, tries, "wrong PIN");
        let refusal = if tries >= staff::TRIES_BEFORE_LOCK {
            let lockouts = row.lockouts + 1;
            let lasts = staff::lockout(lockouts);
            self.store.set_staff_tries(
                &row.id,
                0,
                lockouts,
                Some(now + lasts.as_millis() as i64),
            )?;
            messages::staff_locked(lasts.as_secs() as i64)
        } else {
            self.store
                .set_staff_tries(&row.id, tries, row.lockouts, None)?;
            messages::wrong_pin(staff::TRIES_BEFORE_LOCK - tries)
        };
        tokio::time::sleep(staff::slowdown(tries)).await;
        Err(refusal)
    }

    /// Signs the person out ("Cambiar de usuario", the idle lock).
    pub fn sign_out(&self) {
        if self.session.lock().unwrap().take().is_some() {
            tracing::info!("signed out");
        }
    }

    /// Adds a person (gerencia). The first person of a desk is added by
    /// whoever sets it up, always as gerencia, and is signed in.
    pub fn add_staff(&self, new: NewStaff) -> Result<StaffMember> {
        let first = self.store.staff_count()? == 0;
        if !first {
            self.acting(Role::Gerencia)?;
        }
        let name = staff::clean_name(&new.name).ok_or_else(messages::staff_bad_name)?;
        if !staff::valid_pin(new.pin.trim()) {
            return Err(messages::staff_bad_pin());
        }
        let ghl_user_id = self.checked_ghl_user(new.ghl_user_id)?;
        let row = StaffRow {
            id: staff::new_staff_id(),
            name: name.clone(),
            role: if first { Role::Gerencia } else { new.role },
            ghl_user_id,
            pin_hash: staff::hash_pin(new.pin.trim()),
            failed_tries: 0,
            lockouts: 0,
            locked_until: None,
        };
        if !self.store.insert_staff(&row)? {
            return Err(messages::staff_duplicate(name));
        }
        tracing::info!(staff = %row.id, role = row.role.as_str(), first, "staff added");
        if first {
            *self.session.lock().unwrap() = Some(row.id.clone());
        }
        Ok(member(&row))
    }

    fn checked_ghl_user(&self, id: Option<String>) -> Result<Option<String>> {
        let Some(id) = id.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()) else {
            return Ok(None);
        };
        let known = match self.active_location()? {
            Some(loc) => self.store.ghl_users(&loc)?.iter().any(|(u, _)| *u == id),
            None => false,
        };
        if known {
            Ok(Some(id))
        } else {
            Err(messages::staff_unknown_ghl_user(id))
        }
    }

    fn staff_row(&self, id_or_name: &str) -> Result<StaffRow> {
        self.store
            .staff_member(id_or_name)?
            .ok_or_else(|| messages::staff_not_found(id_or_name.trim()))
    }

    /// Changes a person's role (gerencia); the last manager stays one.
    pub fn set_staff_role(&self, id_or_name: &str, role: Role) -> Result<StaffMember> {
        self.acting(Role::Gerencia)?;
        let row = self.staff_row(id_or_name)?;
        if row.role == Role::Gerencia && role != Role::Gerencia {
            let managers = self
                .store
                .staff_list()?
                .iter()
                .filter(|r| r.role == Role::Gerencia)
                .count();
            if managers <= 1 {
                return Err(messages::staff_last_manager());
            }
        }
        self.store.set_staff_role(&row.id, role)?;
        tracing::info!(staff = %row.id, role = role.as_str(), "role changed");
        Ok(member(&StaffRow { role, ..row }))
    }

    /// Gives a person a new PIN (gerencia): a forgotten PIN, or a lock-out
    /// lifted at once.
    pub fn reset_staff_pin(&self, id_or_name: &str, pin: &str) -> Result<StaffMember> {
        self.acting(Role::Gerencia)?;
        let row = self.staff_row(id_or_name)?;
        if !staff::valid_pin(pin.trim()) {
            return Err(messages::staff_bad_pin());
        }
        self.store
            .set_staff_pin(&row.id, &staff::hash_pin(pin.trim()))?;
        tracing::info!(staff = %row.id, "PIN reset");
        Ok(member(&StaffRow {
            locked_until: None,
            ..row
        }))
    }

    /// The idle minutes before the desk locks itself (gerencia; 0 = never).
    pub fn set_lock_after_minutes(&self, minutes: u32) -> Result<()> {
        self.acting(Role::Gerencia)?;
        self.store
            .set_setting(LOCK_AFTER_MINUTES, &minutes.min(24 * 60).to_string())
    }
}
