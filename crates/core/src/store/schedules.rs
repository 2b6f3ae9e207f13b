//! The schedules table: practitioners' availability from GHL.

use rusqlite::params;

use super::Store;
use crate::error::Result;
use crate::mapping::ScheduleRow;

impl Store {
    /// Replaces the location's schedules with GHL's (gone ones removed).
    pub fn replace_schedules(&self, location_id: &str, schedules: &[ScheduleRow]) -> Result<()> {
        self.with(|c| {
            let tx = c.transaction()?;
            tx.execute("DELETE FROM schedules WHERE location_id = ?1", [location_id])?;
            {
                let mut st = tx.prepare(
                    "INSERT OR REPLACE INTO schedules (id, location_id, user_id, name, timezone, rules, calendar_ids, raw)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )?;
                for s in schedules {
                    let calendars = serde_json::to_string(&s.calendar_ids).unwrap_or_else(|_| "[]".into());
                    st.execute(params![s.id, location_id, s.user_id, s.name, s.timezone, s.rules_json, calendars, s.raw])?;
                }
            }
            tx.commit()
        })
    }

    pub fn schedules(&self, location_id: &str) -> Result<Vec<ScheduleRow>> {
        self.with(|c| {
            let mut st = c.prepare(
                "SELECT id, user_id, name, timezone, rules, calendar_ids, raw FROM schedules
                 WHERE location_id = ?1 ORDER BY user_id, id",
            )?;
            let rows = st.query_map([location_id], |r| {
                let calendars: String = r.get(5)?;
                Ok(ScheduleRow {
                    id: r.get(0)?,
                    user_id: r.get(1)?,
                    name: r.get(2)?,
                    timezone: r.get(3)?,
                    rules_json: r.get(4)?,
                    calendar_ids: serde_json::from_str(&calendars).unwrap_or_default(),
                    raw: r.get(6)?,
                })
            })?;
            rows.collect()
        })
    }
}
