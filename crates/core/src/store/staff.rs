//! The staff table: the clinic's people, their role, PIN hash and sign-in
//! tries.

use chrono::Utc;
use rusqlite::{params, OptionalExtension, Row};

use super::Store;
use crate::error::Result;
use crate::staff::{name_key, Role};

/// One person as stored (the PIN's hash included: never leaves the core).
#[derive(Debug, Clone)]
pub struct StaffRow {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub ghl_user_id: Option<String>,
    pub pin_hash: String,
    pub failed_tries: i64,
    pub lockouts: i64,
    /// Unix milliseconds.
    pub locked_until: Option<i64>,
}

const COLUMNS: &str = "id, name, role, ghl_user_id, pin_hash, failed_tries, lockouts, locked_until";

fn staff_row(r: &Row<'_>) -> rusqlite::Result<StaffRow> {
    Ok(StaffRow {
        id: r.get(0)?,
        name: r.get(1)?,
        role: Role::parse(&r.get::<_, String>(2)?).unwrap_or(Role::Recepcion),
        ghl_user_id: r.get(3)?,
        pin_hash: r.get(4)?,
        failed_tries: r.get(5)?,
        lockouts: r.get(6)?,
        locked_until: r.get(7)?,
    })
}

impl Store {
    pub fn staff_count(&self) -> Result<i64> {
        self.with(|c| c.query_row("SELECT COUNT(*) FROM staff", [], |r| r.get(0)))
    }

    pub fn staff_list(&self) -> Result<Vec<StaffRow>> {
        self.with(|c| {
            let mut st = c.prepare(&format!("SELECT {COLUMNS} FROM staff ORDER BY name_key"))?;
            let rows = st.query_map([], staff_row)?.collect();
            rows
        })
    }

    /// A person by id, or by name compared loosely.
    pub fn staff_member(&self, id_or_name: &str) -> Result<Option<StaffRow>> {
        self.with(|c| {
            c.query_row(
                &format!("SELECT {COLUMNS} FROM staff WHERE id = ?1 OR name_key = ?2"),
                params![id_or_name.trim(), name_key(id_or_name)],
                staff_row,
            )
            .optional()
        })
    }

    /// Adds a person; false when the name is already taken.
    pub fn insert_staff(&self, row: &StaffRow) -> Result<bool> {
        let now = Utc::now().timestamp_millis();
        self.with(|c| {
            c.execute(
                "INSERT INTO staff (id, name, name_key, role, ghl_user_id, pin_hash, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)
                 ON CONFLICT (name_key) DO NOTHING",
                params![
                    row.id,
                    row.name,
                    name_key(&row.name),
                    row.role.as_str(),
                    row.ghl_user_id,
                    row.pin_hash,
                    now
                ],
            )
            .map(|n| n == 1)
        })
    }

    pub fn set_staff_role(&self, id: &str, role: Role) -> Result<()> {
        self.with(|c| {
            c.execute(
                "UPDATE staff SET role = ?2, updated_at = ?3 WHERE id = ?1",
                params![id, role.as_str(), Utc::now().timestamp_millis()],
            )
            .map(drop)
        })
    }

    /// A new PIN clears wrong tries and lock-outs.
    pub fn set_staff_pin(&self, id: &str, pin_hash: &str) -> Result<()> {
        self.with(|c| {
            c.execute(
                "UPDATE staff SET pin_hash = ?2, failed_tries = 0, lockouts = 0, locked_until = NULL,
                        updated_at = ?3 WHERE id = ?1",
                params![id, pin_hash, Utc::now().timestamp_millis()],
            )
            .map(drop)
        })
    }

    /// Records the outcome of a sign-in: the tries, lock-outs and lock time.
    pub fn set_staff_tries(
        &self,
        id: &str,
        failed_tries: i64,
        lockouts: i64,
        locked_until: Option<i64>,
    ) -> Result<()> {
        self.with(|c| {
            c.execute(
                "UPDATE staff SET failed_tries = ?2, lockouts = ?3, locked_until = ?4 WHERE id = ?1",
                params![id, failed_tries, lockouts, locked_until],
            )
            .map(drop)
        })
    }

    /// The location's GHL users (id, name), to link a person to.
    pub fn ghl_users(&self, location_id: &str) -> Result<Vec<(String, String)>> {
        self.with(|c| {
            let mut st =
                c.prepare("SELECT id, name FROM users WHERE location_id = ?1 ORDER BY name")?;
            let rows = st
                .query_map([location_id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect();
            rows
        })
    }
}
