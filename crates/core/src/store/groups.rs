//! The calendar_groups table: GHL's calendar groups, the clinic's
//! specialties (a calendar's own group is `calendars.group_id`).

use rusqlite::params;

use super::Store;
use crate::error::Result;
use crate::mapping::GroupRow;

impl Store {
    /// Replaces the location's groups with GHL's list (gone ones removed).
    pub fn replace_groups(&self, location_id: &str, groups: &[GroupRow]) -> Result<()> {
        self.with(|c| {
            let tx = c.transaction()?;
            tx.execute("DELETE FROM calendar_groups WHERE location_id = ?1", [location_id])?;
            {
                let mut st = tx.prepare(
                    "INSERT INTO calendar_groups (id, location_id, name, is_active, raw) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (id) DO UPDATE SET location_id = excluded.location_id, name = excluded.name,
                       is_active = excluded.is_active, raw = excluded.raw",
                )?;
                for g in groups {
                    st.execute(params![g.id, location_id, g.name, g.is_active, g.raw])?;
                }
            }
            tx.commit()
        })
    }

    /// The location's groups by name.
    pub fn groups(&self, location_id: &str) -> Result<Vec<GroupRow>> {
        self.with(|c| {
            let mut st = c.prepare(
                "SELECT id, name, is_active, raw FROM calendar_groups WHERE location_id = ?1
                 ORDER BY name COLLATE NOCASE, id",
            )?;
            let rows = st.query_map([location_id], |r| {
                Ok(GroupRow {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    is_active: r.get(2)?,
                    raw: r.get(3)?,
                })
            })?;
            rows.collect()
        })
    }

    /// Each calendar's group (`None`: in no group), by calendar id.
    pub fn calendar_group_ids(&self, location_id: &str) -> Result<Vec<(String, Option<String>)>> {
        self.with(|c| {
            let mut st = c.prepare(
                "SELECT id, group_id FROM calendars WHERE location_id = ?1 ORDER BY name COLLATE NOCASE, id",
            )?;
            let rows = st.query_map([location_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect()
        })
    }
}
