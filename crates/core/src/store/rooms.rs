//! The rooms and room_calendars tables: GHL's calendar resources (rooms
//! and equipment) and the calendars each serves.

use rusqlite::params;

use super::Store;
use crate::error::Result;
use crate::mapping::RoomRow;

impl Store {
    /// Replaces the location's rooms and equipment with GHL's lists.
    pub fn replace_rooms(&self, location_id: &str, rooms: &[RoomRow]) -> Result<()> {
        self.with(|c| {
            let tx = c.transaction()?;
            tx.execute(
                "DELETE FROM room_calendars WHERE room_id IN (SELECT id FROM rooms WHERE location_id = ?1)",
                [location_id],
            )?;
            tx.execute("DELETE FROM rooms WHERE location_id = ?1", [location_id])?;
            {
                let mut room = tx.prepare(
                    "INSERT INTO rooms (id, location_id, kind, name, places, is_active, raw) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                     ON CONFLICT (id) DO UPDATE SET location_id = excluded.location_id, kind = excluded.kind,
                       name = excluded.name, places = excluded.places, is_active = excluded.is_active, raw = excluded.raw",
                )?;
                let mut serves = tx.prepare(
                    "INSERT OR IGNORE INTO room_calendars (room_id, calendar_id) VALUES (?1, ?2)",
                )?;
                for r in rooms {
                    room.execute(params![r.id, location_id, r.kind, r.name, r.places, r.is_active, r.raw])?;
                    for cal in &r.calendar_ids {
                        serves.execute(params![r.id, cal])?;
                    }
                }
            }
            tx.commit()
        })
    }

    /// The location's rooms and equipment, rooms first, by name; inactive
    /// ones too (`is_active` says).
    pub fn rooms(&self, location_id: &str) -> Result<Vec<RoomRow>> {
        self.with(|c| {
            let mut st = c.prepare(
                "SELECT r.id, r.kind, r.name, r.places, r.is_active, r.raw,
                        COALESCE((SELECT json_group_array(calendar_id) FROM room_calendars rc WHERE rc.room_id = r.id), '[]')
                 FROM rooms r WHERE r.location_id = ?1 ORDER BY r.kind DESC, r.name COLLATE NOCASE, r.id",
            )?;
            let rows = st.query_map([location_id], |r| {
                let calendars: String = r.get(6)?;
                Ok(RoomRow {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    name: r.get(2)?,
                    places: r.get(3)?,
                    is_active: r.get(4)?,
                    raw: r.get(5)?,
                    calendar_ids: serde_json::from_str(&calendars).unwrap_or_default(),
                })
            })?;
            rows.collect()
        })
    }

    /// The rooms and equipment serving one calendar (the booking dialog's "sala").
    pub fn rooms_of_calendar(&self, calendar_id: &str) -> Result<Vec<RoomRow>> {
        let location: Option<String> = self.with(|c| {
            use rusqlite::OptionalExtension;
            c.query_row(
                "SELECT location_id FROM calendars WHERE id = ?1",
                [calendar_id],
                |r| r.get(0),
            )
            .optional()
        })?;
        let Some(location) = location else {
            return Ok(Vec::new());
        };
        Ok(self
            .rooms(&location)?
            .into_iter()
            .filter(|r| r.calendar_ids.iter().any(|c| c == calendar_id))
            .collect())
    }
}
